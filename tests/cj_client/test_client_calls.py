"""Each typed method sends CJ's exact method/path/params/body and parses the answer."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from kamri.cj.client import (
    CJClient,
    CJInvalidRequest,
    CJOrderNotFound,
    CJProductNotFound,
    CJQuotaExhausted,
    CJRateLimited,
    CJUnavailable,
    MemoryTokenStore,
    OrderRequest,
    OrderRequestLine,
)
from kamri.cj.client.errors import CJDuplicateOrder, CJInsufficientBalance

from . import test_parse as ex
from .conftest import FakeCJ, envelope, json_response


def raw(text: str) -> Callable[[httpx.Request], httpx.Response]:
    """Answer with CJ's example text as-is (keeps big numbers and decimals exactly as written)."""
    body = '{"code": 200, "result": true, "message": "Success", "requestId": "r1", "data": ' + text + "}"
    return lambda _req: httpx.Response(200, content=body.encode())


def test_token_header_and_settings(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "GET", "setting/get", {"openId": 1, "openName": "Shop", "setting": {"qpsLimit": 6}, "isSandbox": True}
    )
    s = client.get_settings()
    assert s.qps_limit == 6 and s.is_sandbox is True and s.name == "Shop"
    login, call = cj.requests
    assert login.path == "authentication/getAccessToken" and login.method == "POST"
    assert login.body == {"apiKey": client._api_key.reveal()}
    assert "cj-access-token" not in login.headers
    assert call.headers["cj-access-token"] in cj.valid_access
    assert call.method == "GET"


def test_balance(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "GET",
        "shopping/pay/getBalance",
        raw('{"amount": 87247.32, "noWithdrawalAmount": 1.10, "freezeAmount": null}'),
    )
    b = client.get_balance()
    assert b.amount == Decimal("87247.32") and b.bonus == Decimal("1.10") and b.frozen is None


def test_search_products_exact_param_names(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "product/listV2", raw(ex.LISTV2))
    page = client.search_products(
        keyword="hoody",
        page=2,
        size=50,
        category_id="CAT-3",
        country_code="US",
        min_price=Decimal("1.50"),
        max_price=20,
        order_by=2,
        sort="asc",
    )
    (req,) = cj.calls("product/listV2")
    assert req.method == "GET"
    assert dict(req.params) == {
        "keyWord": "hoody",
        "page": "2",
        "size": "50",
        "categoryId": "CAT-3",
        "countryCode": "US",
        "startSellPrice": "1.50",
        "endSellPrice": "20",
        "orderBy": "2",
        "sort": "asc",
        "features": "enable_category",
    }
    assert page.items[0].pid == "1424608189734850560"
    assert page.total == 6000


def test_search_defaults_and_validation(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "product/listV2", {"pageNumber": 1, "pageSize": 20, "totalRecords": 0, "content": []})
    assert client.search_products().items == []
    (req,) = cj.calls("product/listV2")
    assert dict(req.params) == {"page": "1", "size": "20", "features": "enable_category"}
    with pytest.raises(ValueError):
        client.search_products(size=101)
    with pytest.raises(ValueError):
        client.search_products(page=0)


def test_get_product_with_inventory(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "product/query", raw(ex.PRODUCT_QUERY))
    p = client.get_product("000B9312-456A-4D31-94BD-B083E2A198E8")
    (req,) = cj.calls("product/query")
    assert req.param("pid") == "000B9312-456A-4D31-94BD-B083E2A198E8"
    assert req.params_all("features") == ["enable_inventory"]
    assert p.variants[0].options == {"Color": "Rose-Gold", "Size": "XL"}
    client.get_product(variant_sku="CJJJJTJT05843-XS", with_inventory=False)
    req2 = cj.calls("product/query")[1]
    assert dict(req2.params) == {"variantSku": "CJJJJTJT05843-XS"}
    with pytest.raises(ValueError):
        client.get_product()
    with pytest.raises(ValueError):
        client.get_product(pid="a", product_sku="b")


