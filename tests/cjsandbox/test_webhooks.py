"""Webhook registration rules, signed delivery, retries, subscriptions and the five message shapes (§8)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re

import pytest

from .conftest import CJ, FAST_KEY, make_server, order_body, pick_variant

ALL_TOPICS = ("product", "stock", "order", "logistics")


def enable(cj: CJ, url: str, topics=ALL_TOPICS) -> dict:
    body = {t: {"type": "ENABLE" if t in topics else "CANCEL", "callbackUrls": [url]} for t in ALL_TOPICS}
    return cj.post("webhook/set", body)


def verify(received: dict, open_id: int) -> bool:
    expected = base64.b64encode(hmac.new(str(open_id).encode(), received["body"], hashlib.sha256).digest())
    return hmac.compare_digest(expected.decode(), received["sign"])


@pytest.fixture
def open_id(cj):
    return cj.get("setting/get")["data"]["openId"]


def test_webhook_set_url_rules():
    # the URL rules alone: the reachability check is switched off (shop.example.com cannot be reached here)
    srv = make_server(products=50, allow_local_callbacks=False, check_callback_urls=False)
    try:
        cj = CJ(srv, FAST_KEY)
        http = {"order": {"type": "ENABLE", "callbackUrls": ["http://shop.example.com/cj"]}}
        assert cj.post("webhook/set", http)["code"] == 1607002
        local = {"order": {"type": "ENABLE", "callbackUrls": ["https://localhost/cj"]}}
        assert cj.post("webhook/set", local)["code"] == 1607001
        loop = {"order": {"type": "ENABLE", "callbackUrls": ["https://127.0.0.1:8443/cj"]}}
        assert cj.post("webhook/set", loop)["code"] == 1607001
        good = {t: {"type": "ENABLE", "callbackUrls": ["https://shop.example.com/cj"]} for t in ALL_TOPICS}
        good["stock"] = {"type": "CANCEL", "callbackUrls": []}
        r = cj.post("webhook/set", good)
        assert r["code"] == 200 and r["data"] is True
        cb = cj.get("setting/get")["data"]["callback"]
        assert cb["order"] == {  # read key "urls"
            "type": "ENABLE",
            "urls": ["https://shop.example.com/cj"],
            "status": "ACTIVE",
        }
        assert cb["stock"] == {"type": "CANCEL", "urls": [], "status": "CANCEL"}
        bad_type = {"order": {"type": "MAYBE", "callbackUrls": ["https://shop.example.com/cj"]}}
        assert cj.post("webhook/set", bad_type)["code"] == 1600300
    finally:
        srv.stop()


def test_setting_get_shape(cj):
    d = cj.get("setting/get")["data"]
    assert set(d) == {"openId", "openName", "openEmail", "setting", "callback", "root", "isSandbox"}
    assert set(d["setting"]) == {"quotaLimits", "qpsLimit"}
    assert d["isSandbox"] is True and d["root"] == "GENERAL"
    assert set(d["callback"]) == set(ALL_TOPICS)


def test_order_webhook_signed_and_shaped(cj, server, receiver, open_id):
    assert enable(cj, receiver.url)["code"] == 200
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "wh-1"))["data"]["orderId"]
    cj.patch("shopping/order/confirmOrder", {"orderId": order_id})
    assert server.wait_webhooks(5)
    orders = [r for r in receiver.received if json.loads(r["body"])["type"] == "ORDER"]
    assert orders, "no ORDER webhook received"
    raw = orders[-1]
    assert verify(raw, open_id)
    assert raw["ctype"] == "application/json"
    assert re.search(rb'"cjOrderId":\d{18}[,}]', raw["body"]), "cjOrderId must be a bare JSON number"
    msg = json.loads(raw["body"])
    assert set(msg) == {"messageId", "type", "messageType", "params"}
    assert re.fullmatch(r"[0-9a-f]{32}", msg["messageId"]) and msg["messageType"] == "UPDATE"
    params = msg["params"]
    assert set(params) == {
        "cjOrderId",
        "orderNum",
        "orderNumber",
        "orderStatus",
        "logisticName",
        "trackNumber",
        "trackingUrl",
        "createDate",
        "updateDate",
        "payDate",
        "deliveryDate",
        "completeDate",
        "orderItems",
    }
    assert params["cjOrderId"] == int(order_id) > 2**53
    assert params["orderNumber"] == "wh-1" and params["orderStatus"] == "UNPAID"
    assert set(params["orderItems"][0]) == {
        "vid",
        "quantity",
        "sellPrice",
        "lineItemId",
        "storeLineItemId",
        "productionOrderStatus",
        "abnormalType",
    }


def test_logistic_webhook_shape(cj, server, control, receiver, open_id):
    enable(cj, receiver.url)
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "wh-2", payType=2))["data"][
        "orderId"
    ]
    control.post(f"orders/{order_id}/ship")
    control.post(f"orders/{order_id}/track", {"trackingStatus": 6, "location": " LOS ANGELES, US"})
    control.post(f"orders/{order_id}/deliver")
    assert server.wait_webhooks(5)
    logistic = [r for r in receiver.received if json.loads(r["body"])["type"] == "LOGISTIC"]
    assert len(logistic) == 3
    assert all(verify(r, open_id) for r in logistic)
    last = next(r for r in logistic if json.loads(r["body"])["params"]["trackingStatus"] == 12)
    assert re.search(rb'"orderId":\d{18}[,}]', last["body"])
    msg = json.loads(last["body"])
    assert set(msg) == {"messageId", "type", "messageType", "openId", "params"}
    assert msg["type"] == "LOGISTIC" and msg["messageType"] == "UPDATE" and msg["openId"] == open_id
    params = msg["params"]
    assert set(params) == {
        "orderId",
        "logisticName",
        "trackingNumber",
        "trackingStatus",
        "logisticsTrackEvents",
        "trackingUrl",
    }
    assert params["orderId"] == int(order_id) and params["trackingStatus"] == 12
    assert isinstance(params["logisticsTrackEvents"], str)
    events = json.loads(params["logisticsTrackEvents"])
    assert [e["status"] for e in events] == [1, 6, 12]  # the last message carries the whole history
    assert set(events[-1]) == {
        "status",
        "activity",
        "location",
        "eventTime",
        "statusDesc",
        "thirdActivity",
        "thirdLocation",
        "thirdEventTime",
    }
    statuses = [
        json.loads(r["body"])["params"]["orderStatus"] for r in receiver.received if b'"ORDER"' in r["body"]
    ]
    assert {"UNSHIPPED", "SHIPPED", "DELIVERED"} <= set(statuses)  # delivery order is not guaranteed


def test_product_topics_only_for_subscribed_products(cj, server, control, receiver, open_id):
    cj.post("webhook/set", {t: {"type": "CANCEL", "callbackUrls": []} for t in ALL_TOPICS})
    p = next(x for x in server.state.catalog.products if x.status == "3" and len(x.variants) >= 2)
    assert cj.post("webhook/product/subscribe", {"productIds": [p.pid]})["code"] == 1606010
    enable(cj, receiver.url)
    v = p.variants[0]
    control.post(f"variants/{v.vid}/stock", {"countryCode": "US", "cjInventory": 7, "factoryInventory": 0})
    assert server.wait_webhooks(5)
    assert receiver.messages("STOCK") == []  # not subscribed yet
    sub = cj.post("webhook/product/subscribe", {"productIds": [p.pid, "NO-SUCH-PRODUCT"]})
    assert sub["code"] == 200
    assert sub["data"] == {
        "successProductIds": [p.pid],
        "failProductIds": ["NO-SUCH-PRODUCT"],
        "subscribeAll": False,
    }

    control.post(f"variants/{v.vid}/stock", {"countryCode": "US", "cjInventory": 12, "factoryInventory": 3})
    control.post(f"variants/{v.vid}/price", {"price": "4.44"})
    control.post(f"products/{p.pid}/off-sale")
    assert server.wait_webhooks(5)
    assert all(verify(r, open_id) for r in receiver.received)

    (stock,) = receiver.messages("STOCK")
    assert stock["messageType"] == "UPDATE" and set(stock) == {"messageId", "type", "messageType", "params"}
    assert list(stock["params"]) == [v.vid]  # keyed by vid
    us = [row for row in stock["params"][v.vid] if row["countryCode"] == "US"]
    assert us == [
        {"vid": v.vid, "areaId": "2", "areaEn": "US Warehouse", "countryCode": "US", "storageNum": 15}
    ]

    (variant,) = receiver.messages("VARIANT")
    vp = variant["params"]
    assert set(vp) == {
        "vid",
        "variantName",
        "variantWeight",
        "variantLength",
        "variantWidth",
        "variantHeight",
        "variantImage",
        "variantSku",
        "variantKey",
        "variantSellPrice",
        "variantStatus",
        "variantValue1",
        "variantValue2",
        "variantValue3",
        "fields",
    }
    assert vp["fields"] == ["variantSellPrice"] and vp["variantSellPrice"] == 4.44 and vp["vid"] == v.vid
    assert vp["variantSku"] is None  # on UPDATE only the listed fields carry values

    (product,) = receiver.messages("PRODUCT")
    pp = product["params"]
    assert set(pp) == {
        "categoryId",
        "categoryName",
        "pid",
        "productDescription",
        "productImage",
        "productName",
        "productNameEn",
        "productProperty1",
        "productProperty2",
        "productProperty3",
        "productSellPrice",
        "productSku",
        "productStatus",
        "fields",
    }
    assert pp["fields"] == ["productStatus"] and pp["productStatus"] == 2 and pp["pid"] == p.pid
    assert all(pp[k] is None for k in pp if k not in ("pid", "productStatus", "fields"))

    assert cj.post("webhook/product/unsubscribe", {"productIds": [p.pid]})["data"] is True
    control.post(f"products/{p.pid}/on-sale")
    assert server.wait_webhooks(5)
    assert len(receiver.messages("PRODUCT")) == 1


def test_disabled_topics_get_nothing(cj, server, control, receiver):
    enable(cj, receiver.url, topics=("order",))
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "wh-3", payType=2))["data"][
        "orderId"
    ]
    control.post(f"orders/{order_id}/ship")
    assert server.wait_webhooks(5)
    types = {m["type"] for m in receiver.messages()}
    assert types == {"ORDER"}


def test_retries_and_delivery_log(cj, server, control, receiver):
    enable(cj, receiver.url, topics=("order",))
    receiver.status = 500
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "wh-4"))["data"]["orderId"]
    cj.patch("shopping/order/confirmOrder", {"orderId": order_id})
    assert server.wait_webhooks(5)
    assert len(receiver.received) == 1 + server.config.webhook_retries
    log = control.get("webhooks", {"type": "ORDER"})["webhooks"]
    entry = next(e for e in reversed(log) if json.loads(e["body"])["params"]["orderNumber"] == "wh-4")
    assert entry["status"] == "failed" and len(entry["attempts"]) == 4
    assert entry["attempts"][0]["status"] == 500
    assert entry["sign"] and entry["url"] == receiver.url

    receiver.received.clear()
    receiver.status = 200
    control.post(f"orders/{order_id}/cancel")
    log = control.get("webhooks", {"type": "ORDER", "wait": 5})["webhooks"]
    assert log[-1]["status"] == "delivered" and len(log[-1]["attempts"]) == 1


def test_unreachable_receiver_is_logged(cj, server, control):
    enable(cj, "http://127.0.0.1:9/nothing-listens-here", topics=("order",))
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "wh-5"))["data"]["orderId"]
    cj.patch("shopping/order/confirmOrder", {"orderId": order_id})
    log = control.get("webhooks", {"wait": 5})["webhooks"]
    entry = log[-1]
    assert entry["status"] == "failed" and entry["attempts"][0]["error"]


def test_subscribe_validation(cj, server, receiver):
    enable(cj, receiver.url)
    ids = [p.pid for p in server.state.catalog.products[:101]]
    assert cj.post("webhook/product/subscribe", {"productIds": ids})["code"] == 1600300
    assert cj.post("webhook/product/subscribe", {"productIds": []})["code"] == 16900403
    all_ = cj.post("webhook/product/subscribe", {"productIds": [], "subscribeAll": True})
    assert all_["data"]["subscribeAll"] is True
    v = pick_variant(server)
    cj.post("webhook/product/subscribe", {"subscribeAll": False, "productIds": [v.pid]})
