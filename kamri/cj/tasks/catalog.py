"""Catalogue jobs: the bulk import and the product webhook subscriptions."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from kamri.cj import queue
from kamri.cj.catalog import bulk_import
from kamri.cj.webhooks import webhooks_subscriptions


@queue.provides
@db_task(retries=3, retry_delay=60)
def subscribe_product_webhooks(link_id: int) -> None:
    webhooks_subscriptions.subscribe(link_id)


@queue.provides
@db_task(retries=3, retry_delay=60)
def subscribe_pending_products() -> None:
    webhooks_subscriptions.subscribe_pending()


@queue.provides
@db_task()
def run_bulk_import(run_id: int) -> None:
    bulk_import.run(run_id)
