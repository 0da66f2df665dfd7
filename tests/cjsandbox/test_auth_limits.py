"""Authentication, token lifetimes, the auth throttle, per-tier QPS and the points ledger."""

from __future__ import annotations

import time

import pytest

from .conftest import CJ, FAST_KEY, FREE_KEY, make_server


@pytest.fixture(scope="module")
def strict():
    """Sandbox with the documented auth interval (300 s) and refresh limit (5/min)."""
    srv = make_server(products=100, auth_interval_s=300)
    yield srv
    srv.stop()


def test_five_rapid_logins_only_first_succeeds(strict):
    client = CJ(strict)
    results = [
        client.raw("POST", "authentication/getAccessToken", json={"apiKey": FREE_KEY}) for _ in range(5)
    ]
    first = results[0].json()
    assert results[0].status_code == 200 and first["code"] == 200 and first["result"] is True
    data = first["data"]
    assert set(data) == {
        "openId",
        "accessToken",
        "accessTokenExpiryDate",
        "refreshToken",
        "refreshTokenExpiryDate",
        "createDate",
    }
    assert isinstance(data["openId"], int)
    assert data["accessTokenExpiryDate"].endswith("+08:00")
    for resp in results[1:]:
        body = resp.json()
        assert resp.status_code == 429
        assert body["code"] == 1600200 and body["result"] is False
        assert body["message"] == "Too much request, QPS limit is 1 time/300 seconds"
        assert body["requestId"]


def test_login_tolerates_extra_email_and_rejects_bad_key(strict):
    client = CJ(strict)
    ok = client.post("authentication/getAccessToken", {"email": "me@example.com", "apiKey": FAST_KEY})
    assert ok["code"] == 200
    bad = client.post("authentication/getAccessToken", {"apiKey": "CJ1@api@" + "0" * 32})
    assert bad["code"] == 1600001 and bad["result"] is False
    missing = client.post("authentication/getAccessToken", {"email": "me@example.com"})
    assert missing["code"] == 16900403


def test_token_errors_method_json_and_unknown_path(server):
    client = CJ(server)
    r = client.get("setting/get")
    assert r["code"] == 1600002 and r["requestId"]
    client.token = "nope"
    assert client.get("setting/get")["code"] == 1600001
    authed = CJ(server, FAST_KEY)
    assert authed.post("setting/get", {})["code"] == 16900202
    assert authed.get("shopping/order/createOrderV2")["code"] == 16900202
    bad_json = authed.raw(
        "POST",
        "logistic/freightCalculate",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    ).json()
    assert bad_json["code"] == 16900205
    no_body = authed.raw("POST", "logistic/freightCalculate", headers={"Content-Type": "application/json"})
    assert no_body.json()["code"] == 16900204
    form = authed.raw("POST", "logistic/freightCalculate", data={"a": "b"}).json()
    assert form["code"] == 16900203
    unknown = authed.raw("GET", "product/nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == 1600101
    assert authed.get("product/comments", {"pid": "x"})["code"] == 1600100  # deprecated → offline


def test_refresh_rotates_tokens_and_is_limited(strict):
    client = CJ(strict)
    # log in through the state (the HTTP throttle was used by the first test)
    refresh = strict.state._issue(strict.state.accounts[FAST_KEY], time.time()).refresh
    codes = []
    for _ in range(6):
        r = client.post("authentication/refreshAccessToken", {"refreshToken": refresh})
        codes.append(r["code"])
        if r["code"] == 200:
            assert set(r["data"]) == {
                "accessToken",
                "accessTokenExpiryDate",
                "refreshToken",
                "refreshTokenExpiryDate",
                "createDate",
            }
            old, refresh = refresh, r["data"]["refreshToken"]
            assert refresh != old
            client.token = r["data"]["accessToken"]
    assert codes == [200] * 5 + [1600200]
    assert client.get("setting/get")["code"] == 200
    assert client.post("authentication/refreshAccessToken", {"refreshToken": "bogus"})["code"] == 1600003


def test_logout_revokes_both_tokens(server):
    client = CJ(server, FAST_KEY)
    refresh = client.login_data["refreshToken"]
    assert client.post("authentication/logout")["data"] is True
    assert client.get("setting/get")["code"] == 1600001
    assert client.post("authentication/refreshAccessToken", {"refreshToken": refresh})["code"] == 1600003


def test_access_token_expiry():
    srv = make_server(products=50, access_token_ttl_s=0.3)
    try:
        client = CJ(srv, FAST_KEY)
        assert client.get("setting/get")["code"] == 200
        time.sleep(0.4)
        assert client.get("setting/get")["code"] == 1600001
    finally:
        srv.stop()


def test_free_tier_twenty_calls_in_one_second(server):
    client = CJ(server, FREE_KEY)
    time.sleep(1.05)
    codes = [client.get("setting/get")["code"] for _ in range(20)]
    assert codes.count(1600200) >= 18
    assert codes[0] == 200
    time.sleep(1.05)
    assert client.get("setting/get")["code"] == 200


def test_sliding_window_allows_n_per_second_and_throttle_status_429():
    srv = make_server(products=50, throttle_http_status=429, tier_qps={"free": 1, "plus": 2, "advanced": 4})
    try:
        client = CJ(srv, FAST_KEY)  # advanced → 4/s here
        time.sleep(1.05)
        resps = [client.raw("GET", "setting/get") for _ in range(8)]
        ok = [r for r in resps if r.json()["code"] == 200]
        limited = [r for r in resps if r.json()["code"] == 1600200]
        assert len(ok) == 4 and len(limited) == 4
        assert all(r.status_code == 429 for r in limited)
        time.sleep(1.05)
        assert client.get("setting/get")["data"]["setting"]["qpsLimit"] == 4
    finally:
        srv.stop()


def test_points_ledger_and_exhaustion():
    srv = make_server(products=50, points=True, points_per_day=120)
    try:
        client = CJ(srv, FAST_KEY)
        r = client.get("product/listV2")
        assert r["code"] == 200 and r["pointsInfo"] == {"usedToday": 50, "remaining": 70, "total": 120}
        assert client.get("setting/get")["pointsInfo"]["usedToday"] == 50  # unlisted endpoints cost 0
        assert client.get("product/listV2")["pointsInfo"]["remaining"] == 20
        pid = srv.state.catalog.products[0].pid
        assert client.get("product/query", {"pid": pid})["pointsInfo"]["remaining"] == 10
        exhausted = client.raw("GET", "product/listV2")
        body = exhausted.json()
        assert exhausted.status_code == 200 and body["code"] == 16900500 and body["data"] is None
        assert body["message"].startswith(
            "Insufficient API points. Used today: 110, Remaining: 10, Required: 50"
        )
        assert body["pointsInfo"]["remaining"] == 10
    finally:
        srv.stop()
