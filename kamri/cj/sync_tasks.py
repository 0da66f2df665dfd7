"""Huey tasks of the stock and price synchronisation: thin wrappers over `stock_sync` / `price_sync`.

The manual "Synchroniser le stock / les prix" runs walk every product. The schedule is the freshness planner
(services/freshness.py): it ticks every 10 minutes and reads its targets from CJSettings at each tick.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

__all__ = [
    "plan_cj_freshness",
    "run_price_sync",
    "run_stock_sync",
]

TICK = crontab(minute="*/10")


@db_task()
def run_stock_sync(run_id: int) -> None:
    from kamri.cj.services import stock_sync

    stock_sync.run(run_id)


@db_task()
def run_price_sync(run_id: int) -> None:
    from kamri.cj.services import price_sync

    price_sync.run(run_id)


@db_periodic_task(TICK)
@lock_task("cj-freshness-planner")
def plan_cj_freshness() -> None:
    """Every 10 minutes: the freshness planner checks the products due, within this tick's share of points."""
    from kamri.cj.services import connection, freshness

    if connection.get_account() is None:
        return
    freshness.tick()
