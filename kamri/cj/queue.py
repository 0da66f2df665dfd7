"""The one module CJ services use to enqueue CJ jobs: typed functions over `kamri.core.queue`'s registry.

The task modules (`kamri.cj.tasks` and its siblings) register their jobs with `@queue.provides` when they are
imported (the worker's autodiscovery, the app's `ready()` in every process); services call the functions below.
The import graph points one way: tasks → services → queue.
"""

from __future__ import annotations

from kamri.core.queue import job as _job
from kamri.core.queue import provides

__all__ = ["provides"]


def place_cj_order(cj_order_id: int, *, delay_s: float = 0) -> None:
    job = _job("place_cj_order")
    if delay_s > 0:
        job.schedule((cj_order_id,), delay=delay_s)
    else:
        job(cj_order_id)


def process_webhook(event_id: int) -> None:
    _job("process_webhook")(event_id)


def drain_webhooks() -> None:
    _job("drain_webhooks")()


def subscribe_product_webhooks(link_id: int) -> None:
    _job("subscribe_product_webhooks")(link_id)


def subscribe_pending_products() -> None:
    _job("subscribe_pending_products")()


def run_bulk_import(run_id: int) -> None:
    _job("run_bulk_import")(run_id)


def run_order_sync(run_id: int) -> None:
    _job("run_order_sync")(run_id)


def run_stock_sync(run_id: int) -> None:
    _job("run_stock_sync")(run_id)


def run_price_sync(run_id: int) -> None:
    _job("run_price_sync")(run_id)


def refresh_profit_lines() -> None:
    _job("refresh_profit_lines")()
