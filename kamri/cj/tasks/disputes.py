"""CJ dispute jobs: thin, the rules are in kamri.cj.orders.disputes."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from kamri.cj.orders import disputes


@db_periodic_task(crontab(minute="*/30"))
@lock_task("cj-disputes-sync")
def sync_disputes() -> None:
    """Every 30 minutes: read CJ's answer on every dispute still under way (refund to balance, resend, refusal)."""
    disputes.sync_open()
