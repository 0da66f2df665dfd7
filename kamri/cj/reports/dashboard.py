"""Read queries of the CJ dashboard, the problems panel and the profit report.

Every figure is one SQL aggregate (no per-row query): the dashboard's query count does not grow with data.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.catalog.models import Product, Variant
from kamri.cj.connection import points_budget
from kamri.cj.models import CJAccount, CJApiCall, CJOrder, CJSettings, Problem, SyncRun, WebhookEvent
from kamri.cj.orders.disputes import credits_between
from kamri.cj.selectors import (
    CJ_LINE,
    WEBHOOK_FAILURE,
    WEBHOOK_RATE_DEFINITION,
    WEBHOOK_SUCCESS,
    WebhookWindow,
    rate,
    webhook_window,
)
from kamri.cj.sync import freshness
from kamri.core.money import CENT, cents, convert
from kamri.core.periods import Period
from kamri.orders.fees import estimated_fee
from kamri.orders.models import Order, OrderLine
from kamri.orders.selectors import paid_orders, refunds_between
from kamri.orders.vat import included_vat

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
    last_received_at: datetime | None
    window: WebhookWindow  # the last 24 hours, with the success rate


def webhooks(*, now: datetime | None = None) -> WebhookCounts:
    last = WebhookEvent.objects.order_by("-received_at").values_list("received_at", flat=True).first()
    return WebhookCounts(
        total=WebhookEvent.objects.count(), last_received_at=last, window=webhook_window(now=now)
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


SEVERITY_ORDER = Case(
    When(severity=Problem.Severity.CRITICAL, then=Value(0)),
    When(severity=Problem.Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def open_problems(*, severity: str | None = None) -> QuerySet:
    """Active problems the admin has not dismissed, most severe first."""
    rows = Problem.objects.filter(active=True, dismissed_at__isnull=True)
    if severity:
        rows = rows.filter(severity=severity)
    return rows.annotate(rank=SEVERITY_ORDER).order_by("rank", "-last_seen", "-id")


def dismissed_problems() -> QuerySet:
    return Problem.objects.filter(active=True, dismissed_at__isnull=False).order_by("-dismissed_at")


def recently_cleared(limit: int = 10) -> QuerySet:
    return Problem.objects.filter(active=False).order_by("-last_seen")[:limit]


# --- The dashboard in one call


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
    now = now or timezone.now()
    settings_row = CJSettings.load()
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
    usage = points_budget.today(now=now, settings_row=settings_row)
    problems = open_problems()
    problem_list = list(problems[:50])
    return Dashboard(
        account=account,
        last_sync_at=last_sync,
        last_sync_run=last_run,
        products=imported_products(),
        orders=cj_orders(),
        webhooks=webhooks(now=now),
        webhooks_enabled=settings_row.webhooks_enabled,
        stock_sync_every=every(settings_row.stock_sync_minutes),
        price_sync_every=every(settings_row.price_sync_minutes),
        usage=usage,
        critical_problems=[p for p in problem_list if p.severity == Problem.Severity.CRITICAL],
        open_problem_count=len(problem_list),
        orders_chart=orders_per_day(now=now),
        webhooks_chart=webhooks_per_hour(now=now),
        calls_chart=api_calls_per_hour(now=now),
        definitions={
            "webhooks": str(WEBHOOK_RATE_DEFINITION),
            "orders": str(ORDER_RATE_DEFINITION),
            "unavailable": str(UNAVAILABLE_DEFINITION),
        },
        settings_row=settings_row,
    )


# --- Profit report
#
# It covers the sales CJ fulfils: the CJ products of paid orders whose CJ order is placed (CJ's costs are then
# known). The rest of the period's cash (the Tableau de bord's "chiffre d'affaires encaissé", one definition in
# kamri.orders.selectors.paid_orders) is accounted for beside it: the shop's own products, which never go to CJ,
# and CJ products whose CJ order is not placed yet.


class ProfitFigures:
    """Revenue net of VAT − CJ goods − CJ shipping − payment fees = profit, and the margin on that revenue
    (one order or a total). Refunds are not recorded yet (see docs/operations.md)."""

    revenue: Decimal  # net of VAT
    goods: Decimal
    shipping: Decimal
    fees: Decimal

    @property
    def cost(self) -> Decimal:
        return self.goods + self.shipping

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.goods - self.shipping - self.fees

    @property
    def margin_percent(self) -> Decimal | None:
        return rate(self.profit, self.revenue)


@dataclass(frozen=True)
class ProfitRow(ProfitFigures):
    order_id: int
    number: str
    paid_at: datetime | None
    currency: str
    # The order's CJ sales: its total minus its own products (a mixed order has some), which stay outside.
    revenue_ttc: Decimal
    vat: Decimal
    revenue: Decimal  # revenue_ttc − vat
    own_revenue: Decimal
    shipping_charged: Decimal  # what the customer paid for delivery, net of VAT
    goods_usd: Decimal
    shipping_usd: Decimal
    goods: Decimal
    shipping: Decimal  # what CJ charged for delivery
    fees: Decimal


@dataclass(frozen=True)
class ProfitTotals(ProfitFigures):
    orders: int
    revenue_ttc: Decimal
    vat: Decimal
    revenue: Decimal
    shipping_charged: Decimal
    goods: Decimal
    shipping: Decimal
    fees: Decimal
    goods_usd: Decimal
    shipping_usd: Decimal


class Sales(NamedTuple):
    """A number of orders and what they brought in (the store's currency)."""

    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class SalesBreakdown:
    """The period's cash split by who fulfils it: paid = costed CJ sales + waiting CJ sales + own products.

    A mixed order (own and CJ products) has its own products in `own` and the rest in one CJ line, so the
    amounts always add up to `paid`; its order counts in both lines (`mixed` says how many such orders).
    """

    paid: Sales  # every paid order of the period, not cancelled: the Tableau de bord's definition
    cj_costed: Sales  # CJ products whose CJ order is placed: the report's margin
    cj_waiting: Sales  # CJ products whose CJ order is not placed yet: their cost is not known
    own: Sales  # the shop's own products: never ordered from CJ, their cost is not tracked here
    mixed: int


NO_REFUNDS = Sales(0, Decimal("0"))


@dataclass(frozen=True)
class ProfitReport:
    period: Period
    usd_rate: Decimal
    rows: list[ProfitRow]
    totals: ProfitTotals
    by_day: list[tuple[date, ProfitTotals]]
    sales: SalesBreakdown
    #: money given back to customers in the period (kamri.orders refunds), shown beside the sales
    refunds: Sales = NO_REFUNDS
    #: CJ's refunds to the balance decided in the period (disputes): (disputes, USD, store currency)
    cj_credits: tuple[int, Decimal, Decimal] = (0, Decimal("0"), Decimal("0"))


def profit_orders(period: Period) -> QuerySet:
    """The period's paid orders (kamri.orders.selectors.paid_orders) with what the report needs to split them:
    their placed CJ orders' costs, whether they hold CJ products, and the amount of their own products."""
    start, end = period.bounds()
    placed = Q(cj_orders__state=CJOrder.State.PLACED)
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by()
    own_lines = (
        lines.exclude(CJ_LINE)
        .values("order")
        .annotate(
            amount=Sum(
                F("unit_price") * F("quantity"), output_field=DecimalField(max_digits=14, decimal_places=2)
            )
        )
        .values("amount")
    )
    return (
        paid_orders(since=start, until=end)
        .annotate(
            placed_count=Count("cj_orders", filter=placed),
            goods_usd=Coalesce(Sum("cj_orders__product_amount_usd", filter=placed), Decimal("0")),
            shipping_usd=Coalesce(
                Sum(Coalesce("cj_orders__postage_amount_usd", "cj_orders__freight_usd"), filter=placed),
                Decimal("0"),
            ),
            has_cj_lines=Exists(lines.filter(CJ_LINE)),
            has_cj_order=Exists(
                CJOrder.objects.filter(order=OuterRef("pk")).exclude(state=CJOrder.State.CANCELLED)
            ),
            own_lines=Coalesce(
                Subquery(own_lines), Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2)
            ),
        )
        .order_by("paid_at", "id")
    )


