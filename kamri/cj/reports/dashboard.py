"""Read queries of the CJ dashboard and the problems panel (the Rapport de marge is reports/profit.py, the CSV
exports reports/csv_export.py).

Every figure is one SQL aggregate (no per-row query): the dashboard's query count does not grow with data.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.catalog.models import Product, Variant
from kamri.cj.connection import points_budget
from kamri.cj.models import (
    PROBLEM_SEVERITY_RANK,
    CJAccount,
    CJApiCall,
    CJOrder,
    CJSettings,
    Problem,
    SyncRun,
    WebhookEvent,
)
from kamri.cj.selectors import (
    WEBHOOK_FAILURE,
    WEBHOOK_RATE_DEFINITION,
    WEBHOOK_SUCCESS,
    WebhookSilence,
    WebhookWindow,
    rate,
    webhook_silence,
    webhook_window,
)
from kamri.cj.sync import freshness
from kamri.orders.models import Order

# --- Definitions shown on hover: one place, used by the page and the tests.
ORDER_RATE_DEFINITION = gettext_lazy(
    "Commandes CJ passées ÷ commandes CJ tentées. Tentées : passées + à traiter + en échec "
    "(hors file d'attente, en cours d'envoi et annulées)."
)
UNAVAILABLE_DEFINITION = gettext_lazy(
    "Produit CJ inactif, ou dont toutes les variantes ont un stock de 0. "
    "Actifs et brouillons ne comptent que les produits disponibles."
)

ORDER_ATTEMPTED = (CJOrder.State.PLACED, CJOrder.State.NEEDS_ATTENTION, CJOrder.State.FAILED)


@dataclass(frozen=True)
class ProductCounts:
    total: int
    active: int
    draft: int
    unavailable: int


def imported_products() -> ProductCounts:
    """CJ products: available active, available draft, unavailable (inactive or every variant at stock 0)."""
    stocked = Variant.objects.filter(product=OuterRef("pk")).stocked()
    unavailable = Q(status=Product.Status.INACTIVE) | Q(stocked=False)
    row = (
        Product.objects.filter(cj_link__isnull=False)
        .annotate(stocked=Exists(stocked))
        .aggregate(
            total=Count("id"),
            active=Count("id", filter=Q(status=Product.Status.ACTIVE, stocked=True)),
            draft=Count("id", filter=Q(status=Product.Status.DRAFT, stocked=True)),
            unavailable=Count("id", filter=unavailable),
        )
    )
    return ProductCounts(**row)


@dataclass(frozen=True)
class OrderCounts:
    by_state: list[tuple[str, str, int]]  # (value, label, count)
    by_store_status: list[tuple[str, str, int]]
    total: int
    placed: int
    attempted: int
    needs_attention: int

    @property
    def success_rate(self) -> Decimal | None:
        return rate(self.placed, self.attempted)


def cj_orders() -> OrderCounts:
    """CJ orders by CJ-side state and by the KAMRI status of their store order."""
    states = dict(CJOrder.objects.order_by().values_list("state").annotate(n=Count("id")))
    # Counted from the orders' side: their status index drives the join into the CJ orders' order_id index (no
    # lookup of each store order, no temporary sort); a status without CJ orders counts 0, as before.
    store = dict(Order.objects.order_by().values_list("status").annotate(n=Count("cj_orders")))
    by_state = [(value, label, states.get(value, 0)) for value, label in CJOrder.State.choices]
    by_store = [(value, label, store.get(value, 0)) for value, label in Order.Status.choices]
    return OrderCounts(
        by_state=by_state,
        by_store_status=by_store,
        total=sum(states.values()),
        placed=states.get(CJOrder.State.PLACED, 0),
        attempted=sum(states.get(value, 0) for value in ORDER_ATTEMPTED),
        needs_attention=states.get(CJOrder.State.NEEDS_ATTENTION, 0),
    )


@dataclass(frozen=True)
class WebhookCounts:
    total: int
    silence: WebhookSilence  # the last webhook from CJ, and whether they are "silencieux"
    window: WebhookWindow  # the last 24 hours, with the success rate

    @property
    def last_received_at(self) -> datetime | None:
        return self.silence.last_received_at


def webhooks(*, now: datetime | None = None, settings_row: CJSettings | None = None) -> WebhookCounts:
    return WebhookCounts(
        total=WebhookEvent.objects.count(),
        silence=webhook_silence(settings_row=settings_row, now=now),
        window=webhook_window(now=now),
    )


# --- Time series: buckets are computed in Python (aware datetimes, DST-safe), counted in one SQL query.


@dataclass(frozen=True)
class Bucket:
    start: datetime
    end: datetime
    label: str
    title: str


def hour_buckets(*, now: datetime, hours: int = 24) -> list[Bucket]:
    zone = timezone.get_current_timezone()
    current = now.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    starts = [current - timedelta(hours=offset) for offset in range(hours - 1, -1, -1)]
    return [
        Bucket(
            start,
            start + timedelta(hours=1),
            date_format(start, "TIME_FORMAT"),
            date_format(start, "SHORT_DATETIME_FORMAT"),
        )
        for start in starts
    ]


def day_buckets(*, now: datetime, days: int = 30) -> list[Bucket]:
    zone = timezone.get_current_timezone()
    today = now.astimezone(zone).date()
    buckets = []
    for offset in range(days - 1, -1, -1):
        day = today - timedelta(days=offset)
        start = timezone.make_aware(datetime.combine(day, time.min), zone)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
        buckets.append(
            Bucket(start, end, date_format(day, "MONTH_DAY_FORMAT"), date_format(day, "SHORT_DATE_FORMAT"))
        )
    return buckets


def _count_per_bucket(
    model: type,
    field_name: str,
    buckets: list[Bucket],
    *,
    group_by: str | None = None,
    series: dict[str, Callable[[object], bool]] | None = None,
) -> dict[str, list[int]]:
    """{series: [count per bucket]} in one grouped query.

    Each row gets its bucket index from one CASE over the sorted bucket ends, rows are grouped by
    (bucket, `group_by`), and `series` predicates on the `group_by` value split the counts ("all" is
    always there). Few ORM expressions, one index range scan, a handful of result rows.
    """
    totals = {key: [0] * len(buckets) for key in ("all", *(series or {}))}
    if not buckets:
        return totals

    def index(low: int, high: int):  # a binary search in SQL: log2(buckets) comparisons per row
        if high - low == 1:
            return Value(low, output_field=IntegerField())
        middle = (low + high) // 2
        return Case(
            When(**{f"{field_name}__lt": buckets[middle].start}, then=index(low, middle)),
            default=index(middle, high),
            output_field=IntegerField(),
        )

    rows = (
        model.objects.filter(**{f"{field_name}__gte": buckets[0].start, f"{field_name}__lt": buckets[-1].end})
        .order_by()
        .annotate(bucket=index(0, len(buckets)))
        .values_list("bucket", *([group_by] if group_by else []))
        .annotate(n=Count("id"))
    )
    for row in rows:
        position, count, key = row[0], row[-1], row[1] if group_by else None
        if position is None:
            continue
        totals["all"][position] += count
        for name, belongs in (series or {}).items():
            if belongs(key):
                totals[name][position] += count
    return totals


def orders_per_day(*, now: datetime, days: int = 30) -> tuple[list[Bucket], list[int]]:
    buckets = day_buckets(now=now, days=days)
    return buckets, _count_per_bucket(CJOrder, "created_at", buckets)["all"]


def webhooks_per_hour(*, now: datetime) -> tuple[list[Bucket], list[int], list[int]]:
    """Processed (and ignored) vs errors per hour over the last 24 hours."""
    buckets = hour_buckets(now=now)
    counts = _count_per_bucket(
        WebhookEvent,
        "received_at",
        buckets,
        group_by="status",
        series={
            "ok": lambda status: status in WEBHOOK_SUCCESS,
            "err": lambda status: status in WEBHOOK_FAILURE,
        },
    )
    return buckets, counts["ok"], counts["err"]


def api_calls_per_hour(*, now: datetime) -> tuple[list[Bucket], list[int], list[int]]:
    buckets = hour_buckets(now=now)
    counts = _count_per_bucket(
        CJApiCall, "started_at", buckets, group_by="ok", series={"err": lambda ok: not ok}
    )
    return buckets, counts["all"], counts["err"]


# --- Daily usage against CJ's points: one definition, in the budget's owner (services/points_budget.py).

DAILY_BASE_POINTS = points_budget.DAILY_BASE_POINTS
DailyUsage = points_budget.Day
points_cost = points_budget.points_cost
utc_day_start = points_budget.utc_day_start


def daily_usage(*, now: datetime | None = None) -> points_budget.Day:
    """Today's points (CJ's pointsInfo, else the call-log estimate) — `points_budget.today`."""
    return points_budget.today(now=now)


def last_errors(limit: int = 10) -> list[CJApiCall]:
    return list(CJApiCall.objects.filter(ok=False).order_by("-started_at", "-id")[:limit])


# --- Problems


def open_problems(*, severity: str | None = None) -> QuerySet:
    """Active problems the admin has not dismissed, most severe first."""
    rows = Problem.objects.filter(active=True, dismissed_at__isnull=True)
    if severity:
        rows = rows.filter(severity=severity)
    return rows.annotate(rank=PROBLEM_SEVERITY_RANK).order_by("rank", "-last_seen", "-id")


def dismissed_problems() -> QuerySet:
    return Problem.objects.filter(active=True, dismissed_at__isnull=False).order_by(
        PROBLEM_SEVERITY_RANK.asc(), "-dismissed_at"
    )


def recently_cleared(limit: int = 10) -> QuerySet:
    return Problem.objects.filter(active=False).order_by("-last_seen")[:limit]


# --- The dashboard in one call
#
# The heavy figure groups (CJ products, CJ orders, the three charts, today's points and the freshness) scan the
# whole catalogue and order book: at 100k orders they cost more than a page may (issue 20 part 10). They are
# computed together and kept FIGURES_SECONDS in the cache; the page says when ("Chiffres au 19:42") and its
# "Actualiser" recomputes them. A write that changes them (a CJ order, a product link, the Paramètres) starts a
# new generation, so the next load recomputes. The live parts (account, connection, problems, webhooks card)
# are read on every load.

FIGURES_SECONDS = 60
FIGURES_GENERATION_KEY = "cj:dashboard:generation"


@dataclass(frozen=True)
class Figures:
    """The dashboard's heavy figure groups, all read at ``computed_at``."""

    products: ProductCounts
    orders: OrderCounts
    usage: DailyUsage
    points: PointsBoard
    orders_chart: tuple[list[Bucket], list[int]]
    webhooks_chart: tuple[list[Bucket], list[int], list[int]]
    calls_chart: tuple[list[Bucket], list[int], list[int]]
    computed_at: datetime
    generation: str | None = None  # the write generation they were computed in


