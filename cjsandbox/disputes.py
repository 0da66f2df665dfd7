"""CJ's dispute desk (CJ-API.md §9.1, developers.cjdropshipping.com/en/api/api2/api/dispute.html).

Endpoints: GET disputes/disputeProducts, POST disputes/disputeConfirmInfo, POST disputes/create (data true,
no id: the id is read back from getDisputeList), POST disputes/cancel, GET disputes/getDisputeList,
GET disputes/getDisputeDetail. CJ's policy is enforced on create, as CJ's agents would:

- only orders created through the API, once paid; one open dispute per line (canChoose false meanwhile);
- "not received" only while the parcel is not delivered and once the order is late for CJ: 45 days after
  shipping to the US, 110 to Brazil, 60 elsewhere; never once tracking says delivered;
- damage, wrong or missing items only after delivery, within 30 days, damage with a photo or a video;
- the amount is at most the lines' price (plus the postage when every line is disputed);
- messageText required, ≤ 500 characters; businessDisputeId unique per account (a retry cannot open two).

The control API plays CJ's agents: refund (to the balance), resend (a new order code), refuse. Behaviour
choices CJ does not document are marked [U]: the reason ids and names, the "processing"/"finished" statuses.
"""

from __future__ import annotations

import time
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import ApiError, empty, param
from .state import Order, State, utc_str

QUERY_FAIL, CONFIRM_FAIL, CREATE_FAIL, CANCEL_FAIL = 1607006, 1607007, 1607008, 1607009
DAY = 86400
LATE_DAYS = {"US": 45, "BR": 110}
LATE_DAYS_ELSEWHERE = 60
DAMAGE_WINDOW_DAYS = 30
MESSAGE_LIMIT = 500

# [U] CJ answers its own list in disputeConfirmInfo; these ids/names are the sandbox's.
REASONS = {
    1: "Parcel not received (delayed)",
    2: "Product damaged",
    3: "Wrong product received",
    4: "Product missing from the parcel",
}
NOT_RECEIVED, DAMAGED, WRONG, MISSING = 1, 2, 3, 4
DISPUTABLE_STATUSES = ("UNSHIPPED", "SHIPPED", "DELIVERED")


def late_days(country: str) -> int:
    return LATE_DAYS.get((country or "").upper(), LATE_DAYS_ELSEWHERE)


def _disputes(state: State) -> dict[str, dict]:
    if not hasattr(state, "disputes"):
        state.disputes = {}
    return state.disputes


def _order(state: State, ident: Any, acct) -> Order:
    if not ident:
        raise empty("orderId")
    o = state.find_order(str(ident), acct)
    if o is None:
        raise ApiError(QUERY_FAIL, "dispute query fail: order not found")
    if (getattr(o, "platform", "Api") or "Api") != "Api":
        raise ApiError(QUERY_FAIL, "Only API orders can open a dispute through this interface")
    if o.status not in DISPUTABLE_STATUSES:
        raise ApiError(QUERY_FAIL, f"dispute query fail: order status {o.status} cannot be disputed")
    return o


def _open_quantity(state: State, o: Order) -> dict[str, int]:
    """Quantity per lineItemId under a dispute that is still processing."""
    taken: dict[str, int] = {}
    for d in _disputes(state).values():
        if d["orderId"] == o.order_id and d["status"] == "processing":
            for item in d["productList"]:
                taken[item["lineItemId"]] = taken.get(item["lineItemId"], 0) + item["quantity"]
    return taken


