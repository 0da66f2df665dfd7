"""Huey tasks of CJ disputes: thin, the rules are in kamri.cj.services.disputes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

__all__ = ["sync_disputes", "sync_disputes_now"]


@db_periodic_task(crontab(minute="*/30"))
@lock_task("cj-disputes-sync")
def sync_disputes() -> None:
    """Every 30 minutes: read CJ's answer on every dispute still under way (refund to balance, resend, refusal)."""
    from kamri.cj.services import disputes

    disputes.sync_open()


@db_task()
@lock_task("cj-disputes-sync")
def sync_disputes_now() -> None:
    """ "Synchroniser les litiges" on the Retours et litiges page."""
    from kamri.cj.services import disputes

    disputes.sync_open()
