"""Huey tasks of the orders app: thin wrappers over kamri.orders.services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("orders-release-reservations")
def release_expired_reservations() -> None:
    """Every minute: orders unpaid past KAMRI_STOCK_RESERVATION_MINUTES give their stock back."""
    from kamri.orders import services

    services.release_expired_reservations()