def dispute_products(state: State, req) -> Any:
    values = req.query.get("orderId") or [""]
    with state.lock:
        o = _order(state, values[0].strip(), req.account)
        taken = _open_quantity(state, o)
        return {
            "orderId": o.order_id,
            "orderNumber": o.order_number,
            "productInfoList": [
                {
                    "lineItemId": line["lineItemId"],
                    "cjProductId": line.get("pid") or "",
                    "cjVariantId": line["vid"],
                    "canChoose": line["lineItemId"] not in taken,
                    "price": float(Decimal(str(line["sellPrice"]))),
                    "quantity": line["quantity"] - taken.get(line["lineItemId"], 0),
                    "cjProductName": line.get("name") or line.get("sku") or line["vid"],
                    "cjImage": "",
                    "sku": line.get("sku") or "",
                    "supplierName": "CJ",
                }
                for line in o.lines
            ],
        }


def _chosen(state: State, o: Order, body: dict, code: int) -> tuple[list[dict], Decimal, Decimal]:
    """The lines asked for, checked against the order: (items, goods amount, postage allowed)."""
    items = body.get("productInfoList")
    if not items:
        raise empty("productInfoList")
    if not isinstance(items, list):
        raise param("productInfoList must be an array")
    lines = {line["lineItemId"]: line for line in o.lines}
    taken = _open_quantity(state, o)
    out, goods = [], Decimal("0")
    for item in items:
        if not isinstance(item, dict):
            raise param("productInfoList items must be objects")
        line = lines.get(str(item.get("lineItemId") or ""))
        if line is None:
            raise ApiError(code, f"lineItemId {item.get('lineItemId')} is not a line of this order")
        if line["lineItemId"] in taken:
            raise ApiError(code, f"lineItemId {line['lineItemId']} already has a dispute in progress")
        try:
            quantity = int(item.get("quantity"))
        except (TypeError, ValueError):
            raise param("quantity must be an integer") from None
        if not 1 <= quantity <= line["quantity"]:
            raise ApiError(code, f"quantity must be between 1 and {line['quantity']}")
        price = Decimal(str(line["sellPrice"]))
        out.append({"lineItemId": line["lineItemId"], "quantity": quantity, "price": float(price)})
        goods += price * quantity
    every_line = {i["lineItemId"] for i in out} == set(lines) and all(
        i["quantity"] == lines[i["lineItemId"]]["quantity"] for i in out
    )
    return out, goods, (o.postage if every_line else Decimal("0"))


def dispute_confirm_info(state: State, req) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    with state.lock:
        o = _order(state, body.get("orderId"), req.account)
        items, goods, postage = _chosen(state, o, body, CONFIRM_FAIL)
        return {
            "orderId": o.order_id,
            "orderNumber": o.order_number,
            "maxProductPrice": float(goods),
            "maxPostage": float(postage),
            "maxIossTaxAmount": 0.0,
            "maxIossHandTaxAmount": 0.0,
            "maxAmount": float(goods + postage),
            "expectResultOptionList": ["1", "2"],
            "productInfoList": items,
            "disputeReasonList": [{"disputeReasonId": k, "reasonName": v} for k, v in REASONS.items()],
        }


def _policy(o: Order, reason: int, evidence: bool, now: float) -> None:
    """CJ's refund, resend and returns policy: the refusals its agents give, in CJ's words."""
    if reason == NOT_RECEIVED:
        if o.status == "DELIVERED" or o.tracking_status == 12:
            raise ApiError(CREATE_FAIL, "Tracking shows the parcel delivered: no dispute for non-receipt")
        if o.status != "SHIPPED" or not o.shipped:
            raise ApiError(CREATE_FAIL, "The order has not shipped yet: it cannot be late")
        days = late_days(o.shipping.get("shippingCountryCode") or "")
        if now < o.shipped + days * DAY:
            opens = utc_str(o.shipped + days * DAY)
            raise ApiError(
                CREATE_FAIL, f"The order is not delayed yet ({days} days after shipping): from {opens}"
            )
        return
    if o.status != "DELIVERED" or not o.delivered:
        raise ApiError(CREATE_FAIL, "This reason needs the parcel delivered")
    if now > o.delivered + DAMAGE_WINDOW_DAYS * DAY:
        raise ApiError(CREATE_FAIL, f"Disputes must be opened within {DAMAGE_WINDOW_DAYS} days of delivery")
    if reason == DAMAGED and not evidence:
        raise ApiError(CREATE_FAIL, "A damaged product needs a photo or a video")


