"""Freight, tracking and the order endpoints and lifecycle (CJ-API.md §6, §7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import ADDRESS, FAST_KEY, names, order_body, pick_variant

CREATE_FIELDS = names(
    """orderId orderNumber shipmentOrderId iossAmount iossTaxHandlingFee postageAmount productAmount
    productOriginalAmount productDiscountAmount postageDiscountAmount postageOriginalAmount totalDiscountAmount
    actualPayment orderOriginalAmount cjPayUrl orderAmount logisticsMiss orderStatus productInfoList
    interceptOrderReasons"""
)
DETAIL_FIELDS = names(
    """orderId orderNum platformOrderId cjOrderId cjOrderCode fromCountryCode shippingCountryCode shippingProvince
    shippingCity shippingAddress shippingCustomerName shippingPhone remark logisticName trackNumber trackingUrl
    disputeId orderWeight orderAmount orderStatus createDate paymentDate outWarehouseTime storeCreateDate
    productAmount postageAmount isComplete storageId storageName productList subStatus isSandbox"""
)
LIST_FIELDS = names(
    """orderId orderNum cjOrderId shippingCountryCode shippingProvince shippingCity shippingAddress
    shippingCustomerName shippingPhone remark logisticName trackNumber trackingUrl orderWeight orderAmount
    orderStatus createDate paymentDate storeCreateDate productAmount postageAmount productList storageId
    storageName isSandbox"""
)


def test_freight_calculate_shape_and_determinism(cj, server):
    v = pick_variant(server)
    body = {"startCountryCode": "CN", "endCountryCode": "US", "products": [{"quantity": 2, "vid": v.vid}]}
    r = cj.post("logistic/freightCalculate", body)
    assert r["code"] == 200
    options = r["data"]
    names = [o["logisticName"] for o in options]
    assert {"CJPacket Ordinary", "USPS+", "DHL Official"} <= set(names) and len(names) >= 3
    for o in options:
        assert set(o) == {
            "logisticAging",
            "logisticPrice",
            "logisticPriceCn",
            "logisticName",
            "taxesFee",
            "clearanceOperationFee",
            "totalPostageFee",
        }
        lo, hi = o["logisticAging"].split("-")
        assert int(lo) < int(hi)
        assert o["logisticPriceCn"] > o["logisticPrice"] > 0
        assert o["totalPostageFee"] >= o["logisticPrice"]
    assert cj.post("logistic/freightCalculate", body)["data"] == options
    heavier = cj.post("logistic/freightCalculate", {**body, "products": [{"quantity": 40, "vid": v.vid}]})[
        "data"
    ]
    assert heavier[0]["logisticPrice"] > options[0]["logisticPrice"]
    eu = cj.post("logistic/freightCalculate", {**body, "endCountryCode": "FR"})["data"]
    assert "PostNL" in [o["logisticName"] for o in eu] and len(eu) >= 3
    assert cj.post("logistic/freightCalculate", {**body, "endCountryCode": "XX"})["code"] == 1605002
    assert (
        cj.post("logistic/freightCalculate", {**body, "products": [{"quantity": 1, "vid": "NOPE"}]})["code"]
        == 1602000
    )
    assert (
        cj.post("logistic/freightCalculate", {"endCountryCode": "US", "products": body["products"]})["code"]
        == 16900403
    )


def test_create_order_v2_shape(cj, server):
    body = order_body(server, "shape-1")
    r = cj.post("shopping/order/createOrderV2", body)
    assert r["code"] == 200, r
    d = r["data"]
    assert set(d) == CREATE_FIELDS
    assert len(d["orderId"]) == 18 and d["orderId"].isdigit() and int(d["orderId"]) > 2**53
    assert d["orderNumber"] == "shape-1" and d["orderStatus"] == "CREATED"
    assert d["cjPayUrl"].startswith(server.root_url)
    v = server.state.catalog.by_vid[body["products"][0]["vid"]]
    assert Decimal(str(d["productAmount"])) == Decimal(str(v.price)) * 2
    assert d["orderAmount"] == pytest.approx(d["productAmount"] + d["postageAmount"])
    (line,) = d["productInfoList"]
    assert set(line) == {
        "storeLineItemId",
        "lineItemId",
        "variantId",
        "quantity",
        "isGroup",
        "subOrderProducts",
    }
    assert line["storeLineItemId"] == "shape-1-1" and line["variantId"] == v.vid and line["quantity"] == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"orderNumber": ""}, 16900403),
        ({"shippingCustomerName": None}, 16900403),
        ({"shippingAddress": "   "}, 16900403),
        ({"logisticName": None}, 16900403),
        ({"fromCountryCode": None}, 16900403),
        ({"products": []}, 16900403),
        ({"products": [{"vid": "NOPE", "quantity": 1}]}, 1602000),
        ({"products": [{"sku": "NOPE", "quantity": 1}]}, 1602000),
        ({"logisticName": "Teleport Express"}, 1605000),
        ({"logisticName": "USPS+", "shippingCountryCode": "JP", "shippingCountry": "Japan"}, 1605001),
        ({"shippingCountryCode": "ZZ"}, 1605002),
        ({"orderNumber": "x" * 51}, 1600300),
        ({"payType": 9}, 1600300),
    ],
)
def test_create_order_validation(cj, server, change, code):
    body = order_body(server, f"bad-{code}-{sorted(change)[0]}")
    body.update(change)
    assert cj.post("shopping/order/createOrderV2", body)["code"] == code


def test_create_order_zero_quantity_and_sku_lines(cj, server):
    v = pick_variant(server)
    bad = order_body(server, "qty-0", products=[{"vid": v.vid, "quantity": 0}])
    assert cj.post("shopping/order/createOrderV2", bad)["code"] == 1600300
    by_sku = order_body(server, "by-sku", products=[{"sku": v.sku, "quantity": 1}])
    r = cj.post("shopping/order/createOrderV2", by_sku)
    assert r["code"] == 200 and r["data"]["productInfoList"][0]["variantId"] == v.vid


def test_duplicate_order_number(cj, server):
    body = order_body(server, "dup-1")
    assert cj.post("shopping/order/createOrderV2", body)["code"] == 200
    again = cj.post("shopping/order/createOrderV2", body)
    assert again["code"] == 1603003 and again["message"] == "Order exist, please do not duplicate create"


def test_lifecycle_via_api_and_control(cj, control, server):
    r = cj.post("shopping/order/createOrderV2", order_body(server, "life-1"))
    order_id = r["data"]["orderId"]
    balance0 = cj.get("shopping/pay/getBalance")["data"]["amount"]
    # pay before confirm fails
    assert cj.post("shopping/pay/payBalance", {"orderId": order_id})["code"] == 1603101
    c = cj.patch("shopping/order/confirmOrder", {"orderId": order_id})
    assert c["code"] == 200 and c["data"] == order_id
    assert cj.get("shopping/order/getOrderDetail", {"orderId": order_id})["data"]["orderStatus"] == "UNPAID"
    assert cj.patch("shopping/order/confirmOrder", {"orderId": order_id})["code"] == 1603001
    p = cj.post("shopping/pay/payBalance", {"orderId": order_id})
    assert p["code"] == 200 and p["data"] is None
    balance1 = cj.get("shopping/pay/getBalance")["data"]
    assert set(balance1) == {"amount", "noWithdrawalAmount", "freezeAmount"}
    assert balance1["amount"] == pytest.approx(balance0 - r["data"]["orderAmount"])
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": "life-1"})["data"]
    assert detail["orderStatus"] == "UNSHIPPED" and detail["paymentDate"]
    # deletion only while CREATED / IN_CART
    assert cj.delete("shopping/order/deleteOrder", {"orderId": order_id})["code"] == 1603002
    shipped = control.post(f"orders/{order_id}/ship")
    assert shipped["ok"] and shipped["order"]["status"] == "SHIPPED"
    detail = cj.get("shopping/order/getOrderDetail", {"orderId": order_id})["data"]
    assert detail["trackNumber"] and detail["trackingUrl"].startswith(server.root_url)
    assert detail["logisticName"] == "CJPacket Ordinary" and detail["outWarehouseTime"]
    track = cj.get("logistic/trackInfo", {"trackNumber": [detail["trackNumber"], "UNKNOWN1"]})["data"]
    assert len(track) == 1
    assert set(track[0]) == {
        "trackingNumber",
        "logisticName",
        "trackingFrom",
        "trackingTo",
        "deliveryDay",
        "deliveryTime",
        "trackingStatus",
        "lastMileCarrier",
        "lastTrackNumber",
    }
    assert track[0]["trackingStatus"] == "In transit" and track[0]["trackingTo"] == "US"
    assert control.post(f"orders/{order_id}/deliver")["order"]["status"] == "DELIVERED"
    track = cj.get("logistic/trackInfo", {"trackNumber": detail["trackNumber"]})["data"]
    assert track[0]["trackingStatus"] == "Delivered"
    assert control.post(f"orders/{order_id}/cancel")["_status"] == 409


def test_control_pay_and_cancel_refund(cj, control, server):
    balance = lambda: cj.get("shopping/pay/getBalance")["data"]["amount"]  # noqa: E731
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "ctl-1"))["data"]["orderId"]
    assert control.post(f"orders/{order_id}/pay")["_status"] == 409  # CREATED cannot be paid
    assert control.post("orders/ctl-1/confirm")["order"]["status"] == "UNPAID"
    before = balance()
    assert control.post(f"orders/{order_id}/pay")["order"]["status"] == "UNSHIPPED"  # simulated: no deduction
    assert balance() == before
    assert control.post(f"orders/{order_id}/cancel")["order"]["status"] == "CANCELLED"
    assert balance() == before  # nothing was taken, nothing is refunded
    paid = cj.post("shopping/order/createOrderV2", order_body(server, "ctl-2", payType=2))["data"]
    assert balance() == pytest.approx(before - paid["orderAmount"])
    assert control.post("orders/ctl-2/cancel")["order"]["status"] == "CANCELLED"
    assert balance() == pytest.approx(before)
    assert control.post("orders/NOPE/confirm")["_status"] == 404


def test_order_detail_and_list_shapes(cj, server):
    r = cj.post("shopping/order/createOrderV2", order_body(server, "list-1", remark="hello"))
    order_id = r["data"]["orderId"]
    d = cj.get("shopping/order/getOrderDetail", {"orderId": order_id})
    assert d["code"] == 200
    detail = d["data"]
    assert set(detail) == DETAIL_FIELDS
    assert detail["orderNum"] == "list-1" and detail["cjOrderId"] == order_id and detail["remark"] == "hello"
    assert detail["createDate"][4] == "-" and len(detail["createDate"]) == 19
    (line,) = detail["productList"]
    assert set(line) == {
        "vid",
        "quantity",
        "sellPrice",
        "storeLineItemId",
        "lineItemId",
        "productionOrderStatus",
        "abnormalType",
        "podPropertiesInfo",
    }
    by_number = cj.get("shopping/order/getOrderDetail", {"orderId": "list-1"})["data"]
    assert by_number["orderId"] == order_id
    timely = cj.get(
        "shopping/order/getOrderDetail", {"orderId": order_id, "features": "LOGISTICS_TIMELINESS"}
    )["data"]
    modes = timely["logisticsTimeliness"]["logisticsModes"]
    assert modes and set(modes[0]) == {"logisticsName", "arrivalTime"}
    missing = cj.get("shopping/order/getOrderDetail", {"orderId": "no-such-order"})
    assert missing["code"] == 1600300 and missing["message"] == "order not found"
    assert cj.get("shopping/order/getOrderDetail")["code"] == 1600300

    created = cj.get("shopping/order/list", {"status": "CREATED", "pageSize": 200})["data"]
    assert set(created) == {"pageNum", "pageSize", "total", "list"}
    assert created["total"] >= 1 and all(o["orderStatus"] == "CREATED" for o in created["list"])
    assert all(set(o) == LIST_FIELDS for o in created["list"])
    default = cj.get("shopping/order/list")["data"]  # documented default status: CANCELLED
    assert all(o["orderStatus"] == "CANCELLED" for o in default["list"])
    picked = cj.get("shopping/order/list", {"status": "CREATED", "orderIds": [order_id]})["data"]
    assert [o["orderId"] for o in picked["list"]] == [order_id]
    assert cj.get("shopping/order/list", {"status": "WHATEVER"})["code"] == 1600300


def test_delete_order(cj, server):
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "del-1"))["data"]["orderId"]
    r = cj.delete("shopping/order/deleteOrder", {"orderId": order_id})
    assert r["code"] == 200 and r["data"] == order_id
    assert cj.get("shopping/order/getOrderDetail", {"orderId": order_id})["code"] == 1600300
    assert cj.delete("shopping/order/deleteOrder", {"orderId": order_id})["code"] == 1603100
    # the order number can be used again once deleted
    assert cj.post("shopping/order/createOrderV2", order_body(server, "del-1"))["code"] == 200


def test_pay_type_2_auto_pays_and_short_balance(cj, control, server):
    r = cj.post("shopping/order/createOrderV2", order_body(server, "auto-1", payType=2))
    assert r["code"] == 200 and r["data"]["orderStatus"] == "UNSHIPPED"
    assert control.post(f"accounts/{FAST_KEY}/balance", {"amount": "0.50"})["ok"]
    short = cj.post("shopping/order/createOrderV2", order_body(server, "auto-2", payType=2))
    assert short["code"] == 1604000 and short["result"] is False
    kept = cj.get("shopping/order/getOrderDetail", {"orderId": "auto-2"})["data"]
    assert kept["orderStatus"] == "UNPAID"  # created and confirmed, payment pending
    assert cj.post("shopping/pay/payBalance", {"orderId": kept["orderId"]})["code"] == 1604000
    assert control.post(f"accounts/{FAST_KEY}/balance", {"amount": 5000})["ok"]
    assert cj.post("shopping/pay/payBalance", {"orderId": kept["orderId"]})["code"] == 200


def test_payment_deducts_stock(cj, server):
    v = pick_variant(server)
    before = list(v.stock["CN"])
    body = order_body(server, "stock-1", payType=2)
    body["products"] = [{"vid": v.vid, "quantity": 3}]
    assert cj.post("shopping/order/createOrderV2", body)["code"] == 200
    assert sum(v.stock["CN"]) == sum(before) - 3


def test_off_sale_variant_cannot_be_ordered(cj, control, server):
    v = pick_variant(server, "US")
    control.post(f"products/{v.pid}/off-sale")
    try:
        body = {**order_body(server, "offsale-1"), "products": [{"vid": v.vid, "quantity": 1}]}
        assert cj.post("shopping/order/createOrderV2", body)["code"] == 1602002
    finally:
        control.post(f"products/{v.pid}/on-sale")


def test_order_clock_moves_paid_orders():
    from .conftest import CJ, make_server

    srv = make_server(products=60, order_clock_s=0.3)
    try:
        client = CJ(srv, FAST_KEY)
        body = {
            "orderNumber": "clock-1",
            **ADDRESS,
            "logisticName": "DHL Official",
            "fromCountryCode": "CN",
            "payType": 2,
            "products": [{"vid": pick_variant(srv).vid, "quantity": 1}],
        }
        assert client.post("shopping/order/createOrderV2", body)["code"] == 200
        import time

        deadline = time.time() + 5
        status = None
        while time.time() < deadline:
            status = client.get("shopping/order/getOrderDetail", {"orderId": "clock-1"})["data"][
                "orderStatus"
            ]
            if status == "DELIVERED":
                break
            time.sleep(0.1)
        assert status == "DELIVERED"
    finally:
        srv.stop()


def test_2026_sandbox_endpoints(cj, server):
    order_id = cj.post("shopping/order/createOrderV2", order_body(server, "sbx-1"))["data"]["orderId"]
    early = cj.post("shopping/sandbox/simulatePay", {"orderId": order_id})
    assert early["code"] == 1603101 and "CREATED(100)" in early["message"]
    cj.patch("shopping/order/confirmOrder", {"orderId": order_id})
    balance = cj.get("shopping/pay/getBalance")["data"]["amount"]
    assert cj.post("shopping/sandbox/simulatePay", {"orderId": order_id})["data"] is True
    assert cj.get("shopping/pay/getBalance")["data"]["amount"] == balance  # no real deduction
    assert (
        cj.post("shopping/sandbox/updateStatus", {"orderId": order_id, "targetStatus": 500})["code"]
        == 1600300
    )
    assert cj.post("shopping/sandbox/updateTrackNumber", {"orderId": order_id, "trackNumber": "TRK123"})[
        "data"
    ]
    for target, status in ((400, "UNSHIPPED"), (500, "SHIPPED"), (600, "DELIVERED"), (700, "DELIVERED")):
        assert cj.post("shopping/sandbox/updateStatus", {"orderId": order_id, "targetStatus": target})["data"]
        detail = cj.get("shopping/order/getOrderDetail", {"orderId": order_id})["data"]
        assert detail["orderStatus"] == status
    assert detail["trackNumber"] == "TRK123"
    late = cj.post("shopping/sandbox/updateTrackNumber", {"orderId": order_id, "trackNumber": "X"})
    assert late["code"] == 811


def test_list_v2_extra_filters(cj, server):
    p = next(x for x in server.state.catalog.products if x.status == "3" and x.free_shipping)
    lv3 = cj.get("product/listV2", {"lv3categoryList": [p.category.id], "size": 100})["data"]
    assert lv3["totalRecords"] and all(
        i["categoryId"] == p.category.id for i in lv3["content"][0]["productList"]
    )
    lv2 = cj.get("product/listV2", {"lv2categoryList": [p.category.second_id], "size": 100})["data"]
    assert lv2["totalRecords"] >= lv3["totalRecords"]
    free = cj.get("product/listV2", {"addMarkStatus": 1, "size": 100})["data"]["content"][0]["productList"]
    assert free and all(i["addMarkStatus"] == 1 for i in free)
    rich = cj.get("product/listV2", {"startWarehouseInventory": 50000, "size": 100})["data"]
    assert all(i["warehouseInventoryNum"] >= 50000 for i in rich["content"][0]["productList"])


def test_a_parcel_from_the_french_warehouse_is_not_tracked_from_shenzhen():
    from types import SimpleNamespace

    from cjsandbox.state import State

    parcel = SimpleNamespace(from_country="FR", shipping={"shippingCity": "Lyon"})
    assert State._event_location(parcel, 1) == " PARIS, FR"
    assert State._event_location(SimpleNamespace(from_country="CN", shipping={}), 1) == " SHENZHEN, CN"
    assert State._event_location(parcel, 6) == " Lyon"
