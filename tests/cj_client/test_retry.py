"""Bounded retries with backoff: only CJUnavailable / CJRateLimited, never createOrderV2, every attempt logged."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from kamri.cj.client import (
    CJClient,
    CJQuotaExhausted,
    CJRateLimited,
    CJUnavailable,
    ListRecorder,
    OrderRequest,
    OrderRequestLine,
    RetryPolicy,
)
from kamri.cj.client.errors import CJInvalidRequest

from .conftest import FakeCJ, FakeClock, SeenRequest, envelope, json_response

READS = ["setting/get", "shopping/pay/getBalance", "product/query", "product/stock/queryByVid"]


class CountingLimiter:
    def __init__(self) -> None:
        self.acquired = 0
        self.penalties: list[float] = []

    def acquire(self, account_key: str, timeout: float | None = None) -> None:
        assert account_key == "acct-1"
        self.acquired += 1

    def penalize(self, account_key: str, seconds: float) -> None:
        self.penalties.append(seconds)


def install_reads(cj: FakeCJ) -> None:
    cj.on("GET", "setting/get", {"openId": 1})
    cj.on("GET", "shopping/pay/getBalance", {"amount": 10})
    cj.on("GET", "product/query", {"pid": "P1", "productNameEn": "x"})
    cj.on("GET", "product/stock/queryByVid", [])


def test_30_percent_5xx_reads_succeed_and_every_attempt_is_recorded(
    make_client: Callable[..., CJClient], cj: FakeCJ, recorder: ListRecorder
) -> None:
    install_reads(cj)
    rng = random.Random(2026)
    injected = 0

    def flaky(req: SeenRequest) -> httpx.Response | None:
        nonlocal injected
        if req.path.startswith("authentication/"):
            return None
        if rng.random() < 0.30:
            injected += 1
            return httpx.Response(rng.choice([500, 502, 503]), content=b"upstream error")
        return None

    cj.inject = flaky
    limiter = CountingLimiter()
    # P(call fails) = 0.3^max_attempts: 0.8 % with 4 attempts (≈ 1.6 failures per 200 calls), 6.6e-5 with 8.
    client = make_client(limiter=limiter, retry=RetryPolicy.background())
    for i in range(200):
        match READS[i % 4]:
            case "setting/get":
                client.get_settings()
            case "shopping/pay/getBalance":
                client.get_balance()
            case "product/query":
                client.get_product("P1")
            case _:
                client.stock_by_vid("V1")
    assert injected > 30  # faults really happened
    http_attempts = len(cj.requests)
    assert len(recorder.calls) == http_attempts  # one record per attempt, failed ones included
    assert limiter.acquired == http_attempts  # every attempt went through the limiter
    failed = [c for c in recorder.calls if not c.ok]
    assert len(failed) == injected
    assert all(
        c.http_status in (500, 502, 503) and (c.error or "").startswith("CJ est momentanément indisponible")
        for c in failed
    )
    assert max(c.attempt for c in recorder.calls) <= 8
    assert sum(1 for c in recorder.calls if c.ok and c.endpoint != "authentication/getAccessToken") == 200


def test_attempts_are_bounded_and_backoff_is_capped(
    make_client: Callable[..., CJClient], cj: FakeCJ, recorder: ListRecorder, clock: FakeClock
) -> None:
    cj.on("GET", "setting/get", lambda _r: httpx.Response(503, content=b"down"))
    policy = RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=2.0)
    client = make_client(retry=policy)
    with pytest.raises(CJUnavailable) as exc:
        client.get_settings()
    assert exc.value.http_status == 503
    attempts = [c for c in recorder.calls if c.endpoint == "setting/get"]
    assert [c.attempt for c in attempts] == [1, 2, 3, 4, 5]
    assert len(clock.sleeps) == 4
    caps = [0.5, 1.0, 2.0, 2.0]
    assert all(0 <= s <= cap for s, cap in zip(clock.sleeps, caps, strict=True))


def test_backoff_without_jitter_is_exponential() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0, jitter=False)
    rng = random.Random(0)
    assert [policy.delay(n, rng) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_network_errors_and_timeouts_retried(
    make_client: Callable[..., CJClient], cj: FakeCJ, recorder: ListRecorder
) -> None:
    cj.on("GET", "setting/get", {"openId": 1})
    seq = iter([httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), None])

    def boom(req: SeenRequest) -> httpx.Response | None:
        if req.path != "setting/get":
            return None
        exc = next(seq)
        if exc is not None:
            raise exc
        return None

    cj.inject = boom
    client = make_client()
    assert client.get_settings().open_id == "1"
    calls = [c for c in recorder.calls if c.endpoint == "setting/get"]
    assert [c.ok for c in calls] == [False, False, True]
    assert calls[0].http_status is None and "network" in (calls[0].error or "")
    assert "timeout" in (calls[1].error or "")


ORDER = OrderRequest(
    order_number="KAMRI-1",
    shipping_country_code="FR",
    shipping_country="France",
    shipping_province="IDF",
    shipping_city="Paris",
    shipping_customer_name="A B",
    shipping_address="1 rue X",
    logistic_name="CJPacket Ordinary",
    from_country_code="CN",
    products=[OrderRequestLine(quantity=1, vid="V1")],
)


def test_create_order_is_never_retried_when_the_outcome_is_unknown(
    make_client: Callable[..., CJClient], cj: FakeCJ, recorder: ListRecorder
) -> None:
    client = make_client()
    for failure in (
        lambda _r: httpx.Response(500, content=b"err"),
        lambda _r: httpx.Response(503, content=b"err"),
        lambda _r: json_response(envelope(None, 1600000, "System busy")),
        lambda _r: httpx.Response(200, content=b'{"code":200,"result":true,"data":{"orderId"'),
    ):
        cj.on("POST", "shopping/order/createOrderV2", failure)
        before = len(cj.calls("shopping/order/createOrderV2"))
        with pytest.raises(CJUnavailable) as exc:
            client.create_order(ORDER)
        assert exc.value.retryable  # the caller decides: look the order up by orderNumber first
        assert len(cj.calls("shopping/order/createOrderV2")) == before + 1

    def timeout(req: SeenRequest) -> httpx.Response | None:
        if req.path == "shopping/order/createOrderV2":
            raise httpx.ReadTimeout("timed out")
        return None

    cj.inject = timeout
    with pytest.raises(CJUnavailable):
        client.create_order(ORDER)
    assert len(cj.calls("shopping/order/createOrderV2")) == 5
    assert [c.attempt for c in recorder.calls if c.endpoint == "shopping/order/createOrderV2"] == [1] * 5


def test_create_order_refused_by_the_qps_gate_is_retried(
    make_client: Callable[..., CJClient], cj: FakeCJ, recorder: ListRecorder
) -> None:
    # 1600200 means CJ refused the request before doing anything: nothing was created, retrying is safe.
    answers = iter([json_response(envelope(None, 1600200, "Too Many Requests, QPS limit is 6 time/1second"))])
    cj.on(
        "POST",
        "shopping/order/createOrderV2",
        lambda _r: next(answers, None) or {"orderId": "210711100018043276", "orderNumber": "KAMRI-1"},
    )
    created = make_client().create_order(ORDER)
    assert created.order_id == "210711100018043276"
    attempts = [c for c in recorder.calls if c.endpoint == "shopping/order/createOrderV2"]
    assert [(c.attempt, c.ok, c.cj_code) for c in attempts] == [(1, False, 1600200), (2, True, 200)]

    cj.on(
        "POST",
        "shopping/order/createOrderV2",
        lambda _r: json_response(envelope(None, 1600200, "Too Many Requests"), 429),
    )
    with pytest.raises(CJRateLimited):
        make_client(retry=RetryPolicy(max_attempts=3)).create_order(ORDER)
    assert len(cj.calls("shopping/order/createOrderV2")) == 2 + 3  # bounded


def test_auth_calls_are_single_attempt(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    cj.login_response = lambda: httpx.Response(502, content=b"bad gateway")
    with pytest.raises(CJUnavailable):
        make_client().get_settings()
    assert cj.logins == 1


def test_quota_exhausted_raised_at_once(
    make_client: Callable[..., CJClient], cj: FakeCJ, clock: FakeClock
) -> None:
    cj.on(
        "GET", "product/listV2", lambda _r: json_response(envelope(None, 16900500, "Insufficient API points"))
    )
    client = make_client()
    with pytest.raises(CJQuotaExhausted) as exc:
        client.search_products("x")
    assert len(cj.calls("product/listV2")) == 1
    assert clock.sleeps == []
    assert 0 < exc.value.retry_after_s <= 24 * 3600 + 300


def test_rate_limited_backs_off_penalizes_and_recovers(
    make_client: Callable[..., CJClient], cj: FakeCJ, clock: FakeClock
) -> None:
    answers = iter(
        [json_response(envelope(None, 1600200, "Too Many Requests, QPS limit is 1 time/1second"), 429)]
    )

    def balance(_r: httpx.Request) -> httpx.Response | dict[str, int]:
        return next(answers, None) or {"amount": 5}

    cj.on("GET", "shopping/pay/getBalance", balance)
    limiter = CountingLimiter()
    client = make_client(limiter=limiter)
    assert client.get_balance().amount == 5
    assert len(cj.calls("shopping/pay/getBalance")) == 2
    assert limiter.penalties and limiter.penalties[0] >= 1.0
    assert clock.sleeps and clock.sleeps[0] >= 1.0


def test_non_retryable_errors_are_not_retried(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    cj.on("GET", "product/listV2", lambda _r: json_response(envelope(None, 1600300, "Param error")))
    client = make_client()
    with pytest.raises(CJInvalidRequest):
        client.search_products("x")
    assert len(cj.calls("product/listV2")) == 1


def test_recorder_failure_never_breaks_a_call(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    class Broken:
        def record(self, call: object) -> None:
            raise RuntimeError("db down")

    cj.on("GET", "setting/get", {"openId": 1})
    assert make_client(recorder=Broken()).get_settings().open_id == "1"


def test_limiter_timeout_becomes_rate_limited(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    class Slow:
        def acquire(self, account_key: str, timeout: float | None = None) -> None:
            raise TimeoutError("busy")

        def penalize(self, account_key: str, seconds: float) -> None:
            return None

    client = make_client(limiter=Slow(), retry=RetryPolicy(max_attempts=1))
    with pytest.raises(CJRateLimited):
        client.get_settings()
    assert cj.requests == []
