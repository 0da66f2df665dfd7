"""The six webhook topics read into typed messages (CJ-API.md §8.5 examples); a malformed one raises
MalformedMessage with the CJ field, the defect and the value (English, for logs)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kamri.cj.client import webhooks
from kamri.cj.client.webhooks import Defect, MalformedMessage


def read(type_: str, params, message_type: str = "UPDATE"):
    body = json.dumps({"messageId": "m1", "type": type_, "messageType": message_type, "params": params})
    return webhooks.parse_webhook(body.encode()).payload


def test_product_update_carries_only_the_listed_fields():
    message = read(
        "PRODUCT",
        {
            "pid": "1424608189734850560",
            "productDescription": "<p>new</p>",
            "productNameEn": "Not listed",
            "productSellPrice": "9.99",
            "productStatus": None,
            "fields": ["productDescription"],
        },
    )
    assert isinstance(message, webhooks.ProductMessage)
    assert message.pid == "1424608189734850560" and message.description == "<p>new</p>"
    assert message.name is None and message.sell_price is None and not message.off_sale
    insert = read("PRODUCT", {"pid": 7, "productNameEn": "All", "productStatus": 2, "fields": []}, "INSERT")
    assert insert.pid == "7" and insert.name == "All" and insert.off_sale


def test_variant_stock_order_logistic_and_split():
    variant = read("VARIANT", {"vid": 1424608152007086080, "variantSellPrice": 11.85, "variantStatus": "0"})
    assert variant == webhooks.VariantMessage(
        vid="1424608152007086080", sku=None, key=None, sell_price=Decimal("11.85"), active=False
    )
    stock = read(
        "STOCK", {"V1": [{"countryCode": "US", "storageNum": 12}, {"countryCode": "us", "storageNum": "3"}]}
    )
    assert stock.by_variant == {"V1": {"US": 15}}
    order = read("ORDER", {"cjOrderId": 210823100016290555, "orderStatus": "CREATED"}, "ORDER_CONNNECTED")
    assert order.cj_order_id == "210823100016290555" and order.connected and order.status == "CREATED"
    parcel = read("LOGISTICS", {"trackingNumber": "LX1", "trackingStatus": "12", "logisticsTrackEvents": []})
    assert (
        isinstance(parcel, webhooks.LogisticMessage) and parcel.tracking_status == 12 and parcel.steps == []
    )
    split = read(
        "ORDERSPLIT",
        {
            "originalOrderId": 210823100016290555,
            "orderSplitTime": 1732500000000,
            "splitOrderList": [
                {
                    "orderCode": "S1",
                    "orderStatus": 300,
                    "productList": [{"vid": "V1", "quantity": 2, "sku": "K"}],
                }
            ],
        },
    )
    assert split.original_order_id == "210823100016290555" and split.split_at is not None
    (child,) = split.orders
    assert child.order_code == "S1" and child.status_code == 300
    assert (child.lines[0].vid, child.lines[0].quantity, child.lines[0].sku) == ("V1", 2, "K")


def test_other_types_have_no_payload():
    message = webhooks.parse_webhook(b'{"messageId": "m", "type": "sourcingcreate", "params": {"x": 1}}')
    assert message.type == "SOURCINGCREATE" and message.payload is None


@pytest.mark.parametrize(
    ("type_", "params", "field", "defect", "value"),
    [
        (
            "STOCK",
            {"V1": [{"countryCode": "US", "storageNum": "abc"}]},
            "storageNum",
            Defect.NOT_A_NUMBER,
            "abc",
        ),
        ("STOCK", {"V1": [{"countryCode": "US", "storageNum": -5}]}, "storageNum", Defect.NEGATIVE, "-5"),
        (
            "STOCK",
            {"V1": [{"countryCode": "US", "storageNum": "2.5"}]},
            "storageNum",
            Defect.NOT_WHOLE,
            "2.5",
        ),
        (
            "STOCK",
            {"V1": [{"countryCode": "US", "storageNum": "1e30"}]},
            "storageNum",
            Defect.TOO_LARGE,
            "1e30",
        ),
        (
            "STOCK",
            {"V1": [{"countryCode": "US", "storageNum": "3-5"}]},
            "storageNum",
            Defect.NOT_A_NUMBER,
            "3-5",
        ),
        ("STOCK", {"V1": 7}, "V1", Defect.NOT_A_LIST, "7"),
        ("STOCK", {"V1": ["x"]}, "V1", Defect.NOT_AN_OBJECT, "x"),
        ("STOCK", {}, "params", Defect.EMPTY, None),
        ("STOCK", ["V1"], "params", Defect.NOT_AN_OBJECT, '["V1"]'),
        ("PRODUCT", {"productNameEn": "x"}, "pid", Defect.MISSING, None),
        ("PRODUCT", {"pid": "1", "fields": "productNameEn"}, "fields", Defect.NOT_A_LIST, "productNameEn"),
        ("PRODUCT", {"pid": "1", "productSellPrice": True}, "productSellPrice", Defect.NOT_A_NUMBER, "true"),
        ("VARIANT", {"vid": " "}, "vid", Defect.MISSING, None),
        ("VARIANT", {"vid": {"id": 1}}, "vid", Defect.NOT_AN_ID, '{"id": 1}'),
        ("VARIANT", {"vid": "1", "variantSellPrice": "-1"}, "variantSellPrice", Defect.NEGATIVE, "-1"),
        ("ORDER", {"orderStatus": "SHIPPED"}, "cjOrderId", Defect.MISSING, None),
        ("ORDER", {"cjOrderId": 1, "orderItems": {"vid": 1}}, "orderItems", Defect.NOT_A_LIST, '{"vid": 1}'),
        ("LOGISTIC", {"trackingStatus": 12}, "orderId", Defect.MISSING, None),
        ("LOGISTIC", {"orderId": 1, "trackingStatus": "abc"}, "trackingStatus", Defect.NOT_A_NUMBER, "abc"),
        (
            "LOGISTIC",
            {"orderId": 1, "logisticsTrackEvents": "[{"},
            "logisticsTrackEvents",
            Defect.NOT_A_LIST,
            "[{",
        ),
        ("ORDERSPLIT", {"splitOrderList": []}, "originalOrderId", Defect.MISSING, None),
        ("ORDERSPLIT", {"originalOrderId": 1}, "splitOrderList", Defect.MISSING, None),
        (
            "ORDERSPLIT",
            {"originalOrderId": 1, "splitOrderList": "S1"},
            "splitOrderList",
            Defect.NOT_A_LIST,
            "S1",
        ),
        (
            "ORDERSPLIT",
            {"originalOrderId": 1, "splitOrderList": [{"orderStatus": 300}]},
            "orderCode",
            Defect.MISSING,
            None,
        ),
    ],
)
def test_a_malformed_message_names_its_field_and_value(type_, params, field, defect, value):
    with pytest.raises(MalformedMessage) as caught:
        read(type_, params)
    flaw = caught.value
    assert (flaw.topic, flaw.field, flaw.defect, flaw.value) == (type_, field, defect, value)
    assert type_ in str(flaw) and defect.value in str(flaw) and isinstance(flaw, ValueError)


def test_a_long_or_deep_value_is_shortened():
    with pytest.raises(MalformedMessage) as caught:
        read("STOCK", {"V1": [{"countryCode": "US", "storageNum": "9" * 80 + "x"}]})
    assert len(caught.value.value) == 40 and caught.value.value.endswith("…")
    deep = "[" * 900 + "]" * 900
    with pytest.raises(MalformedMessage):
        webhooks.parse_webhook(
            ('{"messageId": "m", "type": "STOCK", "params": {"V1": [' + deep + "]}}").encode()
        )