def compute_figures(*, now: datetime, settings_row: CJSettings, generation: str | None = None) -> Figures:
    usage = points_budget.today(now=now, settings_row=settings_row)
    return Figures(
        products=imported_products(),
        orders=cj_orders(),
        usage=usage,
        points=points_board(now=now, day=usage, settings_row=settings_row),
        orders_chart=orders_per_day(now=now),
        webhooks_chart=webhooks_per_hour(now=now),
        calls_chart=api_calls_per_hour(now=now),
        computed_at=now,
        generation=generation,
    )


@functools.cache
def _shape() -> str:
    """The fields of what the cache keeps: a deploy that changes them reads none of the previous figures."""
    kept = (
        Figures,
        ProductCounts,
        OrderCounts,
        Bucket,
        PointsBoard,
        DailyUsage,
        freshness.Forecast,
        freshness.Freshness,
    )
    names = ",".join(f"{cls.__name__}({','.join(f.name for f in fields(cls))})" for cls in kept)
    return hashlib.sha256(names.encode()).hexdigest()[:12]


def _figures_key() -> str:
    # Chart labels are formatted in the active language and bucketed in the current time zone.
    zone = timezone.get_current_timezone_name()
    return f"cj:dashboard:figures:{_shape()}:{translation.get_language()}:{zone}"


