"""Stock and price jobs: the manual syncs (they walk every product) and the freshness planner's tick.

The schedule is the planner (kamri/cj/sync/freshness.py): it ticks every 10 minutes and reads its targets from
CJSettings at each tick.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.cj import queue
from kamri.cj.connection import account
from kamri.cj.sync import freshness, price_sync, stock_sync

TICK = crontab(minute="*/10")


@queue.provides
@db_task()
def run_stock_sync(run_id: int) -> None:
    stock_sync.run(run_id)


@queue.provides
@db_task()
def run_price_sync(run_id: int) -> None:
    price_sync.run(run_id)


@db_periodic_task(TICK)
@lock_task("cj-freshness-planner")
def plan_cj_freshness() -> None:
    """Every 10 minutes: the freshness planner checks the products due, within this tick's share of points."""
    if account.get_account() is None:
        return
    freshness.tick()
