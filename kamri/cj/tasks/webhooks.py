"""Webhook jobs: the inbox's processing, its sweep, and the retention of old rows."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.cj import queue
from kamri.cj.webhooks import retention, webhook_processing


@queue.provides
@db_task()
def process_webhook(event_id: int) -> None:
    webhook_processing.process(event_id)


@queue.provides
@db_task()
def drain_webhooks() -> None:
    """Process the pending inbox in arrival order (the receiver asks for this after its commits)."""
    webhook_processing.drain()


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-webhooks-sweep")
def sweep_webhooks() -> None:
    """A webhook is a row before it is a job: every minute, re-enqueue rows a lost job left pending."""
    webhook_processing.sweep()


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("cj-retention")
def prune_old_rows() -> None:
    """Retention: processed webhooks and the API-call log are pruned; errors are kept."""
    retention.prune_all()
