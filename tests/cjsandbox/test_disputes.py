"""CJ's dispute calls and policy (CJ-API.md §9.1): lines, reasons, create with our id, list, CJ's agents."""

from __future__ import annotations

from decimal import Decimal

from .conftest import ADDRESS, FAST_KEY, order_body


def _shipped(cj, control, server, number: str, *, days: float, country: str | None = None) -> dict:
    body = order_body(server, number, payType=2)
    if country:
        body.update(shippingCountryCode=country, shippingCountry=country)
    order = cj.post("shopping/order/createOrderV2", body)["data"]
    assert control.post(f"orders/{order['orderId']}/ship")["ok"]
    assert control.post(f"orders/{order['orderId']}/age", {"shippedDaysAgo": days})["ok"]
    return order


def _balance(control) -> Decimal:
    return Decimal(
        str(next(a for a in control.get("accounts")["accounts"] if a["apiKey"] == FAST_KEY)["balance"])
    )


def _create(cj, order_id: str, business_id: str, line: dict, reason: int = 1, **extra) -> dict:
    return cj.post(
        "disputes/create",
        {
            "businessDisputeId": business_id,
            "orderId": order_id,
            "disputeReasonId": reason,
            "expectType": 1,
            "refundType": 1,
            "messageText": "The parcel never arrived.",
            "productInfoList": [
                {"lineItemId": line["lineItemId"], "quantity": line["quantity"], "price": line["price"]}
            ],
            **extra,
        },
    )


def test_late_order_dispute_then_refund_to_balance(cj, control, server):
    order = _shipped(cj, control, server, "disp-late-1", days=70)
    products = cj.get("disputes/disputeProducts", {"orderId": order["orderId"]})
    assert products["code"] == 200
    line = products["data"]["productInfoList"][0]
    assert line["canChoose"] is True and line["quantity"] == 2
    info = cj.post(
        "disputes/disputeConfirmInfo",
        {"orderId": order["orderId"], "productInfoList": [{"lineItemId": line["lineItemId"], "quantity": 2}]},
    )["data"]
    assert info["expectResultOptionList"] == ["1", "2"] and info["disputeReasonList"]
    assert info["maxAmount"] >= info["maxProductPrice"] == round(line["price"] * 2, 2)

    assert _create(cj, order["orderId"], "KAMRI-D-1", line)["data"] == "true"
    again = _create(cj, order["orderId"], "KAMRI-D-1", line)
    assert again["code"] == 1607008 and "businessDisputeId" in again["message"]
    assert (
        cj.get("disputes/disputeProducts", {"orderId": order["orderId"]})["data"]["productInfoList"][0][
            "canChoose"
        ]
        is False
    )

    listed = cj.get("disputes/getDisputeList", {"orderId": order["orderId"]})["data"]
    assert listed["total"] == 1
    dispute = listed["list"][0]
    assert (
        dispute["id"].startswith("SH")
        and dispute["status"] == "processing"
        and dispute["finallyDeal"] is None
    )
    before = _balance(control)
    decided = control.post(f"disputes/{dispute['id']}/refund", {"amount": "5.00"})
    assert decided["ok"] and decided["dispute"]["finallyDeal"] == 1
    assert _balance(control) == before + 5
    detail = cj.get("disputes/getDisputeDetail", {"disputeId": dispute["id"]})["data"]
    assert detail["status"] == "finished" and detail["money"] == 5.0
    assert control.post(f"disputes/{dispute['id']}/refuse")["_status"] == 409  # already finished


def test_policy_refusals_in_cjs_words(cj, control, server):
    early = _shipped(cj, control, server, "disp-early-1", days=50, country="FR")
    line = cj.get("disputes/disputeProducts", {"orderId": early["orderId"]})["data"]["productInfoList"][0]
    refused = _create(cj, early["orderId"], "KAMRI-D-2", line)
    assert refused["code"] == 1607008 and "not delayed yet (60 days" in refused["message"]

    us = _shipped(cj, control, server, "disp-us-1", days=50, country="US")
    line = cj.get("disputes/disputeProducts", {"orderId": us["orderId"]})["data"]["productInfoList"][0]
    assert _create(cj, us["orderId"], "KAMRI-D-3", line)["code"] == 200  # 45 days for the US

    delivered = _shipped(cj, control, server, "disp-dlv-1", days=80)
    assert control.post(f"orders/{delivered['orderId']}/deliver")["ok"]
    line = cj.get("disputes/disputeProducts", {"orderId": delivered["orderId"]})["data"]["productInfoList"][0]
    refused = _create(cj, delivered["orderId"], "KAMRI-D-4", line)
    assert refused["code"] == 1607008 and "delivered" in refused["message"]
    no_photo = _create(cj, delivered["orderId"], "KAMRI-D-5", line, reason=2)
    assert no_photo["code"] == 1607008 and "photo" in no_photo["message"]
    with_photo = _create(cj, delivered["orderId"], "KAMRI-D-6", line, reason=2, imageUrl=["https://x/y.jpg"])
    assert with_photo["code"] == 200
    assert control.post(f"orders/{delivered['orderId']}/age", {"deliveredDaysAgo": 31})["ok"]

    long = _create(
        cj, early["orderId"], "KAMRI-D-7", line | {"lineItemId": line["lineItemId"]}, messageText="x" * 501
    )
    assert long["code"] == 1600300

    unpaid = cj.post("shopping/order/createOrderV2", order_body(server, "disp-unpaid-1"))["data"]
    assert cj.get("disputes/disputeProducts", {"orderId": unpaid["orderId"]})["code"] == 1607006
    assert ADDRESS  # the shared address is used by order_body
