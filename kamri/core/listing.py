"""Search, filters and pagination shared by every admin list page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

PAGE_SIZE = 25


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE):
    """A page of the queryset plus the query string to keep filters across page links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def selected_ids(request: HttpRequest, limit: int = 500) -> list[int]:
    """The ids ticked in a list's bulk form (`ids`), garbage left out, at most `limit` of them."""
    values = request.POST.getlist("ids")
    return [int(value) for value in values if value.isdigit() and len(value) < 19][:limit]


def _day(value: str) -> date | None:
    """A YYYY-MM-DD day within years 1900–2999 (beyond, converting time zones overflows the calendar)."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None


def date_range(request: HttpRequest) -> tuple[datetime | None, datetime | None]:
    """The `from` and `to` (inclusive) days of a filter form, as aware datetimes in the admin's zone.
    A malformed or out-of-range date is simply no bound."""
    start, end = _day(request.GET.get("from", "")), _day(request.GET.get("to", ""))
    zone = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.combine(start, time.min), zone) if start else None
    until = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), zone) if end else None
    return since, until


def between(rows: QuerySet, field: str, since: datetime | None, until: datetime | None) -> QuerySet:
    """Rows whose `field` falls in [since, until); a missing bound is no bound (a list page's date filter)."""
    if since:
        rows = rows.filter(**{f"{field}__gte": since})
    if until:
        rows = rows.filter(**{f"{field}__lt": until})
    return rows