def cached_figures(*, settings_row: CJSettings, refresh: bool = False) -> Figures:
    """The figures of the last FIGURES_SECONDS (one cache read), or computed now when ``refresh``, expired, or
    a write changed them since."""
    key = _figures_key()
    stored = cache.get_many([FIGURES_GENERATION_KEY, key])
    generation = stored.get(FIGURES_GENERATION_KEY)
    kept = stored.get(key)
    if not refresh and isinstance(kept, Figures) and kept.generation == generation:
        return kept
    fresh = compute_figures(now=timezone.now(), settings_row=settings_row, generation=generation)
    cache.set(key, fresh, FIGURES_SECONDS)
    return fresh


def refresh_figures() -> Figures:
    """The dashboard's "Actualiser": the heavy figures computed now, and kept for the next loads."""
    return cached_figures(settings_row=CJSettings.load(), refresh=True)


def figures_changed() -> None:
    """A write changed the heavy figures: the next dashboard load recomputes them (every language, zone).
    Again once the write's transaction commits: a load in between may have read the rows from before it."""

    def new_generation() -> None:
        cache.set(FIGURES_GENERATION_KEY, uuid.uuid4().hex, None)

    new_generation()
    transaction.on_commit(new_generation)


@dataclass(frozen=True)
class Dashboard:
    account: CJAccount | None
    last_sync_at: datetime | None
    last_sync_run: SyncRun | None
    products: ProductCounts
    orders: OrderCounts
    webhooks: WebhookCounts
    webhooks_enabled: bool
    stock_sync_every: str  # "toutes les heures", from the Paramètres
    price_sync_every: str
    usage: DailyUsage
    critical_problems: list[Problem]
    open_problem_count: int
    orders_chart: tuple[list[Bucket], list[int]]
    webhooks_chart: tuple[list[Bucket], list[int], list[int]]
    calls_chart: tuple[list[Bucket], list[int], list[int]]
    points: PointsBoard
    figures_at: datetime  # when the heavy figures were read (now, or the cached ones' time)
    definitions: dict[str, str] = field(default_factory=dict)
    settings_row: CJSettings | None = None  # the saved settings the figures were read with


