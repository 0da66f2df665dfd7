"""The points ledger as CJ runs it: on by default, pointsInfo on every answer, the 00:00 UTC reset on the
ledger's clock (moved by the control API), the bonus, and both documented forms of exhaustion."""

from __future__ import annotations

import httpx

from .conftest import CJ, FAST_KEY, make_server


def _control(srv, path: str, body: dict | None = None) -> dict:
    url = f"{srv.root_url}/_sandbox/{path}"
    resp = httpx.post(url, json=body) if body is not None else httpx.get(url)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_ledger_is_on_by_default_with_cj_costs():
    srv = make_server(products=30)
    try:
        client = CJ(srv, FAST_KEY)
        pid = srv.state.catalog.products[0].pid
        assert client.get("product/query", {"pid": pid})["pointsInfo"] == {
            "usedToday": 10,
            "remaining": 49_990,
            "total": 50_000,
        }
        assert client.get("product/stock/getInventoryByPid", {"pid": pid})["pointsInfo"]["usedToday"] == 20
        assert client.get("shopping/order/list")["pointsInfo"]["usedToday"] == 20  # orders cost 0
    finally:
        srv.stop()


def test_clock_resets_the_day_at_midnight_utc_and_bonus_adds_to_total():
    srv = make_server(products=30)
    try:
        client = CJ(srv, FAST_KEY)
        _control(srv, "points/clock", {"now": "2026-12-01T23:59:00Z"})
        _control(srv, "points", {"apiKey": FAST_KEY, "usedToday": 49_995, "bonus": 0})
        refused = client.raw("GET", "product/listV2").json()
        assert refused["code"] == 16900500 and refused["pointsInfo"]["remaining"] == 5
        _control(srv, "points/clock", {"advanceSeconds": 120})  # 00:01 UTC: a new day
        assert client.get("product/listV2")["pointsInfo"] == {
            "usedToday": 50,
            "remaining": 49_950,
            "total": 50_000,
        }
        state = _control(srv, "points", {"apiKey": FAST_KEY, "bonus": 1_200})
        assert state["accounts"][FAST_KEY]["total"] == 51_200 and state["now"].startswith("2026-12-02T00:01")
    finally:
        srv.stop()


def test_documented_exhaustion_is_http_429_with_body_code_429():
    srv = make_server(products=30, points_per_day=10, points_http_status=429)
    try:
        client = CJ(srv, FAST_KEY)
        pid = srv.state.catalog.products[0].pid
        client.get("product/query", {"pid": pid})
        refused = client.raw("GET", "product/query", params={"pid": pid})
        body = refused.json()
        assert refused.status_code == 429 and body["code"] == 429 and body["result"] is False
        assert body["message"] == "Insufficient API points. Used today: 10, Remaining: 0, Required: 10"
        assert body["pointsInfo"] == {"usedToday": 10, "remaining": 0, "total": 10}
    finally:
        srv.stop()


def test_clock_refuses_bad_input():
    srv = make_server(products=30)
    try:
        for body in ({}, {"now": "yesterday"}, {"advanceSeconds": -5}, {"now": True}):
            resp = httpx.post(f"{srv.root_url}/_sandbox/points/clock", json=body)
            assert resp.status_code == 400 and resp.json()["ok"] is False
    finally:
        srv.stop()
