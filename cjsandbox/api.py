"""CJ Open API 2.0 endpoints under /api2.0/v1/ (CJ-API.md §2–§8)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from . import disputes, logistics, payloads
from .catalog_data import COUNTRIES, WAREHOUSES
from .errors import ApiError, empty, param
from .state import ORDER_STATUSES, TOPICS, Account, Order, State, utc_str


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any
    raw_body: bytes = b""
    body: Any = None
    account: Account | None = None
    token: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class Route:
    methods: tuple[str, ...]
    handler: Callable[[State, Request], Any]
    auth: bool = True
    body: bool = False  # a JSON body is required
    envelope: str = "std"  # std | success0 | success200


# ---------------------------------------------------------------------- parameter helpers
def q(req: Request, name: str) -> str | None:
    values = req.query.get(name)
    if not values:
        return None
    value = values[0].strip()
    return value or None


def q_list(req: Request, name: str) -> list[str]:
    out: list[str] = []
    for value in req.query.get(name, []) + req.query.get(f"{name}[]", []):
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def q_int(req: Request, name: str, default: int, lo: int | None = None, hi: int | None = None) -> int:
    raw = q(req, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise param(f"{name} must be an integer") from None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise param(f"{name} must be between {lo} and {hi}")
    return value


def q_decimal(req: Request, name: str) -> float | None:
    raw = q(req, name)
    if raw is None:
        return None
    try:
        return float(Decimal(raw))
    except InvalidOperation:
        raise param(f"{name} must be a number") from None


def b(req: Request, name: str, required: bool = False) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    value = body.get(name)
    if required and (value is None or value == "" or value == []):
        raise empty(name)
    return value


def _features(req: Request) -> set[str]:
    return set(q_list(req, "features"))


# ---------------------------------------------------------------------- authentication
def get_access_token(state: State, req: Request) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    api_key = body.get("apiKey") or body.get("password")  # older form: {email, password=<apiKey>}
    if not api_key:
        raise empty("apiKey")
    if not isinstance(api_key, str) or len(api_key) > 200:
        raise param("apiKey must be a string of at most 200 characters")
    return state.get_access_token(api_key)


def refresh_access_token(state: State, req: Request) -> Any:
    token = b(req, "refreshToken", required=True)
    if not isinstance(token, str):
        raise param("refreshToken must be a string")
    return state.refresh_access_token(token)


def logout(state: State, req: Request) -> Any:
    state.logout(req.token or "")
    return True


# ---------------------------------------------------------------------- account
def setting_get(state: State, req: Request) -> Any:
    acct = req.account
    assert acct is not None
    return {
        "openId": acct.open_id,
        "openName": acct.name,
        "openEmail": acct.email,
        "setting": {"quotaLimits": [], "qpsLimit": acct.qps},
        "callback": {
            t: {
                "type": acct.callbacks[t]["type"],
                "urls": list(acct.callbacks[t]["urls"]),
                "status": state.topic_status(acct, t),
            }
            for t in TOPICS
        },
        "root": "GENERAL",
        "isSandbox": True,
    }


def get_balance(state: State, req: Request) -> Any:
    assert req.account is not None
    return {"amount": float(req.account.balance), "noWithdrawalAmount": None, "freezeAmount": None}


# ---------------------------------------------------------------------- products
def get_category(state: State, req: Request) -> Any:
    return state.catalog.category_tree()


def list_v2(state: State, req: Request) -> Any:
    page = q_int(req, "page", 1, 1, 1000)
    size = q_int(req, "size", 10, 1, 100)
    order_by = q_int(req, "orderBy", 0, 0, 4)
    sort = (q(req, "sort") or "desc").lower()
    if sort not in ("asc", "desc"):
        raise param("sort must be asc or desc")
    keyword = q(req, "keyWord")
    country = q(req, "countryCode")
    features = _features(req)
    lv3 = frozenset(q_list(req, "lv3categoryList")) or None
    lv2 = frozenset(q_list(req, "lv2categoryList")) or None
    free = q_int(req, "addMarkStatus", -1, 0, 1)
    min_inv = q_int(req, "startWarehouseInventory", -1, 0)
    max_inv = q_int(req, "endWarehouseInventory", -1, 0)
    with state.lock:
        found = state.catalog.search(
            keyword=keyword,
            category_id=q(req, "categoryId"),
            country=country.upper() if country else None,
            start_price=q_decimal(req, "startSellPrice"),
            end_price=q_decimal(req, "endSellPrice"),
            order_by=order_by,
            sort=sort,
            category_ids=lv3,
            second_ids=lv2,
            free_shipping=None if free < 0 else free,
            min_inventory=None if min_inv < 0 else min_inv,
            max_inventory=None if max_inv < 0 else max_inv,
        )
        total = min(len(found), 6000)
        start = (page - 1) * size
        chunk = found[start : min(start + size, total)] if start < total else []
        items = [payloads.list_v2_item(state.catalog, state.root, p, features) for p in chunk]
        related: list[dict] = []
        seen: set[str] = set()
        for p in found[:200]:
            if p.category.id not in seen:
                seen.add(p.category.id)
                related.append({"categoryId": p.category.id, "categoryName": p.category.name})
            if len(related) >= 10:
                break
    return {
        "pageSize": size,
        "pageNumber": page,
        "totalRecords": total,
        "totalPages": math.ceil(total / size) if total else 0,
        "content": [
            {"productList": items, "relatedCategoryList": related, "keyWord": keyword, "keyWordOld": keyword}
        ],
    }


def product_list(state: State, req: Request) -> Any:
    page = q_int(req, "pageNum", 1, 1)
    size = q_int(req, "pageSize", 20, 1, 200)
    if (page - 1) * size >= 10000:
        raise param("Param error, the max offset is 10000")
    order = q(req, "orderBy") or "createAt"
    sort = (q(req, "sort") or "desc").lower()
    country = q(req, "countryCode")
    with state.lock:
        found = state.catalog.search(
            category_id=q(req, "categoryId"),
            country=country.upper() if country else None,
            start_price=q_decimal(req, "minPrice"),
            end_price=q_decimal(req, "maxPrice"),
            order_by=1 if order == "listedNum" else 3,
            sort="asc" if sort == "asc" else "desc",
            name_contains=q(req, "productNameEn"),
            pid=q(req, "pid"),
            sku=q(req, "productSku"),
        )
        chunk = found[(page - 1) * size : page * size]
        items = [payloads.list_item(state.root, p) for p in chunk]
    return {"pageNum": page, "pageSize": size, "total": len(found), "list": items}


def _product_from_query(state: State, req: Request):
    pid, psku, vsku = q(req, "pid"), q(req, "productSku"), q(req, "variantSku")
    if not (pid or psku or vsku):
        raise param("pid, productSku or variantSku must be provided")
    cat = state.catalog
    variant = None
    if pid:
        product = cat.by_pid.get(pid)
    elif psku:
        product = cat.by_sku.get(psku)
    else:
        variant = cat.by_vsku.get(vsku or "")
        product = variant.product if variant else None
    if product is None or product.removed:
        raise ApiError(1602001)
    return product, variant


def product_query(state: State, req: Request) -> Any:
    country = q(req, "countryCode")
    with state.lock:
        product, _ = _product_from_query(state, req)
        return payloads.product_detail(
            state.catalog,
            state.root,
            product,
            features=_features(req),
            country=country.upper() if country else None,
        )


def variant_query(state: State, req: Request) -> Any:
    country = (q(req, "countryCode") or "").upper() or None
    with state.lock:
        product, variant = _product_from_query(state, req)
        variants = [variant] if variant else product.variants
        return [
            payloads.variant_dict(state.root, v, detail=False)
            for v in variants
            if country is None or v.total_in(country) > 0
        ]


def _variant(state: State, vid: str | None):
    if not vid:
        raise empty("vid")
    v = state.catalog.by_vid.get(vid)
    if v is None or v.product.removed:
        raise ApiError(1602000)
    return v


def variant_by_vid(state: State, req: Request) -> Any:
    with state.lock:
        v = _variant(state, q(req, "vid"))
        return payloads.variant_dict(
            state.root, v, inventory="enable_inventory" in _features(req), detail=False
        )


def stock_by_vid(state: State, req: Request) -> Any:
    with state.lock:
        return payloads.stock_by_vid_rows(_variant(state, q(req, "vid")))


def stock_by_sku(state: State, req: Request) -> Any:
    sku = q(req, "sku")
    if not sku:
        raise empty("sku")
    with state.lock:
        v = state.catalog.by_vsku.get(sku)
        if v is not None and not v.product.removed:
            return payloads.stock_by_sku_rows([v])
        p = state.catalog.by_sku.get(sku)
        if p is None or p.removed:
            raise ApiError(1602000)
        return payloads.stock_by_sku_rows(p.variants)


def inventory_by_pid(state: State, req: Request) -> Any:
    pid = q(req, "pid")
    if not pid:
        raise empty("pid")
    if len(pid) > 40:
        raise param("pid length must be less than or equal to 40")
    with state.lock:
        p = state.catalog.live_product(pid)
        if p is None:
            raise ApiError(1602001)
        return payloads.inventory_by_pid(p)


def product_comments(state: State, req: Request) -> Any:
    pid = q(req, "pid")
    if not pid:
        raise empty("pid")
    page = q_int(req, "pageNum", 1, 1)
    size = q_int(req, "pageSize", 20, 1, 100)
    score = q(req, "score")
    with state.lock:
        p = state.catalog.live_product(pid)
        if p is None:
            raise ApiError(1602001)
        rows = state.catalog.reviews(p)
    if score:
        rows = [r for r in rows if r["score"] == score]
    chunk = rows[(page - 1) * size : page * size]
    root = state.root
    out = [
        {
            **r,
            "commentUrls": [root + u for u in r["commentUrls"]],
            "flagIconUrl": f"{root}/images/flags/{r['countryCode']}.svg",
        }
        for r in chunk
    ]
    return {"pageNum": str(page), "pageSize": str(size), "total": str(len(rows)), "list": out}


def offline(state: State, req: Request) -> Any:
    raise ApiError(1600100, "Interface is offline")


# ---------------------------------------------------------------------- logistics
def _country(value: Any, name: str) -> str:
    if not value:
        raise empty(name)
    code = str(value).upper()
    if code not in COUNTRIES:
        raise ApiError(1605002, f"country code not found: {value}")
    return code


def freight_calculate(state: State, req: Request) -> Any:
    start = _country(b(req, "startCountryCode"), "startCountryCode")
    end = _country(b(req, "endCountryCode"), "endCountryCode")
    products = b(req, "products")
    if products is None and b(req, "vid"):
        products = [{"vid": b(req, "vid"), "quantity": b(req, "quantity") or 1}]
    if not products:
        raise empty("products")
    if not isinstance(products, list):
        raise param("products must be an array")
    weight = 0.0
    with state.lock:
        for item in products:
            if not isinstance(item, dict):
                raise param("products items must be objects")
            qty = item.get("quantity")
            if qty is None:
                raise empty("products.quantity")
            if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
                raise param("products.quantity must be a positive integer")
            vid = item.get("vid")
            if not vid:
                raise empty("products.vid")
            v = state.catalog.by_vid.get(str(vid))
            if v is None or v.product.removed:
                raise ApiError(1602000, f"Variant not found: {vid}")
            weight += v.weight * qty
        if end in state.closed_routes:
            return []  # CJ offers no carrier to this destination: an empty list, code 200
    return logistics.freight_options(start, end, weight)


def track_info(state: State, req: Request) -> Any:
    numbers = q_list(req, "trackNumber")
    if not numbers:
        raise empty("trackNumber")
    out = []
    for number in numbers:
        o = state.order_by_track(number)
        if o is None:
            continue
        last = o.track_events[-1] if o.track_events else None
        days = max(0, int(((o.delivered or o.updated) - (o.shipped or o.updated)) // 86400))
        carrier = {"USPS+": "USPS", "PostNL": "PostNL", "DHL Official": "DHL"}.get(
            o.logistic_name, "CJPacket"
        )
        out.append(
            {
                "trackingNumber": number,
                "logisticName": o.logistic_name,
                "trackingFrom": o.from_country,
                "trackingTo": o.shipping["shippingCountryCode"],
                "deliveryDay": str(days),
                "deliveryTime": last["eventTime"] if last else None,
                "trackingStatus": "Delivered" if o.status == "DELIVERED" else "In transit",
                "lastMileCarrier": carrier,
                "lastTrackNumber": number,
            }
        )
    return out


# ---------------------------------------------------------------------- orders
def create_order_v2(state: State, req: Request) -> Any:
    assert req.account is not None
    if not isinstance(req.body, dict):
        raise param("request body must be a JSON object")
    data, error = state.create_order(req.account, req.body)
    if error is not None:
        raise error
    return data


def _order_item(o: Order) -> dict:
    s = o.shipping
    return {
        "orderId": o.order_id,
        "orderNum": o.order_number,
        "cjOrderId": o.order_id,
        "shippingCountryCode": s["shippingCountryCode"],
        "shippingProvince": s["shippingProvince"],
        "shippingCity": s["shippingCity"],
        "shippingAddress": s["shippingAddress"],
        "shippingCustomerName": s["shippingCustomerName"],
        "shippingPhone": s["shippingPhone"],
        "remark": o.remark,
        "logisticName": o.logistic_name,
        "trackNumber": o.track_number,
        "trackingUrl": o.tracking_url,
        "orderWeight": o.weight,
        "orderAmount": float(o.product_amount + o.postage),
        "orderStatus": o.status,
        "createDate": utc_str(o.created),
        "paymentDate": utc_str(o.paid) if o.paid else None,
        "storeCreateDate": utc_str(o.created),
        "productAmount": float(o.product_amount),
        "postageAmount": float(o.postage),
        "productList": [
            {
                "vid": line["vid"],
                "quantity": line["quantity"],
                "sellPrice": line["sellPrice"],
                "storeLineItemId": line["storeLineItemId"],
                "lineItemId": line["lineItemId"],
            }
            for line in o.lines
        ],
        "storageId": None,
        "storageName": None,
        "isSandbox": o.is_sandbox,
    }


def order_list(state: State, req: Request) -> Any:
    page = q_int(req, "pageNum", 1, 1)
    size = q_int(req, "pageSize", 20, 1, 200)
    status = q(req, "status")
    if status is None:
        status = state.config.order_list_default_status or None
    if status is not None:
        status = status.upper()
        if status not in (*ORDER_STATUSES, "OTHER", "PENDING", "PROCESSING"):
            raise param(f"status must be one of {', '.join(ORDER_STATUSES)}, OTHER")
    ids = set(q_list(req, "orderIds"))
    shipment = q(req, "shipmentOrderId")
    acct = req.account
    assert acct is not None
    with state.lock:
        rows = [o for o in state.orders.values() if o.api_key == acct.api_key and not o.deleted]
        if status in ("PENDING", "PROCESSING"):
            rows = [o for o in rows if o.status == "UNSHIPPED"]
        elif status == "OTHER":
            rows = []
        elif status:
            rows = [o for o in rows if o.status == status]
        if ids:
            rows = [o for o in rows if o.order_id in ids or o.order_number in ids]
        if shipment:
            rows = [o for o in rows if o.shipment_order_id == shipment]
        rows.sort(key=lambda o: (o.created, o.seq), reverse=True)
        chunk = [_order_item(o) for o in rows[(page - 1) * size : page * size]]
    return {"pageNum": page, "pageSize": size, "total": len(rows), "list": chunk}


def order_detail(state: State, req: Request) -> Any:
    ident = q(req, "orderId")
    if not ident:
        raise ApiError(1600300, "orderId must be not empty")
    features = q_list(req, "features")
    if len(features) > 20:
        raise ApiError(1600300, "The maximum number of features is 20")
    with state.lock:
        o = state.find_order(ident, req.account)
        if o is None:
            raise ApiError(1600300, "order not found")
        item = _order_item(o)
        detail = {
            "orderId": o.order_id,
            "orderNum": o.order_number,
            "platformOrderId": o.order_number,
            "cjOrderId": o.order_id,
            "cjOrderCode": o.cj_order_code,
            "fromCountryCode": o.from_country,
            "shippingCountryCode": item["shippingCountryCode"],
            "shippingProvince": item["shippingProvince"],
            "shippingCity": item["shippingCity"],
            "shippingAddress": item["shippingAddress"],
            "shippingCustomerName": item["shippingCustomerName"],
            "shippingPhone": item["shippingPhone"],
            "remark": o.remark,
            "logisticName": o.logistic_name,
            "trackNumber": o.track_number,
            "trackingUrl": o.tracking_url,
            "disputeId": next(
                (d["id"] for d in reversed(list(state.disputes.values())) if d["orderId"] == o.order_id), None
            ),
            "orderWeight": o.weight,
            "orderAmount": item["orderAmount"],
            "orderStatus": o.status,
            "createDate": item["createDate"],
            "paymentDate": item["paymentDate"],
            "outWarehouseTime": utc_str(o.shipped) if o.shipped else None,
            "storeCreateDate": item["storeCreateDate"],
            "productAmount": item["productAmount"],
            "postageAmount": item["postageAmount"],
            "isComplete": 1,
            "storageId": None,
            "storageName": None,
            "productList": [
                {
                    "vid": line["vid"],
                    "quantity": line["quantity"],
                    "sellPrice": line["sellPrice"],
                    "storeLineItemId": line["storeLineItemId"],
                    "lineItemId": line["lineItemId"],
                    "productionOrderStatus": None,
                    "abnormalType": [],
                    "podPropertiesInfo": line.get("podProperties"),
                }
                for line in o.lines
            ],
            "subStatus": "PROCESSING" if o.status == "UNSHIPPED" else None,
            "isSandbox": o.is_sandbox,
        }
        if "LOGISTICS_TIMELINESS" in features:
            options = logistics.freight_options(o.from_country, item["shippingCountryCode"], o.weight)
            detail["logisticsTimeliness"] = {
                "logisticsModes": [
                    {"logisticsName": opt["logisticName"], "arrivalTime": opt["logisticAging"]}
                    for opt in options
                ]
            }
        return detail


def _order_from_body(state: State, req: Request) -> Order:
    ident = b(req, "orderId", required=True)
    o = state.find_order(str(ident), req.account)
    if o is None:
        raise ApiError(1603100)
    return o


def confirm_order(state: State, req: Request) -> Any:
    o = _order_from_body(state, req)
    state.confirm(o)
    return o.order_id


def delete_order(state: State, req: Request) -> Any:
    ident = q(req, "orderId")
    if not ident:
        raise empty("orderId")
    o = state.find_order(ident, req.account)
    if o is None:
        raise ApiError(1603100)
    state.delete(o)
    return o.order_id


def pay_balance(state: State, req: Request) -> Any:
    o = _order_from_body(state, req)
    state.pay(o, use_balance=True)
    return None


def _sandbox_order(state: State, req: Request) -> Order:
    ident = b(req, "orderId") or b(req, "shipmentOrderId")
    if not ident:
        raise empty("orderId")
    o = state.find_order(str(ident), req.account)
    if o is None:
        with state.lock:
            o = next(
                (
                    x
                    for x in state.orders.values()
                    if x.shipment_order_id == str(ident)
                    and not x.deleted
                    and x.api_key == req.account.api_key
                ),
                None,
            )
    if o is None:
        raise ApiError(1603100)
    return o


def sandbox_simulate_pay(state: State, req: Request) -> Any:
    state.simulate_pay(_sandbox_order(state, req))
    return True


def sandbox_update_status(state: State, req: Request) -> Any:
    o = _sandbox_order(state, req)
    target = b(req, "targetStatus", required=True)
    try:
        target = int(target)
    except (TypeError, ValueError):
        raise param("targetStatus must be 400, 500, 600 or 700") from None
    state.update_status(o, target)
    return True


def sandbox_update_track_number(state: State, req: Request) -> Any:
    o = _sandbox_order(state, req)
    number = b(req, "trackNumber", required=True)
    state.update_track_number(o, str(number))
    return True


# ---------------------------------------------------------------------- webhooks
def webhook_set(state: State, req: Request) -> Any:
    assert req.account is not None
    if not isinstance(req.body, dict):
        raise param("request body must be a JSON object")
    state.set_webhooks(req.account, req.body)
    return True


def webhook_subscribe(state: State, req: Request) -> Any:
    assert req.account is not None
    return state.subscribe(req.account, req.body if isinstance(req.body, dict) else {})


def webhook_unsubscribe(state: State, req: Request) -> Any:
    assert req.account is not None
    return state.unsubscribe(req.account, req.body if isinstance(req.body, dict) else {})


ROUTES: dict[str, Route] = {
    "authentication/getAccessToken": Route(("POST",), get_access_token, auth=False, body=True),
    "authentication/refreshAccessToken": Route(("POST",), refresh_access_token, auth=False, body=True),
    "authentication/logout": Route(("POST",), logout),
    "setting/get": Route(("GET",), setting_get),
    "shopping/pay/getBalance": Route(("GET",), get_balance),
    "product/getCategory": Route(("GET",), get_category),
    "product/listV2": Route(("GET",), list_v2),
    "product/list": Route(("GET",), product_list),
    "product/query": Route(("GET",), product_query),
    "product/variant/query": Route(("GET",), variant_query),
    "product/variant/queryByVid": Route(("GET",), variant_by_vid),
    "product/stock/queryByVid": Route(("GET",), stock_by_vid),
    "product/stock/queryBySku": Route(("GET",), stock_by_sku),
    "product/stock/getInventoryByPid": Route(("GET",), inventory_by_pid, envelope="success200"),
    "product/productComments": Route(("GET",), product_comments, envelope="success0"),
    "product/comments": Route(("GET",), offline),
    "logistic/freightCalculate": Route(("POST",), freight_calculate, body=True),
    "logistic/trackInfo": Route(("GET",), track_info),
    "logistic/getTrackInfo": Route(("GET",), offline),
    "shopping/order/createOrderV2": Route(("POST",), create_order_v2, body=True),
    "shopping/order/list": Route(("GET",), order_list),
    "shopping/order/getOrderDetail": Route(("GET",), order_detail),
    "shopping/order/confirmOrder": Route(("PATCH",), confirm_order, body=True),
    "shopping/order/deleteOrder": Route(("DELETE",), delete_order),
    "shopping/pay/payBalance": Route(("POST",), pay_balance, body=True),
    "shopping/sandbox/simulatePay": Route(("POST",), sandbox_simulate_pay, body=True),
    "shopping/sandbox/updateStatus": Route(("POST",), sandbox_update_status, body=True),
    "shopping/sandbox/updateTrackNumber": Route(("POST",), sandbox_update_track_number, body=True),
    "disputes/disputeProducts": Route(("GET",), disputes.dispute_products),
    "disputes/disputeConfirmInfo": Route(("POST",), disputes.dispute_confirm_info, body=True),
    "disputes/create": Route(("POST",), disputes.create, body=True),
    "disputes/cancel": Route(("POST",), disputes.cancel, body=True),
    "disputes/getDisputeList": Route(("GET",), disputes.dispute_list),
    "disputes/getDisputeDetail": Route(("GET",), disputes.dispute_detail),
    "webhook/set": Route(("POST",), webhook_set, body=True),
    "webhook/product/subscribe": Route(("POST",), webhook_subscribe, body=True),
    "webhook/product/unsubscribe": Route(("POST",), webhook_unsubscribe, body=True),
}

# warehouses for the control API's documentation
WAREHOUSE_COUNTRIES = tuple(WAREHOUSES)
