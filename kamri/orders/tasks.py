"""Huey tasks of the shop's orders: thin wrappers over services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.core import queue
from kamri.orders import notifications, services, stripe_webhooks


@queue.provides
@db_task()
def process_stripe_event(event_pk: int) -> None:
    stripe_webhooks.process(event_pk)


@db_periodic_task(crontab(minute="*"))
@lock_task("stripe-events-sweep")
def sweep_stripe_events() -> None:
    """Anything left in the inbox (a worker stopped mid-way) is applied on the next minute."""
    for pk in stripe_webhooks.pending():
        stripe_webhooks.process(pk)


@queue.provides
@db_task(retries=5, retry_delay=60)
def send_order_email(order_id: int, kind: str, refund_id: int | None = None, resend_key: str = "") -> None:
    notifications.send_order_email(
        order_id, kind, refund_id=refund_id, resend_key=resend_key
    )  # a mail server error retries later


@db_periodic_task(crontab(minute="*"))
@lock_task("orders-release-reservations")
def release_expired_reservations() -> None:
    """Every minute: orders unpaid past KAMRI_STOCK_RESERVATION_MINUTES give their stock back."""
    services.release_expired_reservations()
