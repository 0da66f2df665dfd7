"""Read queries of the CJ integration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kamri.catalog.models import Product
from kamri.cj.models import CJApiCall, CJOrder, CJSettings, WebhookEvent
from kamri.core.listing import between
from kamri.orders.models import Order

STATS_ROW_LIMIT = 50_000

#: An order line that comes from CJ: its variant belongs to a product imported from CJ. The one rule for
#: "this order has something to order from CJ" (placing orders) and "this sale is a CJ sale" (profit report).
CJ_LINE = Q(variant__product__source=Product.Source.CJ)


def api_calls(
    *, endpoint: str = "", outcome: str = "", since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    calls = CJApiCall.objects.all()
    if endpoint:
        calls = calls.filter(endpoint=endpoint)
    if outcome == "ok":
        calls = calls.filter(ok=True)
    elif outcome == "error":
        calls = calls.filter(ok=False)
    return between(calls, "started_at", since, until).order_by("-started_at", "-id")


@dataclass(frozen=True)
class EndpointStats:
    endpoint: str
    calls: int
    errors: int
    p50_ms: float
    p95_ms: float

    @property
    def error_rate(self) -> float:
        return self.errors / self.calls if self.calls else 0.0


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    rank = max(1, round(fraction * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def endpoint_stats(calls: QuerySet) -> list[EndpointStats]:
    """Latency p50/p95 and error rate per endpoint over (at most the latest 50,000 of) the given calls."""
    durations: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    # Up to 50,000 rows: read through the cursor, without the ORM's per-row Decimal and boolean converters
    # (they cost more than the query); float() and truthiness read the raw values on SQLite and PostgreSQL.
    sql, params = calls.values_list("endpoint", "duration_ms", "ok")[:STATS_ROW_LIMIT].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for endpoint, duration, ok in rows:
        durations.setdefault(endpoint, []).append(float(duration))
        errors[endpoint] = errors.get(endpoint, 0) + (0 if ok else 1)
    stats = []
    for endpoint, values in durations.items():
        values.sort()
        stats.append(
            EndpointStats(
                endpoint, len(values), errors[endpoint], percentile(values, 0.5), percentile(values, 0.95)
            )
        )
    return sorted(stats, key=lambda row: (-row.calls, row.endpoint))


# --- webhooks ---------------------------------------------------------------------------------------

WEBHOOK_RATE_WINDOW = timedelta(hours=24)
WEBHOOK_SUCCESS = (WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED)
WEBHOOK_FAILURE = (WebhookEvent.Status.ERROR,)
WEBHOOK_RATE_DEFINITION = gettext_lazy(
    "Webhooks reçus ces dernières 24 h : traités (y compris ignorés, sans objet pour KAMRI) ÷ "
    "(traités + ignorés + en erreur). Ne comptent pas : les webhooks en attente (pas encore traités), "
    "les doublons (même messageId renvoyé par CJ) et les rejetés (signature ou contenu invalide : "
    "pas un envoi de CJ)."
)


def rate(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """A percentage with one decimal (half up), or None when the whole is zero (never a fake 100 %): the one
    percentage of the admin's figures (success rates, margins)."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class WebhookWindow:
    """Webhooks received in the last 24 hours, by status, and the one success rate every page shows."""

    since: datetime
    received: int  # every status
    processed: int
    ignored: int
    errors: int
    pending: int
    duplicates: int
    rejected: int
    succeeded: int  # WEBHOOK_SUCCESS: processed + ignored
    settled: int  # succeeded + WEBHOOK_FAILURE (errors): the webhooks whose processing ended, well or badly
    success_rate: Decimal | None  # succeeded ÷ settled
    error_rate: Decimal | None  # errors ÷ settled


def webhook_window(*, now: datetime | None = None) -> WebhookWindow:
    """Counts of the last 24 hours (WEBHOOK_RATE_WINDOW) in one aggregate, and the rates: the one definition
    (WEBHOOK_RATE_DEFINITION) the Webhooks page, the CJ dashboard and the health check all read."""
    since = (now or timezone.now()) - WEBHOOK_RATE_WINDOW
    row = WebhookEvent.objects.filter(received_at__gte=since).aggregate(received=Count("id"), **_per_status())
    succeeded = sum(row[_count_name(value)] for value in WEBHOOK_SUCCESS)
    failed = sum(row[_count_name(value)] for value in WEBHOOK_FAILURE)
    return WebhookWindow(
        since=since,
        **row,
        succeeded=succeeded,
        settled=succeeded + failed,
        success_rate=rate(succeeded, succeeded + failed),
        error_rate=rate(failed, succeeded + failed),
    )


def _count_name(status: str) -> str:
    """The name a status's count goes by in WebhookWindow and WebhookStats ("error" → "errors")."""
    return {WebhookEvent.Status.ERROR: "errors", WebhookEvent.Status.DUPLICATE: "duplicates"}.get(
        status, status
    )


def _per_status() -> dict[str, Count]:
    return {_count_name(value): Count("id", filter=Q(status=value)) for value in WebhookEvent.Status.values}


