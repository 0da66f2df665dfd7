"""The periodic CJ health check (the problems panel)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kamri.cj.reports import health


@db_periodic_task(crontab(minute="*/5"))
@lock_task("cj-health-check")
def check_cj_health() -> None:
    """Every 5 minutes: raise or clear the problems panel's entries, and ask CJ for the balance."""
    health.check_all(with_balance=True)