def test_get_product_removed_and_empty(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "product/query", lambda _r: json_response(envelope(None, 1602002, "Product removed")))
    with pytest.raises(CJProductNotFound) as exc:
        client.get_product("P1")
    assert exc.value.user_message == "Produit introuvable chez CJ (retiré ou hors vente)"
    cj.on("GET", "product/query", None)
    with pytest.raises(CJProductNotFound):
        client.get_product("P2")


def test_variants_and_stock(client: CJClient, cj: FakeCJ) -> None:
    variant = {
        "vid": "V1",
        "pid": "P1",
        "variantSku": "S-Rose-Gold-XL",
        "variantKey": "Rose-Gold-XL",
        "variantSellPrice": "3.35",
        "inventories": [{"countryCode": "US", "totalInventory": 4, "cjInventory": 4, "factoryInventory": 0}],
    }
    cj.on("GET", "product/variant/query", [variant])
    cj.on("GET", "product/variant/queryByVid", variant)
    cj.on(
        "GET",
        "product/stock/queryByVid",
        [
            {
                "vid": "V1",
                "areaId": 2,
                "areaEn": "US Warehouse",
                "countryCode": "US",
                "storageNum": 4,
                "totalInventoryNum": 4,
                "cjInventoryNum": 4,
                "factoryInventoryNum": 0,
                "stock": [],
            }
        ],
    )
    cj.on(
        "GET",
        "product/stock/queryBySku",
        [{"areaEn": "China Warehouse", "areaId": "1", "countryCode": "CN", "totalInventoryNum": "10"}],
    )
    cj.on("GET", "product/stock/getInventoryByPid", raw(ex.INVENTORY_BY_PID))
    vs = client.get_variants("P1", option_names=["Color", "Size"])
    assert vs[0].options == {"Color": "Rose-Gold", "Size": "XL"} and vs[0].price == Decimal("3.35")
    assert cj.calls("product/variant/query")[0].param("pid") == "P1"
    v = client.get_variant("V1")
    assert v.options == {"Option": "Rose-Gold-XL"} and v.stock_total == 4
    assert cj.calls("product/variant/queryByVid")[0].params_all("features") == ["enable_inventory"]
    (w,) = client.stock_by_vid("V1")
    assert (w.country_code, w.total, w.cj, w.area_id) == ("US", 4, 4, "2")
    assert cj.calls("product/stock/queryByVid")[0].param("vid") == "V1"
    (w2,) = client.stock_by_sku("CJNSSYWY01847")
    assert w2.total == 10 and cj.calls("product/stock/queryBySku")[0].param("sku") == "CJNSSYWY01847"
    inv = client.inventory_by_pid("P1")
    assert inv.total == 12952 and cj.calls("product/stock/getInventoryByPid")[0].param("pid") == "P1"


def test_categories(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "GET",
        "product/getCategory",
        [
            {
                "categoryFirstName": "A",
                "categoryFirstList": [
                    {
                        "categorySecondName": "B",
                        "categorySecondList": [{"categoryId": "C1", "categoryName": "C"}],
                    }
                ],
            }
        ],
    )
    (top,) = client.get_categories()
    assert [c.id for c in top.iter_leaves()] == ["C1"]


def test_reviews_code0_envelope(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "product/productComments", lambda _r: httpx.Response(200, content=ex.COMMENTS.encode()))
    page = client.product_reviews("1424608189734850560", page=1, size=1, score=5)
    assert page.total == 285 and page.items[0].score == 5
    req = cj.calls("product/productComments")[0]
    assert dict(req.params) == {"pid": "1424608189734850560", "pageNum": "1", "pageSize": "1", "score": "5"}


def test_freight_quote_body(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "POST",
        "logistic/freightCalculate",
        raw(
            '[{"logisticAging": "2-5", "logisticPrice": 4.71, "logisticPriceCn": 30.54, "logisticName": "USPS+"}]'
        ),
    )
    (opt,) = client.freight_quote("US", "US", [("439FC05B-1311-4349-87FA-1E1EF942C418", 2)], zip="10001")
    assert opt.logistic_name == "USPS+" and opt.price == Decimal("4.71") and opt.aging_days == (2, 5)
    req = cj.calls("logistic/freightCalculate")[0]
    assert req.method == "POST" and req.headers["content-type"] == "application/json"
    assert req.body == {
        "startCountryCode": "US",
        "endCountryCode": "US",
        "zip": "10001",
        "products": [{"quantity": 2, "vid": "439FC05B-1311-4349-87FA-1E1EF942C418"}],
    }