@dataclass(frozen=True)
class WebhookStats:
    """Every webhook still kept, by status: the Webhooks page's counters. Not a basis for a rate: successful
    rows are pruned after the retention period while errors are kept (see `webhook_window`)."""

    total: int
    processed: int
    errors: int
    pending: int
    ignored: int
    duplicates: int
    rejected: int
    last_received_at: datetime | None


#: A webhook that counts as "received from CJ" for every "dernier reçu" and for the silence rule: a request
#: refused at the door (signature, body: no message id) proves nothing; a CJ message rejected for its content does.
FROM_CJ = ~Q(status=WebhookEvent.Status.REJECTED, message_id=None)


def webhook_stats() -> WebhookStats:
    """The counters without reading every row: the total from COUNT(*) (SQLite answers it from its smallest
    index), each status but "processed" (the bulk of a busy log) from the status index, "processed" as the rest;
    the latest from the date index."""
    total = WebhookEvent.objects.count()
    others = [value for value in WebhookEvent.Status.values if value != WebhookEvent.Status.PROCESSED]
    counts = dict(
        WebhookEvent.objects.filter(status__in=others)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    row = {_count_name(value): counts.get(value, 0) for value in others}
    row[_count_name(WebhookEvent.Status.PROCESSED)] = total - sum(counts.values())
    return WebhookStats(total=total, **row, last_received_at=last_webhook_at())


def last_webhook_at() -> datetime | None:
    """When the last webhook from CJ arrived (FROM_CJ), None before the first: walked down the date index."""
    return (
        WebhookEvent.objects.filter(FROM_CJ)
        .order_by("-received_at")
        .values_list("received_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class WebhookSilence:
    """ "Webhooks silencieux", the one definition the Tableau de bord, the Webhooks page and the problem use:
    webhooks enabled and none from CJ for more than `hours` hours, counted from the last one received, or from
    when they were enabled before the first."""

    enabled: bool
    hours: int
    last_received_at: datetime | None
    silent: bool

    @property
    def never_received(self) -> bool:
        return self.enabled and self.last_received_at is None


def webhook_silence(
    *,
    settings_row: CJSettings | None = None,
    last_received_at: datetime | None = None,
    now: datetime | None = None,
) -> WebhookSilence:
    """`last_received_at`: pass `last_webhook_at()` (or the stats' figure) when already read, else it is read."""
    settings_row = settings_row or CJSettings.load()
    last = last_received_at if last_received_at is not None else last_webhook_at()
    since = last or settings_row.webhooks_enabled_at
    quiet_for = timedelta(hours=settings_row.no_webhook_alert_hours)
    now = now or timezone.now()
    return WebhookSilence(
        enabled=settings_row.webhooks_enabled,
        hours=settings_row.no_webhook_alert_hours,
        last_received_at=last,
        silent=settings_row.webhooks_enabled and (since is None or now - since > quiet_for),
    )


def webhook_events(
    *, type: str = "", status: str = "", since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    events = WebhookEvent.objects.defer("raw_body")
    if type:
        events = events.filter(type=type.upper())
    if status in WebhookEvent.Status.values:
        events = events.filter(status=status)
    return between(events, "received_at", since, until).order_by("-received_at", "-id")


@dataclass(frozen=True)
class ToPaySummary:
    count: int
    total_usd: Decimal


def to_pay() -> QuerySet:
    """The "À payer chez CJ" filter: created at CJ, not paid yet (a payment in progress included)."""
    return CJOrder.objects.filter(
        state__in=(CJOrder.State.TO_PAY, CJOrder.State.PAYING), paid_at__isnull=True
    )


def to_pay_summary() -> ToPaySummary:
    """The "À payer chez CJ" tab's count and total (USD, CJ's amounts)."""
    row = to_pay().aggregate(n=Count("id"), total=Sum("order_amount_usd"))
    return ToPaySummary(count=row["n"], total_usd=row["total"] or Decimal(0))


# --- The Commandes CJ filter: one reading of the page's query parameters, for the page and its CSV export.


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""
    state: str = ""  # a CJOrder.State, "to_pay" meaning "À payer chez CJ" (created at CJ, not yet paid)
    cj_status: str = ""
    status: str = ""  # the shop order's status

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> OrderFilters:
        return cls(
            q=params.get("q", "")[:200].strip(),
            state=params.get("state", ""),
            cj_status=params.get("cj_status", ""),
            status=params.get("status", ""),
        )

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def cj_orders(filters: OrderFilters) -> QuerySet[CJOrder]:
    """The CJ orders these filters select, newest first; unknown values are ignored, never an error."""
    rows = CJOrder.objects.select_related("order").order_by("-created_at", "-id")
    if filters.q:
        rows = rows.filter(
            Q(order_number__icontains=filters.q)
            | Q(cj_order_id__icontains=filters.q)
            | Q(track_number__icontains=filters.q)
            | Q(order__customer_name__icontains=filters.q)
        )
    if filters.state == CJOrder.State.TO_PAY:  # "À payer chez CJ": created at CJ, not paid (PAYING included)
        rows = rows.filter(pk__in=to_pay().values("pk"))
    elif filters.state in CJOrder.State.values:
        rows = rows.filter(state=filters.state)
    if filters.cj_status:
        rows = rows.filter(cj_status=filters.cj_status)
    if filters.status in Order.Status.values:
        rows = rows.filter(order__status=filters.status)
    return rows
