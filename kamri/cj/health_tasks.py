"""Periodic CJ health check (problems panel). Imported at the end of kamri.cj.tasks."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

__all__ = ["check_cj_health"]


@db_periodic_task(crontab(minute="*/5"))
@lock_task("cj-health-check")
def check_cj_health() -> None:
    """Every 5 minutes: raise or clear the problems panel's entries, and ask CJ for the balance."""
    from kamri.cj.services import health

    health.check_all(with_balance=True)
