"""The points budget: CJ's pointsInfo is the allowance, calls are counted by purpose, and the orders' reserve holds.

The acceptance case: CJ's points nearly spent — the stock sync stops with a clear summary while a paid order is
still placed from the reserve.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kamri.cj.connection import points_budget
from kamri.cj.models import CJApiCall, CJOrder, CJSettings, SyncRun
from kamri.cj.orders import placement as orders
from kamri.cj.sync import freshness, stock_sync
from tests.cj.helpers import cj_row, control, import_cj_products, paid_order, sandbox_orders, stocked_variant
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


def test_cj_figures_are_the_allowance_and_spend_is_counted_by_purpose(cj_account, cj_sandbox):
    import_cj_products(1)
    control(cj_sandbox, "points", {"apiKey": SANDBOX_API_KEY, "bonus": 2_500})
    stock_sync.run(stock_sync.start(enqueue=False).pk)
    day = points_budget.today()
    ledger = control(cj_sandbox, "points")["accounts"][SANDBOX_API_KEY]
    assert day.source == "cj" and (day.points, day.remaining, day.quota) == (
        ledger["usedToday"],
        ledger["remaining"],
        52_500,
    )  # CJ's own figures, bonus included, not our 50,000 estimate
    assert day.by_purpose[points_budget.STOCK] == 10  # one getInventoryByPid
    assert day.by_purpose[points_budget.CATALOG] >= 50  # the search (listV2) and the import's reads
    assert day.estimated == day.points  # the call log agrees with CJ when nothing else spent points
    assert CJApiCall.objects.filter(purpose="stock").count() == 1


def test_points_nearly_spent_the_paid_order_is_placed_from_the_reserve_and_the_sync_stops(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    products = import_cj_products(2)
    ledger = control(cj_sandbox, "points")["accounts"][SANDBOX_API_KEY]
    control(cj_sandbox, "points", {"apiKey": SANDBOX_API_KEY, "usedToday": ledger["total"] - 1_005})
    assert CJSettings.load().points_reserve_floor == 1_000

    job = stock_sync.run(stock_sync.start(enqueue=False).pk)
    assert job.status == SyncRun.Status.FAILED and job.summary["stopped_for_reserve"]
    assert "préserver les commandes" in job.error and "réservés aux commandes payées" in job.error
    assert job.error in job.summary["lines"]  # the run's summary says why it stopped
    assert job.done == 1  # the first answer told KAMRI CJ's real figure (995 left): no second call
    assert not stock_sync.is_due(SyncRun.Kind.STOCK, stock_sync.period())  # not before 00:00 UTC
    assert freshness.tick() is None  # the planner holds too: nothing for syncs today

    order = paid_order([stocked_variant(products[0])], capture=django_capture_on_commit_callbacks)
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED, row.reasons
    assert [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == order.number]
    spent = CJApiCall.objects.filter(
        purpose=points_budget.ORDERS, started_at__gte=timezone.now() - timedelta(1)
    )
    assert {"product/stock/getInventoryByPid", "logistic/freightCalculate"} <= set(
        spent.values_list("endpoint", flat=True)
    )
    assert not spent.filter(ok=False).exists()  # the reserve paid for them: CJ refused nothing
    assert points_budget.today().remaining < 995  # spent from the reserve


def test_reserve_is_three_times_the_busiest_order_day_with_a_floor():
    settings_row = CJSettings(points_reserve_multiplier=3, points_reserve_floor=1_000)
    assert points_budget.reserve_for(busiest_order_day=100, settings_row=settings_row) == 1_000
    assert points_budget.reserve_for(busiest_order_day=1_800, settings_row=settings_row) == 5_400
    assert points_budget.allow(points_budget.ORDERS, 10) is None  # orders are never held back
