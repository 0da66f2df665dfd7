"""Reporting periods: whole days in the admin's time zone, the default being the last 30 days.

One definition shared by every page that reports on a period, so "the last 30 days" is the same on the
Tableau de bord and in the Rapport de marge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_DAYS = 30
MAX_DAYS = 3660
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class BadPeriod(ValueError):
    """A date filter the admin typed that is not a date, or an inverted range."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        """[start of the first day, start of the day after the last) as aware datetimes in the admin's zone."""
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), zone),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone),
        )


def default_period(*, today: date | None = None, days: int = DEFAULT_DAYS) -> Period:
    """The last `days` days, today included."""
    today = today or timezone.localdate()
    return Period(today - timedelta(days=days - 1), today)


def parse_period(raw_start: str, raw_end: str, *, today: date | None = None) -> Period:
    """Both dates optional (YYYY-MM-DD); raises BadPeriod on anything else."""
    fallback = default_period(today=today)
    try:
        start = date.fromisoformat(raw_start.strip()) if raw_start.strip() else fallback.start
        end = date.fromisoformat(raw_end.strip()) if raw_end.strip() else fallback.end
    except ValueError as error:
        raise BadPeriod(_("Date invalide : utilisez le format AAAA-MM-JJ.")) from error
    if start < FIRST_DAY or end > LAST_DAY:  # a bound in the admin's zone must still be a date in UTC
        raise BadPeriod(_("Date hors limites : choisissez une date entre le 01/01/1900 et le 31/12/9998."))
    if start > end:
        raise BadPeriod(_("La date de début est postérieure à la date de fin."))
    if (end - start).days > MAX_DAYS:
        raise BadPeriod(_("Période trop longue (10 ans au plus)."))
    return Period(start, end)
