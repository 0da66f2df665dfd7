"""Read queries of the CJ integration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from kamri.cj.models import CJApiCall, WebhookEvent
from kamri.core.listing import between

STATS_ROW_LIMIT = 50_000


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
    for endpoint, duration, ok in calls.values_list("endpoint", "duration_ms", "ok")[:STATS_ROW_LIMIT]:
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


@dataclass(frozen=True)
class WebhookStats:
    total: int
    processed: int
    errors: int
    pending: int
    ignored: int
    duplicates: int
    rejected: int
    recent: int
    last_received_at: datetime | None

    @property
    def success_rate(self) -> float | None:
        """Processed ÷ (processed + errors + ignored): duplicates, rejected and pending rows are not attempts."""
        settled = self.processed + self.errors + self.ignored
        return self.processed / settled if settled else None


def webhook_stats() -> WebhookStats:
    status = WebhookEvent.Status
    day_ago = timezone.now() - timedelta(hours=24)
    row = WebhookEvent.objects.aggregate(
        total=Count("id"),
        processed=Count("id", filter=Q(status=status.PROCESSED)),
        errors=Count("id", filter=Q(status=status.ERROR)),
        pending=Count("id", filter=Q(status=status.PENDING)),
        ignored=Count("id", filter=Q(status=status.IGNORED)),
        duplicates=Count("id", filter=Q(status=status.DUPLICATE)),
        rejected=Count("id", filter=Q(status=status.REJECTED)),
        recent=Count("id", filter=Q(received_at__gte=day_ago)),
        last=Max("received_at", filter=~Q(status=status.REJECTED)),
    )
    last = row.pop("last")
    return WebhookStats(**row, last_received_at=last)


def webhook_events(
    *, type: str = "", status: str = "", since: datetime | None = None, until: datetime | None = None
) -> QuerySet:
    events = WebhookEvent.objects.defer("raw_body")
    if type:
        events = events.filter(type=type.upper())
    if status in WebhookEvent.Status.values:
        events = events.filter(status=status)
    return between(events, "received_at", since, until).order_by("-received_at", "-id")
