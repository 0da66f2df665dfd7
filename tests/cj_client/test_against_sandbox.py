"""The client against the CJ sandbox over real HTTP (skipped when cjsandbox is not importable)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

cjsandbox = pytest.importorskip("cjsandbox")
try:
    from cjsandbox import SandboxConfig, SandboxServer
except ImportError:  # pragma: no cover - the sandbox is still being built
    pytest.skip("cjsandbox exposes no SandboxServer yet", allow_module_level=True)

from kamri.cj.client import (  # noqa: E402 - after the skip guard
    CJAuthError,
    CJAuthThrottled,
    CJClient,
    CJDuplicateOrder,
    CJError,
    CJProductNotFound,
    CJWebhookConfigError,
    ListRecorder,
    LocalRateLimiter,
    MemoryTokenStore,
    NullRateLimiter,
    OrderRequest,
    OrderRequestLine,
    RetryPolicy,
)

KEY = "CJ7000001@api@" + "5a" * 16
FREE_KEY = "CJ7000002@api@" + "6b" * 16


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    srv = SandboxServer(
        SandboxConfig(
            seed=42,
            products=300,
            port=0,
            accounts=[(KEY, "advanced"), (FREE_KEY, "free")],
            auth_interval_s=300,
        )
    )
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def store() -> MemoryTokenStore:
    return MemoryTokenStore()  # shared by the module: one getAccessToken for every test


@pytest.fixture
def recorder() -> ListRecorder:
    return ListRecorder()


@pytest.fixture
def client(server: Any, store: MemoryTokenStore, recorder: ListRecorder) -> Iterator[CJClient]:
    c = CJClient(
        server.base_url,
        KEY,
        token_store=store,
        limiter=LocalRateLimiter(6.0),
        recorder=recorder,
        account_key="sandbox-advanced",
        retry=RetryPolicy.background(),
    )
    yield c
    c.close()


def control(server: Any, path: str, body: dict[str, Any]) -> httpx.Response:
    root = server.base_url.split("/api2.0/", 1)[0]
    return httpx.post(f"{root}/_sandbox/{path}", json=body, timeout=10)


def test_connection_and_one_login(client: CJClient, recorder: ListRecorder) -> None:
    for _ in range(5):
        check = client.test_connection()
    assert check.settings.qps_limit == 6
    assert check.settings.is_sandbox is True
    assert check.open_id and check.open_id == check.settings.open_id
    assert check.balance is not None and check.balance.amount > 0
    logins = [r for r in recorder.calls if r.endpoint == "authentication/getAccessToken"]
    assert len(logins) <= 1
    # Spacing at exactly 1/rate can still meet CJ's sliding window when arrival times jitter: the rare
    # 1600200 is retried by the client and never reaches the caller.
    assert all(r.ok or r.cj_code == 1600200 for r in recorder.calls)


def test_second_store_is_throttled_by_cj(server: Any, client: CJClient) -> None:
    client.get_settings()  # make sure the module's login happened
    other = CJClient(server.base_url, KEY, token_store=MemoryTokenStore(), limiter=NullRateLimiter())
    with pytest.raises(CJAuthThrottled) as exc:
        other.get_settings()
    assert exc.value.retry_after_s > 0
    assert "5 minutes" in exc.value.user_message


def test_bad_key_is_refused(server: Any) -> None:
    bad = CJClient(
        server.base_url, "CJ1@api@" + "00" * 16, token_store=MemoryTokenStore(), limiter=NullRateLimiter()
    )
    with pytest.raises(CJAuthError) as exc:
        bad.test_connection()
    assert exc.value.code is not None
    assert exc.value.user_message


def test_catalogue_round_trip(client: CJClient) -> None:
    cats = client.get_categories()
    leaves = [leaf for top in cats for leaf in top.iter_leaves()]
    assert leaves and all(leaf.id for leaf in leaves)

    page = client.search_products(size=20)
    assert page.items and page.total >= len(page.items)
    assert all(isinstance(p.pid, str) and p.pid for p in page.items)
    hit = next(p for p in page.items if p.sell_price is not None)
    assert isinstance(hit.sell_price.min, Decimal)

    detail = client.get_product(hit.pid)
    assert detail.pid == hit.pid and detail.variants
    v = detail.variants[0]
    assert v.vid and v.price is not None
    if detail.option_names:
        assert set(v.options) <= set(detail.option_names)

    inv = client.inventory_by_pid(hit.pid)
    assert inv.by_country or inv.by_variant
    client.stock_by_vid(v.vid)
    assert client.get_variant(v.vid).vid == v.vid
    assert [x.vid for x in client.get_variants(hit.pid)] == [x.vid for x in detail.variants]
    reviews = client.product_reviews(hit.pid, size=5)
    assert reviews.total >= len(reviews.items)


def test_search_filters(client: CJClient) -> None:
    page = client.search_products(
        min_price=Decimal("1"), max_price=Decimal("30"), order_by=2, sort="asc", size=10
    )
    for item in page.items:
        assert item.sell_price is not None


def test_unknown_product(client: CJClient) -> None:
    with pytest.raises(CJProductNotFound):
        client.get_product("00000000-0000-0000-0000-000000000000")


def _first_stocked_variant(client: CJClient) -> tuple[str, str]:
    for item in client.search_products(country_code="CN", size=20).items:
        detail = client.get_product(item.pid)
        for v in detail.variants:
            if v.stock_total > 0 or not v.inventories:
                return item.pid, v.vid
    pytest.skip("no stocked variant in the sandbox catalogue")


def test_order_lifecycle(client: CJClient) -> None:
    _pid, vid = _first_stocked_variant(client)
    options = client.freight_quote("CN", "FR", [(vid, 1)], zip="75011")
    assert options and all(o.price >= 0 for o in options)
    number = f"KAMRI-T-{uuid.uuid4().hex[:10]}"
    request = OrderRequest(
        order_number=number,
        shipping_country_code="FR",
        shipping_country="France",
        shipping_province="Île-de-France",
        shipping_city="Paris",
        shipping_customer_name="Awa Diallo",
        shipping_address="12 rue des Lilas",
        shipping_zip="75011",
        shipping_phone="+33600000000",
        logistic_name=options[0].logistic_name,
        from_country_code="CN",
        products=[OrderRequestLine(quantity=1, vid=vid, store_line_item_id="L1")],
        pay_type=3,
        is_sandbox=True,
    )
    created = client.create_order(request)
    assert created.order_id and created.order_number == number
    with pytest.raises(CJDuplicateOrder):
        client.create_order(request)

    by_number = client.get_order(number)
    assert by_number.order_id == created.order_id
    assert by_number.status == "CREATED"
    client.confirm_order(created.order_id)
    assert client.get_order(created.order_id).status == "UNPAID"
    client.pay_balance(created.order_id)
    assert client.get_order(created.order_id).status == "UNSHIPPED"

    listed = client.list_orders(status="UNSHIPPED", size=50)
    assert any(o.order_id == created.order_id for o in listed.items)

    second = client.create_order(
        OrderRequest(**{**request.__dict__, "order_number": number + "-B"})  # type: ignore[arg-type]
    )
    assert second.order_id
    client.delete_order(second.order_id)


def test_webhook_validation(client: CJClient) -> None:
    with pytest.raises(CJWebhookConfigError) as exc:
        client.set_webhooks("http://127.0.0.1/hook", {"order"})
    assert exc.value.code in (1607001, 1607002)


def test_reads_survive_30_percent_5xx(server: Any, store: MemoryTokenStore) -> None:
    recorder = ListRecorder()
    client = CJClient(
        server.base_url,
        KEY,
        token_store=store,
        limiter=LocalRateLimiter(5.0),
        recorder=recorder,
        retry=RetryPolicy(max_attempts=8, base_delay=0.05, max_delay=0.2),  # short waits, same bounds
    )
    client.get_settings()  # token first, outside the faults
    assert control(
        server, "faults", {"seed": 7, "error_rate": 0.3, "paths": ["setting/get", "product/query"]}
    ).is_success
    try:
        pid = client.search_products(size=1).items[0].pid
        for _ in range(8):
            client.get_settings()
            client.get_product(pid, with_inventory=False)
    finally:
        control(server, "faults", {})
    failed = [r for r in recorder.calls if not r.ok]
    assert any(r.http_status is not None and r.http_status >= 500 for r in failed), "faults were injected"
    assert all(r.attempt <= 8 for r in recorder.calls)
    reads = (
        "setting/get",
        "product/listV2",
        "product/query",
    )  # a token refresh under load may add auth calls
    assert sum(1 for r in recorder.calls if r.ok and r.endpoint in reads) == 1 + 1 + 16  # each call once


def test_free_tier_without_client_limiter_recovers_from_1600200(server: Any) -> None:
    rec = ListRecorder()
    free = CJClient(
        server.base_url,
        FREE_KEY,
        token_store=MemoryTokenStore(),
        limiter=NullRateLimiter(),
        recorder=rec,
        retry=RetryPolicy.background(),
    )
    for _ in range(4):
        free.get_balance()
    throttled = [r for r in rec.calls if r.cj_code == 1600200]
    assert throttled, "the sandbox enforces the free tier's 1 req/s"
    assert all(not r.ok for r in throttled)


def test_errors_keep_request_id(client: CJClient) -> None:
    try:
        client.get_order("no-such-order")
    except CJError as exc:
        assert exc.code is not None
    else:  # pragma: no cover
        pytest.fail("expected an error")
