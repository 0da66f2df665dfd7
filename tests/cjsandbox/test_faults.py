"""Seeded fault injection: reproducible sequences, each fault kind, ghost creates, storms, targeting."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import order_body


def outcome(cj, path: str = "setting/get") -> str:
    try:
        resp = cj.http.get(path, headers={"CJ-Access-Token": cj.token}, timeout=1.0)
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError):
        return "dropped"
    if resp.status_code >= 500:
        return f"http{resp.status_code}"
    try:
        return f"code{resp.json()['code']}"
    except ValueError:
        return "malformed"


def run_sequence(cj, control, seed: int, n: int = 40) -> list[str]:
    spec = {
        "seed": seed,
        "error_rate": 0.2,
        "timeout_rate": 0.1,
        "timeout_s": 0.05,
        "malformed_rate": 0.15,
        "paths": ["setting/get"],
    }
    assert control.post("faults", spec)["ok"]
    return [outcome(cj) for _ in range(n)]


@pytest.fixture(autouse=True)
def no_faults(control):
    yield
    control.post("faults", {})


def test_same_seed_same_faults(cj, control):
    a = run_sequence(cj, control, seed=7)
    b = run_sequence(cj, control, seed=7)
    c = run_sequence(cj, control, seed=8)
    assert a == b
    assert a != c
    kinds = set(a)
    assert {"code200", "dropped", "malformed"} <= kinds
    assert any(k.startswith("http5") for k in kinds)
    log = control.get("faults")["log"]
    assert [e["n"] for e in log] == list(range(1, 41))
    assert sum(e["fault"] is None for e in log) == c.count("code200")  # the log is of the last run


def test_faults_only_hit_targeted_paths(cj, control, server):
    control.post("faults", {"seed": 1, "error_rate": 1.0, "paths": ["product/listV2"]})
    assert outcome(cj, "product/listV2") == "http500" or outcome(cj, "product/listV2").startswith("http5")
    assert outcome(cj, "setting/get") == "code200"
    # the 500 flavour is a CJ envelope with code 1600000
    control.post("faults", {"seed": 3, "error_rate": 1.0, "paths": ["setting/get"]})
    bodies = [cj.raw("GET", "setting/get") for _ in range(12)]
    json_500 = [r for r in bodies if r.status_code == 500]
    assert json_500 and json_500[0].json()["code"] == 1600000
    assert any(r.status_code in (502, 503) and "text/html" in r.headers["content-type"] for r in bodies)


def test_latency_and_storm(cj, control):
    control.post("faults", {"latency_ms": 150, "paths": ["setting/get"]})
    started = time.perf_counter()
    assert outcome(cj) == "code200"
    assert time.perf_counter() - started >= 0.15
    control.post("faults", {"rate_limit_storm_s": 0.4})
    assert outcome(cj) == "code1600200"
    assert outcome(cj, "product/getCategory") == "code1600200"
    time.sleep(0.45)
    assert outcome(cj) == "code200"


def test_ghost_create_creates_but_drops_the_answer(cj, control, server):
    control.post("faults", {"seed": 5, "ghost_create_rate": 1.0, "timeout_s": 0.05})
    body = order_body(server, "ghost-1")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError, httpx.TimeoutException)):
        cj.http.post(
            "shopping/order/createOrderV2", json=body, headers={"CJ-Access-Token": cj.token}, timeout=2.0
        )
    control.post("faults", {})
    found = cj.get("shopping/order/getOrderDetail", {"orderId": "ghost-1"})
    assert found["code"] == 200 and found["data"]["orderStatus"] == "CREATED"
    assert cj.post("shopping/order/createOrderV2", body)["code"] == 1603003
    # ghost only applies to order creation
    control.post("faults", {"seed": 5, "ghost_create_rate": 1.0})
    assert outcome(cj) == "code200"


def test_fault_spec_validation(control):
    assert control.post("faults", {"error_rate": 2})["_status"] == 400
    assert control.post("faults", {"error_rate": 0.6, "timeout_rate": 0.6})["_status"] == 400
    assert control.post("faults", {"bogus": 1})["_status"] == 400
    off = control.post("faults", {})
    assert off["faults"]["active"] is False
