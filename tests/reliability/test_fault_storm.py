"""R2, small: paid orders, imports and a stock sync while the sandbox injects 5xx, timeouts, ghost creates
and a rate-limit storm → exactly one CJ order per paid order, all placed, correct stock and costs."""

from __future__ import annotations

import pytest

from bench.harness import fault_storm

pytestmark = pytest.mark.slow


def test_fault_storm_places_each_paid_order_exactly_once(make_stack):
    stack = make_stack("r2", tier="advanced")
    stack.start_sandbox()
    stack.setup()
    stack.start_consumers(2)

    result = fault_storm(stack, orders=12, products=3)

    assert result["orders_paid"] == 12
    assert result["cj_orders_placed"] == 12, result["cj_orders_by_state"]
    assert result["cj_orders_at_sandbox"] == 12 and result["cj_order_numbers_repeated"] == 0
    assert result["placed_without_exactly_one_cj_order"] == 0
    assert result["stock_sync"]["runs"][-1]["errors"] == 0
    assert result["stock_wrong"] == result["cost_wrong"] == 0, result["examples"]
    assert sum(result["fault_decisions"].get(k, 0) for k in ("error", "timeout", "ghost", "rate_limit")) > 0
