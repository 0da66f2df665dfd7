"""The sandbox is as strict as CJ by default: webhook/set's URL check, topics closed after failed deliveries,
interceptions at creation, payment moving the balance by the real amount, and getOrderDetail dates in UTC."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from .conftest import CJ, FAST_KEY, make_server, order_body, pick_variant

ALL_TOPICS = ("product", "stock", "order", "logistics")


def enable(cj: CJ, url: str, topics=ALL_TOPICS) -> dict:
    body = {t: {"type": "ENABLE" if t in topics else "CANCEL", "callbackUrls": [url]} for t in ALL_TOPICS}
    return cj.post("webhook/set", body)


def test_webhook_set_calls_the_url_and_needs_a_200(cj, receiver):
    receiver.probe_status = 401
    assert enable(cj, receiver.url)["code"] == 1607003
    assert receiver.probes == [b"{}"]  # unsigned, empty JSON object, no messageId
    assert cj.get("setting/get")["data"]["callback"]["order"]["type"] == "CANCEL"  # nothing registered
    receiver.probe_status = 200
    assert enable(cj, receiver.url)["code"] == 200
    assert cj.get("setting/get")["data"]["callback"]["order"]["status"] == "ACTIVE"


def test_webhook_set_refuses_an_unreachable_url(cj):
    r = enable(cj, "http://127.0.0.1:9/cj/webhook")  # nothing listens on the discard port
    assert r["code"] == 1606001 and r["result"] is False


def test_a_topic_closes_after_sustained_failures_and_setting_get_shows_it(receiver):
    srv = make_server(products=80, topic_min_attempts=4, webhook_retries=0)
    try:
        cj = CJ(srv, FAST_KEY)
        assert enable(cj, receiver.url, topics=("order",))["code"] == 200
        receiver.status = 500
        for n in range(5):
            cj.post("shopping/order/createOrderV2", order_body(srv, f"close-{n}", payType=2))
            srv.wait_webhooks(5)
        callback = cj.get("setting/get")["data"]["callback"]
        assert callback["order"]["status"] == "CLOSED" and callback["order"]["type"] == "ENABLE"
        sent = len(receiver.received)
        cj.post("shopping/order/createOrderV2", order_body(srv, "close-after", payType=2))
        srv.wait_webhooks(2)
        assert len(receiver.received) == sent  # a closed topic gets nothing
        receiver.status = 200
        assert enable(cj, receiver.url, topics=("order",))["code"] == 200  # re-registering reactivates
        assert cj.get("setting/get")["data"]["callback"]["order"]["status"] == "ACTIVE"
    finally:
        srv.stop()


def test_forced_interception_and_logistics_miss(cj, control, server):
    assert control.post("intercept", {"reason": "stock"})["intercept"]["remaining"] == 1
    r = cj.post("shopping/order/createOrderV2", order_body(server, "icpt-1", payType=2))
    assert r["code"] == 200 and r["data"]["interceptOrderReasons"][0]["code"] == "1001"
    assert r["data"]["orderStatus"] == "CREATED"  # never paid, even with payType 2
    confirm = cj.patch("shopping/order/confirmOrder", {"orderId": r["data"]["orderId"]})
    assert confirm["code"] == 1603001 and "intercepted" in confirm["message"]
    control.post("intercept", {"reason": "logistics"})
    r = cj.post("shopping/order/createOrderV2", order_body(server, "icpt-2"))
    assert r["data"]["logisticsMiss"] is True and r["data"]["interceptOrderReasons"]
    r = cj.post("shopping/order/createOrderV2", order_body(server, "icpt-3"))
    assert r["data"]["logisticsMiss"] is False and r["data"]["interceptOrderReasons"] == []
    assert control.post("intercept", {"reason": "maybe"})["_status"] == 400


def test_stock_short_at_the_chosen_warehouse_is_intercepted(cj, server):
    v = pick_variant(server)
    body = order_body(server, "icpt-stock")
    body["products"] = [{"vid": v.vid, "quantity": sum(v.stock["CN"]) + 1}]
    r = cj.post("shopping/order/createOrderV2", body)
    assert r["data"]["interceptOrderReasons"] == [
        {"code": "1001", "message": "Insufficient inventory in the selected warehouse"}
    ]


def test_confirm_and_pay_move_the_balance_by_goods_plus_shipping(cj, control, server):
    before = cj.get("shopping/pay/getBalance")["data"]["amount"]
    created = cj.post("shopping/order/createOrderV2", order_body(server, "pay-real"))["data"]
    assert cj.patch("shopping/order/confirmOrder", {"orderId": created["orderId"]})["code"] == 200
    assert cj.post("shopping/pay/payBalance", {"orderId": created["orderId"]})["code"] == 200
    after = cj.get("shopping/pay/getBalance")["data"]["amount"]
    assert before - after == pytest.approx(created["productAmount"] + created["postageAmount"])
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": created["orderId"]})["data"]
    assert detail["orderStatus"] == "UNSHIPPED"


def test_unpaid_orders_never_advance_by_the_clock():
    srv = make_server(products=80, order_clock_s=0.05)
    try:
        cj = CJ(srv, FAST_KEY)
        created = cj.post("shopping/order/createOrderV2", order_body(srv, "clock-1"))["data"]
        time.sleep(0.3)
        srv.state.tick()
        detail = cj.get("shopping/order/getOrderDetail", {"orderId": created["orderId"]})["data"]
        assert detail["orderStatus"] == "CREATED"
    finally:
        srv.stop()


def test_order_detail_dates_are_utc(cj, server):
    created = cj.post("shopping/order/createOrderV2", order_body(server, "date-1"))["data"]
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": created["orderId"]})["data"]
    stamp = datetime.strptime(detail["createDate"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - stamp).total_seconds()) < 120
