"""The one owner of CJ's daily points (CJ-API.md §4.3, CJ's points page).

- **Allowance**: CJ's own figures first — the ``pointsInfo {usedToday, remaining, total}`` of the latest answer
  since 00:00 UTC (its total includes the order-conversion bonus when CJ grants one); without it, our estimate
  from the API-call log at CJ's published cost per endpoint, against the 50,000 base points.
- **Spend by purpose**: every call is tagged (``spending(ORDERS)`` … around the work) and the log is summed per tag.
- **Reserve for orders**: points syncs may never touch — ``points_reserve_multiplier`` × the points orders used on
  the busiest of the last 7 days, at least ``points_reserve_floor``. Orders and payments always go first: they are
  never refused here; any other purpose that would cut into the reserve gets ``ReserveReached``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.cj.models import CJApiCall, CJSettings

DAILY_BASE_POINTS = 50_000
#: CJ refused the call for points: it cost nothing (CJ-API.md §4.3: 16900500 live, 429 documented)
POINTS_REFUSED_CODES = (16900500, 429)

ORDERS, STOCK, PRICES, CATALOG, WEBHOOKS, OTHER = "orders", "stock", "prices", "catalog", "webhooks", "other"
PURPOSE_LABELS = {
    ORDERS: gettext_lazy("Commandes"),
    STOCK: gettext_lazy("Stock"),
    PRICES: gettext_lazy("Prix"),
    CATALOG: gettext_lazy("Recherche et import"),
    WEBHOOKS: gettext_lazy("Abonnements webhooks"),
    OTHER: gettext_lazy("Autres"),
}

POINTS_COST: dict[str, int] = {
    "product/listV2": 50,
    "product/list": 50,
    "product/queryProductsByImage": 1000,
    **{
        name: 10
        for name in (
            "product/query",
            "product/variant/query",
            "product/variant/queryByVid",
            "product/stock/queryByVid",
            "product/stock/queryBySku",
            "product/stock/getInventoryByPid",
            "product/stock/privateInventory/querySpuPage",
            "product/stock/privateInventory/querySkuListByProductId",
            "product/stock/privateInventory/querySkuDetailPage",
            "product/stock/privateInventory/querySkuDetailListBySku",
            "product/stock/privateInventory/querySkuFlowByCondition",
            "storehouseCenterWeb/syncStorehouseVideoRequests",
            "logistic/freightCalculate",
            "logistic/freightCalculateTip",
            "logistic/partnerFreightCalculate",
            "logistic/getSupplierLogisticsTemplate",
            "webhook/product/subscribe",
            "webhook/product/unsubscribe",
        )
    },
}

_purpose: contextvars.ContextVar[str] = contextvars.ContextVar("cj_points_purpose", default="")


def points_cost(endpoint: str) -> int:
    """Points one call costs (unlisted endpoints, orders and payments included, cost 0)."""
    return POINTS_COST.get(endpoint.strip().lstrip("/").split("?")[0], 0)


@contextmanager
def spending(purpose: str) -> Iterator[None]:
    """Every CJ call made inside is counted for ``purpose`` (the innermost one wins)."""
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)


def purpose_of(endpoint: str) -> str:
    """The purpose of a call being made now: the caller's, else what the endpoint is for."""
    if current := _purpose.get():
        return current
    path = endpoint.strip().lstrip("/")
    if path.startswith("webhook/product/"):
        return WEBHOOKS
    if path.startswith(("shopping/", "logistic/")):
        return ORDERS
    if path.startswith("product/"):
        return CATALOG
    return OTHER


def utc_day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Day:
    """Today's points, since 00:00 UTC. ``points``/``quota`` are what CJ says when it said it (``source="cj"``)."""

    since: datetime
    calls: int
    errors: int
    points: int  # used today
    quota: int  # the day's total
    remaining: int
    source: str  # "cj" (pointsInfo) or "estimate" (call log × CJ's costs, every attempt counted)
    estimated: int
    by_purpose: dict[str, int] = field(default_factory=dict)
    reserve: int = 0

    @property
    def percent(self) -> float:
        return 100 * self.points / self.quota if self.quota else 0.0

    @property
    def for_syncs(self) -> int:
        """What syncs may still spend today without touching the orders' reserve."""
        return max(0, self.remaining - self.reserve)

    @property
    def purposes(self) -> list[tuple[str, str, int]]:
        return [(key, str(label), self.by_purpose.get(key, 0)) for key, label in PURPOSE_LABELS.items()]

    @property
    def local_zone(self) -> str:
        """The admin's time zone as people name it ("Paris"), "" when midnight UTC is midnight there too."""
        local = timezone.localtime(self.since)
        if (local.hour, local.minute) == (0, 0):
            return ""
        return timezone.get_current_timezone_name().rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class _Spend:
    calls: int
    errors: int
    today: dict[str, int]  # estimated points per purpose since 00:00 UTC
    orders_per_day: list[int]  # points the orders used on each of the last 7 UTC days


TODAY = 6  # the index of today's calls in `_spend`


