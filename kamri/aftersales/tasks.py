"""Huey tasks of after-sales: thin wrappers over the services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.aftersales import delivery_news
from kamri.core import queue


@queue.provides
@db_task(retries=5, retry_delay=60)
def send_aftersales_email(
    order_id: int,
    kind: str,
    event_type: str,
    request_id: int | None = None,
    reply: str = "",
    by: str = "",
    parcels: list[str] | None = None,
) -> None:
    delivery_news.deliver_email(
        order_id, kind, event_type, request_id=request_id, reply=reply, by=by, parcels=parcels
    )


@db_periodic_task(crontab(minute="17"))
@lock_task("aftersales-no-carrier-news")
def no_carrier_news() -> None:
    """Hourly: parcels silent for KAMRI_NO_CARRIER_NEWS_DAYS get their "pas de nouvelles" e-mail, once."""
    delivery_news.send_no_news()