def every(minutes: int) -> str:
    """A schedule as people say it: "toutes les 30 min", "toutes les heures", "toutes les 6 h"."""
    if minutes == 60:
        return _("toutes les heures")
    if minutes and minutes % 60 == 0:
        return _("toutes les %(n)s h") % {"n": minutes // 60}
    if minutes == 1:
        return _("toutes les minutes")
    return _("toutes les %(n)s min") % {"n": minutes}


def dashboard(*, now: datetime | None = None) -> Dashboard:
    """The whole board. Without ``now`` the heavy figures come from the cache (``cached_figures``); with it
    they are computed for that moment."""
    settings_row = CJSettings.load()
    if now is None:
        heavy = cached_figures(settings_row=settings_row)
        now = timezone.now()
    else:
        heavy = compute_figures(now=now, settings_row=settings_row)
    account = CJAccount.objects.order_by("pk").first()
    last_run = SyncRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    last_sync = max(
        (
            when
            for when in (account.last_sync_at if account else None, last_run and last_run.finished_at)
            if when
        ),
        default=None,
    )
    problems = open_problems()
    problem_list = list(problems[:50])
    return Dashboard(
        account=account,
        last_sync_at=last_sync,
        last_sync_run=last_run,
        products=heavy.products,
        orders=heavy.orders,
        webhooks=webhooks(now=now, settings_row=settings_row),
        webhooks_enabled=settings_row.webhooks_enabled,
        stock_sync_every=every(settings_row.stock_sync_minutes),
        price_sync_every=every(settings_row.price_sync_minutes),
        usage=heavy.usage,
        critical_problems=[p for p in problem_list if p.severity == Problem.Severity.CRITICAL],
        open_problem_count=len(problem_list),
        orders_chart=heavy.orders_chart,
        webhooks_chart=heavy.webhooks_chart,
        calls_chart=heavy.calls_chart,
        points=heavy.points,
        figures_at=heavy.computed_at,
        definitions={
            "webhooks": str(WEBHOOK_RATE_DEFINITION),
            "orders": str(ORDER_RATE_DEFINITION),
            "unavailable": str(UNAVAILABLE_DEFINITION),
        },
        settings_row=settings_row,
    )


# --- Points CJ: today's spend by purpose, CJ's remaining figure, the reserve, the forecast, freshness achieved.


@dataclass(frozen=True)
class PointsBoard:
    day: points_budget.Day
    plan: object  # freshness.Forecast of the saved targets
    to_midnight: int
    freshness: object  # freshness.Freshness

    @property
    def crosses(self) -> bool:
        return self.to_midnight > self.day.quota


def points_board(
    *,
    now: datetime | None = None,
    day: points_budget.Day | None = None,
    settings_row: CJSettings | None = None,
) -> PointsBoard:
    """``settings_row``: the saved CJSettings when the caller has read them already (the dashboard)."""
    now = now or timezone.now()
    day = day or points_budget.today(now=now, settings_row=settings_row)
    plan = freshness.catalogue_forecast(now=now, day=day, loaded=settings_row)
    return PointsBoard(
        day=day,
        plan=plan,
        to_midnight=points_budget.forecast_to_midnight(day, plan_per_day=plan.points_per_day, now=now),
        freshness=freshness.achieved(now=now),
    )