def _urls(body: dict, name: str) -> list[str]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(u, str) for u in value):
        raise param(f"{name} must be an array of strings")
    return value


def create(state: State, req) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    business_id = str(body.get("businessDisputeId") or "").strip()
    if not business_id:
        raise empty("businessDisputeId")
    if len(business_id) > 100:
        raise param("businessDisputeId length must be less than or equal to 100")
    message = body.get("messageText")
    if not isinstance(message, str) or not message.strip():
        raise empty("messageText")
    if len(message) > MESSAGE_LIMIT:
        raise param(f"messageText length must be less than or equal to {MESSAGE_LIMIT}")
    try:
        reason = int(body.get("disputeReasonId"))
        expect = int(body.get("expectType"))
        refund_type = int(body.get("refundType") or 1)
    except (TypeError, ValueError):
        raise param("disputeReasonId, expectType and refundType must be integers") from None
    if reason not in REASONS:
        raise ApiError(CREATE_FAIL, "disputeReasonId is not one of disputeConfirmInfo's reasons")
    if expect not in (1, 2) or refund_type not in (1, 2):
        raise param("expectType must be 1 or 2, refundType 1 or 2")
    images, videos = _urls(body, "imageUrl"), _urls(body, "videoUrl")
    with state.lock:
        o = _order(state, body.get("orderId"), req.account)
        store = _disputes(state)
        if any(d["businessDisputeId"] == business_id and d["apiKey"] == o.api_key for d in store.values()):
            raise ApiError(CREATE_FAIL, "businessDisputeId already exists, please do not create it again")
        items, goods, postage = _chosen(state, o, body, CREATE_FAIL)
        now = time.time()
        _policy(o, reason, bool(images or videos), now)
        state.dispute_seq = getattr(state, "dispute_seq", 1623673863466725376) + 1
        dispute_id = f"SH{state.dispute_seq}"
        store[dispute_id] = {
            "id": dispute_id,
            "apiKey": o.api_key,
            "businessDisputeId": business_id,
            "orderId": o.order_id,
            "orderNumber": o.order_number,
            "status": "processing",
            "disputeReasonId": reason,
            "disputeReason": REASONS[reason],
            "expectType": expect,
            "refundType": refund_type,
            "messageText": message,
            "imageUrl": images,
            "videoUrl": videos,
            "productList": items,
            "requested": str(goods + postage),
            "money": None,
            "replacementAmount": None,
            "resendOrderCode": None,
            "finallyDeal": None,
            "createDate": utc_str(now),
            "updateDate": utc_str(now),
        }
    return "true"


def _public(d: dict) -> dict:
    return {
        "id": d["id"],
        "orderId": d["orderId"],
        "orderNumber": d["orderNumber"],
        "status": d["status"],
        "disputeReason": d["disputeReason"],
        "expectType": d["expectType"],
        "money": float(Decimal(d["money"])) if d["money"] is not None else None,
        "replacementAmount": float(Decimal(d["replacementAmount"])) if d["replacementAmount"] else None,
        "resendOrderCode": d["resendOrderCode"],
        "finallyDeal": d["finallyDeal"],
        "createDate": d["createDate"],
        "updateDate": d["updateDate"],
        "productList": d["productList"],
    }


def cancel(state: State, req) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    with state.lock:
        o = _order(state, body.get("orderId"), req.account)
        d = _disputes(state).get(str(body.get("disputeId") or ""))
        if d is None or d["orderId"] != o.order_id:
            raise ApiError(CANCEL_FAIL, "dispute cancel fail: dispute not found for this order")
        if d["status"] != "processing":
            raise ApiError(CANCEL_FAIL, "dispute cancel fail: the dispute is already finished")
        d["status"], d["finallyDeal"], d["updateDate"] = "cancelled", None, utc_str(time.time())
    return "true"


