"""Huey tasks of the stock and price synchronisation: thin wrappers over `stock_sync` / `price_sync`.

The scheduler ticks every few minutes; whether a run is due is read from CJSettings at each tick, so a
frequency changed in Configuration applies without restarting the worker.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

__all__ = [
    "run_price_sync",
    "run_stock_sync",
    "sync_cj_prices_periodically",
    "sync_cj_stock_periodically",
]

TICK = crontab(minute="*/5")


@db_task()
def run_stock_sync(run_id: int) -> None:
    from kamri.cj.services import stock_sync

    stock_sync.run(run_id)


@db_task()
def run_price_sync(run_id: int) -> None:
    from kamri.cj.services import price_sync

    price_sync.run(run_id)


@db_periodic_task(TICK)
@lock_task("cj-stock-sync-schedule")
def sync_cj_stock_periodically() -> None:
    """Every `stock_sync_minutes`: the products no webhook refreshed in the last half period."""
    from kamri.cj.models import SyncRun
    from kamri.cj.services import connection, stock_sync

    if connection.get_account() is None or not stock_sync.is_due(SyncRun.Kind.STOCK, stock_sync.period()):
        return
    stock_sync.run(stock_sync.start(skip_recent=True, enqueue=False).pk)


@db_periodic_task(TICK)
@lock_task("cj-price-sync-schedule")
def sync_cj_prices_periodically() -> None:
    """Every `price_sync_minutes`: the CJ cost of every imported product (changes go through the guard)."""
    from kamri.cj.models import SyncRun
    from kamri.cj.services import connection, price_sync, stock_sync

    if connection.get_account() is None or not stock_sync.is_due(SyncRun.Kind.PRICES, price_sync.period()):
        return
    price_sync.run(price_sync.start(scheduled=True, enqueue=False).pk)
