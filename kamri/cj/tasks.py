"""Huey tasks: thin wrappers over services."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.cj.services import webhooks_subscriptions

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def subscribe_product_webhooks(link_id: int) -> None:
    webhooks_subscriptions.subscribe(link_id)


@db_task(retries=3, retry_delay=60)
def subscribe_pending_products() -> None:
    webhooks_subscriptions.subscribe_pending()


@db_task()
def run_bulk_import(run_id: int) -> None:
    from kamri.cj.services import bulk_import

    bulk_import.run(run_id)


@db_task()
def process_webhook(event_id: int) -> None:
    from kamri.cj.services import webhook_processing

    webhook_processing.process(event_id)


@db_task()
def drain_webhooks() -> None:
    """Process the pending inbox in arrival order (the receiver asks for this after its commits)."""
    from kamri.cj.services import webhook_processing

    webhook_processing.drain()


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-webhooks-sweep")
def sweep_webhooks() -> None:
    """A webhook is a row before it is a job: every minute, re-enqueue rows a lost job left pending."""
    from kamri.cj.services import webhook_processing

    webhook_processing.sweep()


@db_periodic_task(crontab(minute="17", hour="3"))
@lock_task("cj-retention")
def prune_old_rows() -> None:
    """Retention: processed webhooks and the API-call log are pruned; errors are kept."""
    from kamri.cj.services import retention

    retention.prune_all()


@db_task()
def place_cj_order(cj_order_id: int) -> None:
    from kamri.cj.services import orders

    orders.place(cj_order_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-orders-sweep")
def sweep_cj_orders() -> None:
    """The queue only hurries things up: every minute, re-enqueue CJ orders that are due or stuck."""
    from kamri.cj.services import orders

    orders.sweep()


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-sync-runs-sweep")
def sweep_sync_runs() -> None:
    """A worker killed mid-run: every minute, resume (bulk import) or close (syncs) what it left running."""
    from kamri.cj.services import jobs

    jobs.sweep()


@db_periodic_task(crontab(minute="0"))
@lock_task("cj-pay-batch")
def pay_cj_orders_in_batch() -> None:
    """Batch payment mode: at each chosen hour, pay every CJ order waiting in "À payer" (a no-op otherwise)."""
    from kamri.cj.services import cj_payment

    cj_payment.run_batch()


@db_task()
def run_order_sync(run_id: int) -> None:
    from kamri.cj.services import order_sync

    order_sync.run(run_id)


@db_periodic_task(crontab(minute=f"*/{settings.CJ_ORDER_SYNC_MINUTES}"))
@lock_task("cj-orders-sync")
def sync_cj_orders_periodically() -> None:
    """Webhooks get lost: poll the orders in flight that no webhook refreshed in the last 10 minutes."""
    from kamri.cj.services import connection, order_sync

    if (
        connection.get_account() is None
        or not order_sync.in_flight(fresher_than=timedelta(minutes=10)).exists()
    ):
        return
    order_sync.run(order_sync.start(skip_recent=True, enqueue=False).pk)


from kamri.cj.dispute_tasks import *  # noqa: E402, F403
from kamri.cj.health_tasks import *  # noqa: E402, F403
from kamri.cj.sync_tasks import *  # noqa: E402, F403