def _spend(since: datetime) -> _Spend:
    """One grouped query over the last 7 UTC days of the call log: today's spend by purpose and each day's
    order points (every attempt counts at CJ's cost, except the calls CJ refused for points)."""
    first = since - timedelta(days=6)
    # The UTC day of each call as an index (0 = six days ago, 6 = today, 7 = later), by comparisons on the
    # indexed column: a date function per row (20,000 calls a day) cost more than the rest of the page.
    day = Case(
        *(When(started_at__lt=first + timedelta(days=k + 1), then=Value(k)) for k in range(7)),
        default=Value(7),
        output_field=IntegerField(),
    )
    rows = (
        CJApiCall.objects.filter(started_at__gte=first)
        .annotate(day=day)
        .order_by()
        .values_list("day", "purpose", "endpoint")
        .annotate(
            n=Count("id"),
            errors=Count("id", filter=Q(ok=False)),
            refused=Count("id", filter=Q(cj_code__in=POINTS_REFUSED_CODES)),
        )
    )
    calls = errors = 0
    today_spent: dict[str, int] = {}
    orders: dict[object, int] = {}
    for day, purpose, endpoint, n, failed, refused in rows:
        cost = (n - refused) * points_cost(endpoint)
        key = purpose or purpose_of_logged(endpoint)
        if key == ORDERS and cost:
            orders[day] = orders.get(day, 0) + cost
        if day != TODAY:
            continue
        calls, errors = calls + n, errors + failed
        if cost:
            today_spent[key] = today_spent.get(key, 0) + cost
    return _Spend(calls=calls, errors=errors, today=today_spent, orders_per_day=list(orders.values()))


def purpose_of_logged(endpoint: str) -> str:
    """The purpose of a logged call without a tag (made before tagging existed): from its endpoint."""
    token = _purpose.set("")
    try:
        return purpose_of(endpoint)
    finally:
        _purpose.reset(token)


def reserve_for(*, busiest_order_day: int, settings_row: CJSettings) -> int:
    """The rule of the reserve, on figures (the forecast and the benchmark use it as it is)."""
    return max(settings_row.points_reserve_floor, settings_row.points_reserve_multiplier * busiest_order_day)


def reserve(*, now: datetime | None = None, settings_row: CJSettings | None = None) -> int:
    now = now or timezone.now()
    return reserve_for(
        busiest_order_day=max(_spend(utc_day_start(now)).orders_per_day, default=0),
        settings_row=settings_row or CJSettings.load(),
    )


def today(*, now: datetime | None = None, settings_row: CJSettings | None = None) -> Day:
    """Today's allowance and spend: CJ's pointsInfo when an answer today carried it, else our estimate."""
    now = now or timezone.now()
    since = utc_day_start(now)
    spend = _spend(since)
    calls, errors, spent = spend.calls, spend.errors, spend.today
    estimated = sum(spent.values())
    latest = (
        CJApiCall.objects.filter(started_at__gte=since, cj_points_total__isnull=False)
        .order_by("-started_at", "-id")
        .values_list("cj_points_used", "cj_points_remaining", "cj_points_total")
        .first()
    )
    if latest is not None:
        used, remaining, total = latest
        source = "cj"
    else:
        used, total, source = estimated, DAILY_BASE_POINTS, "estimate"
        remaining = max(0, total - used)
    return Day(
        since=since,
        calls=calls,
        errors=errors,
        points=used,
        quota=total,
        remaining=remaining,
        source=source,
        estimated=estimated,
        by_purpose=spent,
        reserve=reserve_for(
            busiest_order_day=max(spend.orders_per_day, default=0),
            settings_row=settings_row or CJSettings.load(),
        ),
    )


def latest_cj_figures() -> tuple[int, int, int] | None:
    """(usedToday, remaining, total) of the latest answer ever carrying pointsInfo (any day)."""
    return (
        CJApiCall.objects.filter(cj_points_total__isnull=False)
        .order_by("-started_at", "-id")
        .values_list("cj_points_used", "cj_points_remaining", "cj_points_total")
        .first()
    )


def daily_allowance() -> int:
    """The day's total points as CJ last gave it (base + bonus), else the 50,000 base."""
    figures = latest_cj_figures()
    return figures[2] if figures else DAILY_BASE_POINTS


class ReserveReached(Exception):
    """A sync would spend points kept for orders: it stops, and says so."""

    def __init__(self, day: Day, cost: int) -> None:
        self.day, self.cost = day, cost
        super().__init__(self.user_message)

    @property
    def user_message(self) -> str:
        return _(
            "Arrêtée pour préserver les commandes : il reste %(left)s points CJ aujourd'hui et %(reserve)s sont "
            "réservés aux commandes payées. Reprise automatique après minuit UTC, quand CJ remet les points ; "
            "la réserve se règle dans Paramètres."
        ) % {
            "left": number_format(self.day.remaining, force_grouping=True),
            "reserve": number_format(self.day.reserve, force_grouping=True),
        }


def allow(purpose: str, cost: int, *, now: datetime | None = None) -> Day | None:
    """May a call of ``cost`` points be made for ``purpose`` now? Orders always may (None is returned);
    anything else raises ``ReserveReached`` when it would leave less than the reserve."""
    if purpose == ORDERS or cost <= 0:
        return None
    day = today(now=now)
    if day.remaining - cost < day.reserve:
        raise ReserveReached(day, cost)
    return day


def forecast_to_midnight(day: Day, *, plan_per_day: int, now: datetime) -> int:
    """Points used by 00:00 UTC: today's so far, plus the rest of the day at today's pace for everything but the
    syncs, plus what the planner will still spend (its plan, never more than what syncs may use)."""
    elapsed_h = max(0.25, (now - day.since).total_seconds() / 3600)
    left_h = max(0.0, 24 - (now - day.since).total_seconds() / 3600)
    others = sum(points for purpose, points in day.by_purpose.items() if purpose not in (STOCK, PRICES))
    syncs = min(day.for_syncs, plan_per_day * left_h / 24)
    return day.points + round(others / elapsed_h * left_h + syncs)
