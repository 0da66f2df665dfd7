"""Huey tasks: thin wrappers over services."""

from __future__ import annotations

import logging

from huey.contrib.djhuey import db_task

from kamri.cj.services import webhooks_subscriptions

log = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)
def subscribe_product_webhooks(link_id: int) -> None:
    webhooks_subscriptions.subscribe(link_id)


@db_task()
def run_bulk_import(run_id: int) -> None:
    from kamri.cj.services import bulk_import

    bulk_import.run(run_id)