class _Tally:
    def __init__(self) -> None:
        self.orders, self.revenue = 0, Decimal("0")

    def add(self, amount: Decimal) -> None:
        self.orders, self.revenue = self.orders + 1, self.revenue + amount

    def frozen(self) -> Sales:
        return Sales(self.orders, self.revenue)


def _totals(rows: Iterable[ProfitRow]) -> ProfitTotals:
    rows = list(rows)
    names = ("revenue_ttc", "vat", "revenue", "shipping_charged", "goods", "shipping", "fees", "goods_usd",
             "shipping_usd")  # fmt: skip
    return ProfitTotals(
        orders=len(rows), **{name: sum((getattr(row, name) for row in rows), Decimal("0")) for name in names}
    )


def _share(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The part of an order-wide amount (its VAT, its payment fee) that falls on `part` of its total."""
    if not whole or part == whole:
        return amount
    return cents(amount * part / whole)


def profit_report(period: Period) -> ProfitReport:
    """CJ sales − CJ goods − CJ shipping (USD × the shop's rate, rounded per order) = gross profit, and where
    the rest of the period's cash comes from.

    Totals are sums of the rounded per-order figures, so the rows always add up to the totals.
    """
    usd_rate = CJSettings.load().usd_rate
    rows: list[ProfitRow] = []
    paid, costed, waiting, own = _Tally(), _Tally(), _Tally(), _Tally()
    mixed = 0
    fields = (
        "id",
        "number",
        "paid_at",
        "currency",
        "total",
        "placed_count",
        "goods_usd",
        "shipping_usd",
        "has_cj_lines",
        "has_cj_order",
        "own_lines",
        "vat_total",
        "vat_rate",
        "shipping_total",
    )
    for values in profit_orders(period).values_list(*fields):
        order_id, number, paid_at, currency, total, placed_count, goods_usd, shipping_usd = values[:8]
        has_cj_lines, has_cj_order, own_lines, vat_total, vat_rate, shipping_total = values[8:]
        total = Decimal(total).quantize(CENT)
        paid.add(total)
        # A CJ sale holds CJ products, or has a CJ order (its CJ product may have been deleted since).
        if not (has_cj_lines or has_cj_order):
            own.add(total)
            continue
        own_part = min(Decimal(own_lines).quantize(CENT), total) if has_cj_lines else Decimal("0")
        if own_part:
            own.add(own_part)
            mixed += 1
        cj_part = total - own_part
        if not placed_count:
            waiting.add(cj_part)
            continue
        costed.add(cj_part)
        goods_usd = cents(Decimal(goods_usd))
        shipping_usd = cents(Decimal(shipping_usd))
        vat = _share(Decimal(vat_total), cj_part, total)
        shipping_total = Decimal(shipping_total)
        rows.append(
            ProfitRow(
                order_id=order_id,
                number=number,
                paid_at=paid_at,
                currency=currency,
                revenue_ttc=cj_part,
                vat=vat,
                revenue=cj_part - vat,
                own_revenue=own_part,
                shipping_charged=shipping_total - included_vat(shipping_total, Decimal(vat_rate)),
                fees=_share(estimated_fee(total), cj_part, total),
                goods_usd=goods_usd,
                shipping_usd=shipping_usd,
                goods=convert(goods_usd, usd_rate),
                shipping=convert(shipping_usd, usd_rate),
            )
        )
    zone = timezone.get_current_timezone()
    days: dict[date, list[ProfitRow]] = {}
    for row in rows:
        days.setdefault(row.paid_at.astimezone(zone).date(), []).append(row)
    return ProfitReport(
        period=period,
        usd_rate=usd_rate,
        rows=rows,
        totals=_totals(rows),
        by_day=[(day, _totals(day_rows)) for day, day_rows in sorted(days.items())],
        sales=SalesBreakdown(
            paid=paid.frozen(),
            cj_costed=costed.frozen(),
            cj_waiting=waiting.frozen(),
            own=own.frozen(),
            mixed=mixed,
        ),
        refunds=Sales(*refunds_between(*period.bounds())),
        cj_credits=credits_between(*period.bounds()),
    )


# --- CSV (never a secret: no access key, no token, no raw payload)


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ is not run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CsvFormat:
    """How a spreadsheet in the admin's language reads a CSV file: French Excel splits cells on ";" and reads
    "11,98" as a number, English Excel splits on "," and reads "11.98". Numbers are never grouped (no thousands
    separator) and dates stay ISO, so the file remains machine-readable."""

    delimiter: str
    decimal_mark: str

    def number(self, value: Decimal | int) -> str:
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", self.decimal_mark)


def csv_format() -> CsvFormat:
    """The active language's convention: Django's DECIMAL_SEPARATOR ("," in French, "." in English)."""
    mark = str(get_format("DECIMAL_SEPARATOR"))
    return CsvFormat(delimiter=";" if mark == "," else ",", decimal_mark=mark)


def csv_cell(value: object, fmt: CsvFormat) -> str:
    """A number in the spreadsheet's notation; anything else as spreadsheet-safe text."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return fmt.number(value)
    return safe_cell(value)


def csv_lines(rows: Iterable[Iterable[object]], fmt: CsvFormat) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=fmt.delimiter)
    for row in rows:
        yield writer.writerow([csv_cell(cell, fmt) for cell in row])


PROFIT_CSV_HEADER = [
    "commande",
    "payee_le",
    "devise",
    "chiffre_affaires_ttc",
    "tva",
    "chiffre_affaires_ht",
    "livraison_facturee_ht",
    "cout_produits_usd",
    "cout_livraison_usd",
    "cout_produits",
    "cout_livraison",
    "frais_paiement",
    "benefice",
    "marge_pourcent",
]


def _money_cells(figures: ProfitRow | ProfitTotals) -> list[object]:
    return [
        figures.revenue_ttc,
        figures.vat,
        figures.revenue,
        figures.shipping_charged,
        figures.goods_usd,
        figures.shipping_usd,
        figures.goods,
        figures.shipping,
        figures.fees,
        figures.profit,
        "" if figures.margin_percent is None else figures.margin_percent,
    ]


def profit_csv_rows(report: ProfitReport) -> Iterator[list[object]]:
    yield PROFIT_CSV_HEADER
    zone = timezone.get_current_timezone()
    for row in report.rows:
        yield [
            row.number,
            date_format(row.paid_at.astimezone(zone), "SHORT_DATETIME_FORMAT") if row.paid_at else "",
            row.currency,
            *_money_cells(row),
        ]
    totals = report.totals
    yield [
        "TOTAL",
        f"{date_format(report.period.start, 'SHORT_DATE_FORMAT')} / "
        f"{date_format(report.period.end, 'SHORT_DATE_FORMAT')}",
        "",
        *_money_cells(totals),
    ]


ORDERS_CSV_HEADER = [
    "commande_kamri",
    "numero_cj",
    "identifiant_cj",
    "etat",
    "statut_cj",
    "statut_kamri",
    "client",
    "pays",
    "transporteur",
    "numero_suivi",
    "montant_produits_usd",
    "montant_livraison_usd",
    "montant_cj_usd",
    "vente",
    "devise",
    "creee_le",
    "passee_le",
]


def orders_for_csv(
    *, state: str = "", status: str = "", cj_status_value: str = "", query: str = ""
) -> QuerySet:
    rows = CJOrder.objects.all()
    if state in CJOrder.State.values:
        rows = rows.filter(state=state)
    if status in Order.Status.values:
        rows = rows.filter(order__status=status)
    if cj_status_value:
        rows = rows.filter(cj_status=cj_status_value)
    if query:
        rows = rows.filter(
            Q(order_number__icontains=query)
            | Q(cj_order_id__icontains=query)
            | Q(track_number__icontains=query)
            | Q(order__customer_name__icontains=query)
        )
    return rows.order_by("-created_at", "-id")


def orders_csv_rows(rows: QuerySet) -> Iterator[list[object]]:
    yield ORDERS_CSV_HEADER
    zone = timezone.get_current_timezone()
    states = dict(CJOrder.State.choices)
    store_statuses = dict(Order.Status.choices)

    def stamp(value: datetime | None) -> str:
        return date_format(value.astimezone(zone), "SHORT_DATETIME_FORMAT") if value else ""

    for values in rows.values_list(
        "order__number",
        "order_number",
        "cj_order_id",
        "state",
        "cj_status",
        "order__status",
        "order__customer_name",
        "order__country",
        "logistic_name",
        "track_number",
        "product_amount_usd",
        "postage_amount_usd",
        "order_amount_usd",
        "order__total",
        "order__currency",
        "created_at",
        "placed_at",
    ).iterator(chunk_size=2000):
        (number, cj_number, cj_id, state, remote, store, customer, country, carrier, track) = values[:10]
        product_usd, postage_usd, order_usd, total, currency, created, placed = values[10:]
        yield [
            number,
            cj_number,
            cj_id or "",
            str(states.get(state, state)),
            remote,
            str(store_statuses.get(store, store)),
            customer,
            country,
            carrier,
            track,
            "" if product_usd is None else product_usd,
            "" if postage_usd is None else postage_usd,
            "" if order_usd is None else order_usd,
            total,
            currency,
            stamp(created),
            stamp(placed),
        ]


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