def _visible(state: State, req) -> list[dict]:
    acct = req.account
    return [d for d in _disputes(state).values() if d["apiKey"] == acct.api_key]


def dispute_list(state: State, req) -> Any:
    def q(name: str) -> str:
        return ((req.query.get(name) or [""])[0]).strip()

    try:
        page = int(q("pageNum") or 1)
        size = int(q("pageSize") or 10)
    except ValueError:
        raise param("pageNum and pageSize must be integers") from None
    if page < 1 or not 1 <= size <= 50:
        raise param("pageSize must be between 1 and 50")
    with state.lock:
        rows = _visible(state, req)
        if q("orderId"):
            rows = [d for d in rows if d["orderId"] == q("orderId")]
        if q("orderNumber"):
            rows = [d for d in rows if d["orderNumber"] == q("orderNumber")]
        if q("disputeId"):
            rows = [d for d in rows if d["id"] == q("disputeId")]
        if q("status"):
            rows = [d for d in rows if d["status"] == q("status")]
        rows.sort(key=lambda d: d["id"], reverse=True)
        chunk = [_public(d) for d in rows[(page - 1) * size : page * size]]
    return {"pageNum": page, "pageSize": size, "total": len(rows), "list": chunk}


def dispute_detail(state: State, req) -> Any:
    ident = ((req.query.get("disputeId") or [""])[0]).strip()
    if not ident:
        raise empty("disputeId")
    with state.lock:
        d = next((d for d in _visible(state, req) if d["id"] == ident), None)
        if d is None:
            raise ApiError(QUERY_FAIL, "dispute query fail: dispute not found")
        return {**_public(d), "messageText": d["messageText"], "imageUrl": d["imageUrl"]}


# ---------------------------------------------------------------------- control API: CJ's agents
def decide(state: State, dispute_id: str, action: str, body: dict) -> dict:
    """refund {amount?} (to the balance), resend, refuse: the dispute is finished."""
    with state.lock:
        d = _disputes(state).get(dispute_id)
        if d is None:
            raise KeyError(dispute_id)
        if d["status"] != "processing":
            raise ApiError(CANCEL_FAIL, f"the dispute is already {d['status']}")
        if action == "refund":
            try:
                amount = Decimal(str(body.get("amount") or d["requested"]))
            except InvalidOperation:
                raise ValueError("amount must be a number") from None
            if amount <= 0 or amount > Decimal(d["requested"]):
                raise ValueError(f"amount must be between 0.01 and {d['requested']}")
            d["money"], d["finallyDeal"] = str(amount), 1
            if d["refundType"] == 1:
                state.accounts[d["apiKey"]].balance += amount
        elif action == "resend":
            d["finallyDeal"], d["replacementAmount"] = 2, d["requested"]
            d["resendOrderCode"] = f"SD{int(time.time())}{dispute_id[-6:]}R"
        elif action == "refuse":
            d["finallyDeal"] = 3
        else:
            raise ValueError("action must be refund, resend or refuse")
        d["status"], d["updateDate"] = "finished", utc_str(time.time())
        return dict(d)


def age_order(state: State, o: Order, body: dict) -> None:
    """Play the warehouse's calendar: the order shipped (and delivered) N days ago."""
    with state.lock:
        now = time.time()
        for key, attr in (("shippedDaysAgo", "shipped"), ("deliveredDaysAgo", "delivered")):
            if body.get(key) is None:
                continue
            days = float(body[key])
            if getattr(o, attr) is None:
                raise ValueError(f"the order has no {attr} date yet")
            setattr(o, attr, now - days * DAY)
        if o.paid and o.shipped and o.paid > o.shipped:
            o.paid = o.shipped - DAY
