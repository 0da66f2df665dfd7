"""CJ-order jobs: placement, its sweep, batch payment, the polling of orders in flight, the runs' sweeper."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.cj import jobs, queue
from kamri.cj.connection import account
from kamri.cj.orders import cj_payment, order_sync, placement


@queue.provides
@db_task()
def place_cj_order(cj_order_id: int) -> None:
    placement.place(cj_order_id)


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-orders-sweep")
def sweep_cj_orders() -> None:
    """The queue only hurries things up: every minute, re-enqueue CJ orders that are due or stuck."""
    placement.sweep()


@db_periodic_task(crontab(minute="*"))
@lock_task("cj-sync-runs-sweep")
def sweep_sync_runs() -> None:
    """A worker killed mid-run: every minute, resume (bulk import) or close (syncs) what it left running."""
    jobs.sweep()


@db_periodic_task(crontab(minute="0"))
@lock_task("cj-pay-batch")
def pay_cj_orders_in_batch() -> None:
    """Batch payment mode: at each chosen hour, pay every CJ order waiting in "À payer" (a no-op otherwise)."""
    cj_payment.run_batch()


@queue.provides
@db_task()
def run_order_sync(run_id: int) -> None:
    order_sync.run(run_id)


@db_periodic_task(crontab(minute=f"*/{settings.CJ_ORDER_SYNC_MINUTES}"))
@lock_task("cj-orders-sync")
def sync_cj_orders_periodically() -> None:
    """Webhooks get lost: poll the orders in flight that no webhook refreshed in the last 10 minutes."""
    if account.get_account() is None or not order_sync.in_flight(fresher_than=timedelta(minutes=10)).exists():
        return
    order_sync.run(order_sync.start(skip_recent=True, enqueue=False).pk)