def test_freight_throttled_in_body_is_not_no_routes(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    # Live CJ: HTTP 200 with the QPS error in the body and no data. Must raise, never return [].
    cj.on(
        "POST",
        "logistic/freightCalculate",
        lambda _r: json_response({"code": 1600200, "result": False, "message": "Too Many Requests"}),
    )
    from kamri.cj.client import RetryPolicy

    client = make_client(retry=RetryPolicy(max_attempts=2))
    with pytest.raises(CJRateLimited):
        client.freight_quote("CN", "FR", [("V1", 1)])


def test_track_repeated_keys(client: CJClient, cj: FakeCJ) -> None:
    cj.on("GET", "logistic/trackInfo", [{"trackingNumber": "A1"}, {"trackingNumber": "B2"}])
    infos = client.track(["A1", "B2"])
    assert [t.tracking_number for t in infos] == ["A1", "B2"]
    assert cj.calls("logistic/trackInfo")[0].params == [("trackNumber", "A1"), ("trackNumber", "B2")]
    assert client.track([]) == []


ORDER = OrderRequest(
    order_number="KAMRI-000123",
    shipping_country_code="FR",
    shipping_country="France",
    shipping_province="Île-de-France",
    shipping_city="Paris",
    shipping_customer_name="Awa Diallo",
    shipping_address="12 rue des Lilas",
    logistic_name="CJPacket Ordinary",
    from_country_code="CN",
    products=[OrderRequestLine(quantity=2, vid="V1", unit_price=Decimal("29.05"), store_line_item_id="L1")],
    shipping_zip="75011",
    shipping_phone="+33600000000",
    email="awa@example.com",
    shop_amount=Decimal("79.90"),
    is_sandbox=True,
)


def test_create_order_body(client: CJClient, cj: FakeCJ) -> None:
    cj.on("POST", "shopping/order/createOrderV2", raw(ex.CREATE_ORDER))
    created = client.create_order(ORDER, platform_token="pt-1")
    assert created.order_id == "210711100018043276"
    req = cj.calls("shopping/order/createOrderV2")[0]
    assert req.headers["platformtoken"] == "pt-1"
    assert b'"unitPrice": 29.05' in req.content and b'"shopAmount": 79.9' in req.content
    assert req.body == {
        "orderNumber": "KAMRI-000123",
        "shippingZip": "75011",
        "shippingCountryCode": "FR",
        "shippingCountry": "France",
        "shippingProvince": "Île-de-France",
        "shippingCity": "Paris",
        "shippingPhone": "+33600000000",
        "shippingCustomerName": "Awa Diallo",
        "shippingAddress": "12 rue des Lilas",
        "email": "awa@example.com",
        "payType": 3,
        "shopAmount": 79.9,
        "logisticName": "CJPacket Ordinary",
        "fromCountryCode": "CN",
        "isSandbox": 1,
        "products": [{"quantity": 2, "vid": "V1", "unitPrice": 29.05, "storeLineItemId": "L1"}],
    }


def test_order_line_needs_vid_or_sku() -> None:
    with pytest.raises(ValueError):
        OrderRequestLine(quantity=1).to_payload()


def test_create_order_duplicate(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "POST",
        "shopping/order/createOrderV2",
        lambda _r: json_response(envelope(None, 1603003, "Order exist, please do not duplicate create")),
    )
    with pytest.raises(CJDuplicateOrder):
        client.create_order(ORDER)


def test_order_list_detail_confirm_delete_pay(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "GET",
        "shopping/order/list",
        raw('{"pageNum": 1, "pageSize": 20, "total": 1, "list": [' + ex.ORDER_DETAIL + "]}"),
    )
    cj.on("GET", "shopping/order/getOrderDetail", raw(ex.ORDER_DETAIL))
    cj.on("PATCH", "shopping/order/confirmOrder", "210711100018043276")
    cj.on("DELETE", "shopping/order/deleteOrder", "210711100018043276")
    cj.on("POST", "shopping/pay/payBalance", None)
    page = client.list_orders(page=1, size=20, status="UNSHIPPED", order_ids=["a", "b"])
    assert page.total == 1 and page.items[0].order_number == "KAMRI-000123"
    assert cj.calls("shopping/order/list")[0].params == [
        ("pageNum", "1"),
        ("pageSize", "20"),
        ("status", "UNSHIPPED"),
        ("orderIds", "a"),
        ("orderIds", "b"),
    ]
    o = client.get_order("KAMRI-000123")
    assert (
        o.status == "SHIPPED"
        and cj.calls("shopping/order/getOrderDetail")[0].param("orderId") == "KAMRI-000123"
    )
    assert client.confirm_order("210711100018043276") == "210711100018043276"
    req = cj.calls("shopping/order/confirmOrder")[0]
    assert req.method == "PATCH" and req.body == {"orderId": "210711100018043276"}
    assert client.delete_order("210711100018043276") == "210711100018043276"
    req = cj.calls("shopping/order/deleteOrder")[0]
    assert req.method == "DELETE" and req.param("orderId") == "210711100018043276" and req.body is None
    assert client.pay_balance("210711100018043276") is None
    assert cj.calls("shopping/pay/payBalance")[0].body == {"orderId": "210711100018043276"}


def test_order_not_found_and_balance(client: CJClient, cj: FakeCJ) -> None:
    cj.on(
        "GET",
        "shopping/order/getOrderDetail",
        lambda _r: json_response(envelope(None, 1600300, "order not found")),
    )
    with pytest.raises(CJOrderNotFound):
        client.get_order("nope")
    cj.on(
        "POST",
        "shopping/pay/payBalance",
        lambda _r: json_response(envelope(None, 1604000, "Balance is insufficient")),
    )
    with pytest.raises(CJInsufficientBalance) as exc:
        client.pay_balance("x")
    assert exc.value.user_message == "Solde CJ insuffisant"


def test_set_webhooks_sends_all_four(client: CJClient, cj: FakeCJ) -> None:
    cj.on("POST", "webhook/set", True)
    assert client.set_webhooks("https://shop.example/webhooks/cj/s3cr3t/", {"order", "logistics"}) is True
    body = cj.calls("webhook/set")[0].body
    url = "https://shop.example/webhooks/cj/s3cr3t/"
    assert body == {
        "product": {"type": "CANCEL", "callbackUrls": []},
        "stock": {"type": "CANCEL", "callbackUrls": []},
        "order": {"type": "ENABLE", "callbackUrls": [url]},
        "logistics": {"type": "ENABLE", "callbackUrls": [url]},
    }
    client.set_webhooks(None, set())
    assert all(v == {"type": "CANCEL", "callbackUrls": []} for v in cj.calls("webhook/set")[1].body.values())
    with pytest.raises(ValueError):
        client.set_webhooks(url, {"orders"})
    with pytest.raises(ValueError):
        client.set_webhooks(None, {"order"})


def test_subscribe_chunks_of_100(client: CJClient, cj: FakeCJ) -> None:
    def sub(req: httpx.Request) -> dict[str, object]:
        ids = json.loads(req.content)["productIds"]
        return {"successProductIds": ids[:-1], "failProductIds": ids[-1:], "subscribeAll": False}

    cj.on("POST", "webhook/product/subscribe", sub)
    cj.on("POST", "webhook/product/unsubscribe", True)
    pids = [f"P{i}" for i in range(150)]
    res = client.subscribe_products(pids)
    assert len(res.success_ids) == 148 and res.failed_ids == ["P99", "P149"]
    calls = cj.calls("webhook/product/subscribe")
    assert [len(c.body["productIds"]) for c in calls] == [100, 50]
    assert calls[0].body["subscribeAll"] is False
    assert client.unsubscribe_products(["P1"]) is True
    assert cj.calls("webhook/product/unsubscribe")[0].body == {"productIds": ["P1"]}


@pytest.mark.parametrize(
    "body",
    [
        {"code": 200, "result": True, "message": "Success", "data": 1},
        {"success": True, "code": 200, "message": "", "data": 1},
        {"success": True, "code": 0, "message": None, "data": 1},
        {"code": 200, "success": True, "data": 1},
        {"result": True, "data": 1},
    ],
)
def test_success_envelopes(client: CJClient, cj: FakeCJ, body: dict[str, object]) -> None:
    cj.on("GET", "shopping/pay/getBalance", lambda _r: json_response({**body, "data": {"amount": 1}}))
    assert client.get_balance().amount == 1


@pytest.mark.parametrize(
    ("response", "exc"),
    [
        (
            lambda: json_response({"code": 1600200, "result": False, "message": "Too Many"}, 429),
            CJRateLimited,
        ),
        (
            lambda: json_response({"code": 429, "result": False, "message": "Insufficient API points"}, 429),
            CJQuotaExhausted,
        ),
        (
            lambda: json_response(
                {"result": False, "code": 16900500, "message": "Insufficient", "data": None}
            ),
            CJQuotaExhausted,
        ),
        (lambda: httpx.Response(200, content=b"<html>oops</html>"), CJUnavailable),
        (lambda: httpx.Response(502, content=b"Bad gateway"), CJUnavailable),
        (
            lambda: json_response(
                {"code": 1600100, "result": True, "success": True, "message": "Param error"}
            ),
            CJInvalidRequest,
        ),
    ],
)
def test_failure_envelopes(
    make_client: Callable[..., CJClient],
    cj: FakeCJ,
    response: Callable[[], httpx.Response],
    exc: type[Exception],
) -> None:
    from kamri.cj.client import RetryPolicy

    client = make_client(retry=RetryPolicy(max_attempts=1))
    cj.on("GET", "shopping/pay/getBalance", lambda _r: response())
    with pytest.raises(exc):
        client.get_balance()


def test_retry_after_header_is_used(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    from kamri.cj.client import RetryPolicy

    client = make_client(retry=RetryPolicy(max_attempts=1))
    cj.on(
        "GET",
        "setting/get",
        lambda _r: json_response({"code": 1600200, "message": "Too Many"}, 429, headers={"Retry-After": "3"}),
    )
    with pytest.raises(CJRateLimited) as exc:
        client.get_settings()
    assert exc.value.retry_after_s == 3.0
    assert exc.value.user_message == "Trop de requêtes, réessayez dans 3 s"


def test_1600100_reauthenticates_once_as_cjs_own_client(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore
) -> None:
    """CJ's MCP client (src/api-client/http-client.ts) treats 1600100 as an expired session and logs in again.
    Here CJ answers 1600100 to the stored token: the client drops it, gets a new one, and the call succeeds."""
    cj.on("GET", "shopping/pay/getBalance", {"amount": 12.5})
    client.get_balance()
    expired = store.load().tokens.access_token
    cj.inject = lambda seen: (
        json_response(envelope(None, 1600100, "Token expired"))
        if seen.headers.get("cj-access-token") == expired
        else None
    )
    assert client.get_balance().amount == Decimal("12.5")
    calls = cj.calls("shopping/pay/getBalance")
    assert [c.headers["cj-access-token"] == expired for c in calls] == [True, True, False]
    assert cj.refreshes + cj.logins == 2  # the first login, then exactly one re-authentication
    assert store.load().tokens.access_token not in (expired, "")


def test_1600100_reauthentication_is_bounded(client: CJClient, cj: FakeCJ) -> None:
    """A 1600100 that is really "Param error" or "Interface is offline" survives the new token: one re-login,
    one retry, then the error (never a loop of logins, which CJ allows once per 5 minutes)."""
    cj.on("GET", "shopping/pay/getBalance", lambda _r: json_response(envelope(None, 1600100, "Param error")))
    with pytest.raises(CJInvalidRequest) as exc:
        client.get_balance()
    assert exc.value.code == 1600100
    assert len(cj.calls("shopping/pay/getBalance")) == 2
    assert cj.logins + cj.refreshes == 2  # the first login and one re-authentication
