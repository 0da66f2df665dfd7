"""Token lifecycle: reuse, refresh first, getAccessToken at most once per 300 s, one re-auth on 1600001."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from kamri.cj.client import (
    AccessTokens,
    CJAuthError,
    CJAuthThrottled,
    CJClient,
    CJUnavailable,
    MemoryTokenStore,
    StoredTokens,
)

from .conftest import FakeCJ, FakeClock, envelope, json_response


@pytest.fixture(autouse=True)
def _routes(cj: FakeCJ) -> None:
    cj.on(
        "GET",
        "setting/get",
        {"openId": 1424608189734850560, "openName": "Shop", "setting": {"qpsLimit": 1}, "isSandbox": True},
    )
    cj.on("GET", "shopping/pay/getBalance", {"amount": "12.50"})


def test_five_connection_tests_in_a_minute_cause_one_get_access_token(
    client: CJClient, cj: FakeCJ, clock: FakeClock
) -> None:
    for _ in range(5):
        check = client.test_connection()
        clock.advance(12)
    assert cj.logins == 1
    assert check.open_id == "1424608189734850560"
    assert check.settings.qps_limit == 1
    assert check.balance is not None and str(check.balance.amount) == "12.50"
    assert check.access_token_expires_at > clock()


def test_expiry_comes_from_cj_response(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore, clock: FakeClock
) -> None:
    cj.access_ttl = timedelta(days=3)
    client.get_settings()
    st = store.load()
    assert st is not None and st.tokens is not None
    assert st.tokens.access_token_expires_at == (clock() + timedelta(days=3)).replace(microsecond=0)
    assert st.tokens.refresh_token_expires_at == (clock() + timedelta(days=180)).replace(microsecond=0)
    assert st.last_auth_request_at == clock()


def test_auth_request_time_is_persisted_before_sending(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore, clock: FakeClock
) -> None:
    seen: list[datetime | None] = []

    def login() -> httpx.Response:
        st = store.load()
        seen.append(st.last_auth_request_at if st else None)
        return httpx.Response(503, content=b"down")

    cj.login_response = login
    with pytest.raises(CJUnavailable):
        client.get_settings()
    assert seen == [clock()]
    assert cj.logins == 1  # getAccessToken is never retried (CJ counts the attempt)
    clock.advance(30)
    with pytest.raises(CJAuthThrottled) as exc:
        client.get_settings()
    assert cj.logins == 1
    assert exc.value.retry_after_s == pytest.approx(270)
    assert "4 min 30 s" in exc.value.user_message
    clock.advance(271)
    cj.login_response = None
    client.get_settings()
    assert cj.logins == 2


def test_refresh_is_preferred_near_expiry(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore, clock: FakeClock
) -> None:
    client.get_settings()
    first = store.load().tokens  # type: ignore[union-attr]
    clock.advance(timedelta(days=14, hours=1).total_seconds())  # 23 h left < 1 day margin
    client.get_settings()
    assert cj.logins == 1 and cj.refreshes == 1
    second = store.load().tokens  # type: ignore[union-attr]
    assert second is not None and first is not None
    assert second.access_token != first.access_token
    assert second.open_id == first.open_id  # refresh answers carry no openId
    used = cj.calls("setting/get")[-1].headers["cj-access-token"]
    assert used == second.access_token
    client.get_settings()
    assert cj.refreshes == 1  # new token reused


def test_invalid_refresh_token_falls_back_to_login_or_throttles(
    make_client: Callable[..., CJClient], cj: FakeCJ, clock: FakeClock
) -> None:
    now = clock()
    stale = AccessTokens(
        open_id="1",
        access_token="old-access-token-value",
        access_token_expires_at=now - timedelta(seconds=1),
        refresh_token="revoked-refresh-token",
        refresh_token_expires_at=now + timedelta(days=100),
        created_at=now - timedelta(days=15),
    )
    recent = MemoryTokenStore(StoredTokens(tokens=stale, last_auth_request_at=now - timedelta(seconds=100)))
    with pytest.raises(CJAuthThrottled) as exc:
        make_client(token_store=recent).get_settings()
    assert cj.refreshes == 1 and cj.logins == 0
    assert exc.value.retry_after_s == pytest.approx(200)

    old = MemoryTokenStore(StoredTokens(tokens=stale, last_auth_request_at=now - timedelta(seconds=301)))
    make_client(token_store=old).get_settings()
    assert cj.refreshes == 2 and cj.logins == 1


def test_1600001_for_a_stored_token_reauths_once(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore
) -> None:
    client.get_settings()
    cj.valid_access.clear()  # CJ revoked the access token (refresh token still valid)
    client.get_settings()
    assert cj.refreshes == 1 and cj.logins == 1
    assert len(cj.calls("setting/get")) == 3  # ok, 1600001, retry ok


def test_1600001_reauth_is_bounded(client: CJClient, cj: FakeCJ, clock: FakeClock) -> None:
    client.get_settings()
    cj.on(
        "GET",
        "setting/get",
        lambda _r: json_response(envelope(None, 1600001, "Invalid API key or access token")),
    )
    with pytest.raises(CJAuthError) as exc:
        client.get_settings()
    assert exc.value.code == 1600001
    assert exc.value.user_message == "Clé API CJ invalide"
    assert len(cj.calls("setting/get")) == 3  # first ok call, then one refused + exactly one retry
    assert cj.refreshes == 1 and cj.logins == 1


def test_cj_side_throttle_on_get_access_token(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    cj.login_response = lambda: json_response(
        {"code": 1600200, "result": False, "message": "Too much request, QPS limit is 1 time/300 seconds"},
        429,
    )
    with pytest.raises(CJAuthThrottled) as exc:
        make_client().test_connection()
    assert exc.value.retry_after_s == 300
    assert cj.logins == 1


def test_bad_api_key(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    client = make_client(api_key="CJ1@api@wrongwrongwrongwrongwrongwrong")
    with pytest.raises(CJAuthError) as exc:
        client.test_connection()
    assert exc.value.code == 1600005
    assert exc.value.user_message == "Clé API CJ incorrecte : vérifiez-la et réessayez"
    assert cj.calls("setting/get") == []


def test_short_lived_tokens_are_reused(
    make_client: Callable[..., CJClient], cj: FakeCJ, clock: FakeClock
) -> None:
    cj.access_ttl = timedelta(seconds=60)
    client = make_client()
    for _ in range(4):
        client.get_settings()
        clock.advance(10)
    assert cj.logins == 1 and cj.refreshes == 0
    clock.advance(10)  # 10 s left < 20 % of 60 s
    client.get_settings()
    assert cj.refreshes == 1


def test_transient_refresh_failure_keeps_the_still_valid_token(
    client: CJClient, cj: FakeCJ, clock: FakeClock
) -> None:
    client.get_settings()
    clock.advance(timedelta(days=14, hours=12).total_seconds())
    original = cj.inject
    cj.inject = lambda r: httpx.Response(502, content=b"x") if r.path.endswith("refreshAccessToken") else None
    client.get_settings()  # refresh failed, but the old token still had 12 h
    assert cj.refreshes == 0 and cj.logins == 1
    cj.inject = original


def test_concurrent_first_calls_log_in_once(make_client: Callable[..., CJClient], cj: FakeCJ) -> None:
    client = make_client()
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        try:
            barrier.wait()
            client.get_settings()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cj.logins == 1


def test_logout_clears_tokens_but_not_the_auth_clock(
    client: CJClient, cj: FakeCJ, store: MemoryTokenStore
) -> None:
    cj.on("POST", "authentication/logout", True)
    client.get_settings()
    client.logout()
    st = store.load()
    assert st is not None and st.tokens is None and st.last_auth_request_at is not None
    assert len(cj.calls("authentication/logout")) == 1
    with pytest.raises(CJAuthThrottled):
        client.get_settings()


def test_naive_clock_never_used() -> None:
    assert CJClient("https://x/api2.0/v1", "k" * 10)._clock().tzinfo is UTC
