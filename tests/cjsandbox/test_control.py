"""Control API, reset, state file, the CLI and the programmatic API."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx

from cjsandbox import SandboxConfig, SandboxServer, demo_api_key
from cjsandbox.__main__ import parse_args
from cjsandbox.catalog import Catalog

from .conftest import CJ, FAST_KEY, FREE_KEY, Control, make_server, order_body, pick_variant


def test_index_accounts_tier_and_balance(cj, control):
    index = control.get("")
    assert index["ok"] and index["baseUrl"].endswith("/api2.0/v1/") and index["endpoints"]
    accounts = {a["apiKey"]: a for a in control.get("accounts")["accounts"]}
    assert set(accounts) == {FREE_KEY, FAST_KEY}
    assert {"apiKey", "tier", "openId", "balance"} <= set(accounts[FREE_KEY])
    r = control.post("tier", {"apiKey": FAST_KEY, "tier": "prime"})
    assert r["account"]["tier"] == "prime" and r["account"]["qpsLimit"] == 4
    time.sleep(1.05)
    assert cj.get("setting/get")["data"]["setting"]["qpsLimit"] == 4
    control.post("tier", {"apiKey": FAST_KEY, "tier": "advanced"})
    assert control.post("tier", {"apiKey": FAST_KEY, "tier": "gold"})["_status"] == 400
    assert control.post("tier", {"apiKey": "nope", "tier": "free"})["_status"] == 404
    r = control.post(f"accounts/{FAST_KEY}/balance", {"amount": "12.34"})
    assert r["account"]["balance"] == 12.34
    assert cj.get("shopping/pay/getBalance")["data"]["amount"] == 12.34
    control.post(f"accounts/{FAST_KEY}/balance", {"amount": 5000})
    new_key = "CJ7777777@api@" + "ab" * 16
    assert control.post("accounts", {"apiKey": new_key, "tier": "plus", "balance": 10})["ok"]
    other = CJ(cj.server, new_key)
    assert other.get("setting/get")["data"]["setting"]["qpsLimit"] == 2


def test_products_listing_and_stats(cj, control, server):
    rows = control.get("products", {"country": "US", "limit": 5})["products"]
    assert len(rows) == 5 and all("US" in r["countries"] for r in rows)
    one = control.get(f"products/{rows[0]['pid']}")["product"]
    assert one["variants"] and "stock" in one["variants"][0]
    assert control.get("products/NOPE").get("ok") is False
    cj.get("product/getCategory")
    stats = control.get("stats")
    assert stats["endpoints"]["product/getCategory"]["calls"] >= 1
    assert stats["endpoints"]["product/getCategory"]["codes"]["200"] >= 1


def test_stock_and_price_controls(cj, control, server):
    v = pick_variant(server, "US")
    r = control.post(
        f"variants/{v.vid}/stock", {"countryCode": "US", "cjInventory": 3, "factoryInventory": 4}
    )
    assert r["stock"]["US"] == [3, 4]
    rows = cj.get("product/stock/queryByVid", {"vid": v.vid})["data"]
    assert next(x for x in rows if x["countryCode"] == "US")["totalInventoryNum"] == 7
    assert control.post(f"variants/{v.vid}/stock", {"countryCode": "XX"})["_status"] == 400
    assert control.post("variants/NOPE/stock", {"countryCode": "US"})["_status"] == 404
    assert control.post(f"variants/{v.vid}/price", {"price": "1.99"})["price"] == 1.99
    got = cj.get("product/variant/queryByVid", {"vid": v.vid})["data"]["variantSellPrice"]
    assert got == 1.99
    assert control.post(f"variants/{v.vid}/price", {"price": "abc"})["_status"] == 400
    assert control.post(f"variants/{v.vid}/price", {"price": -1})["_status"] == 400


def test_reset_restores_seeded_state(cj, control, server):
    v = pick_variant(server, "US")
    pristine = Catalog(server.config.seed, server.config.products).by_vid[v.vid]
    before = [list(r) for r in pristine.stock.values()]
    cj.post("shopping/order/createOrderV2", order_body(server, "reset-1"))
    control.post(f"variants/{v.vid}/stock", {"countryCode": "US", "cjInventory": 0, "factoryInventory": 0})
    assert control.post("reset", {"keep_tokens": True})["ok"]
    assert control.get("orders")["count"] == 0
    v2 = server.state.catalog.by_vid[v.vid]
    assert [list(r) for r in v2.stock.values()] == before
    assert cj.get("setting/get")["code"] == 200  # token kept
    assert control.post("reset")["ok"]
    assert cj.get("setting/get")["code"] == 1600001
    cj.token = CJ(server, FAST_KEY).token


def test_state_file_survives_restart(tmp_path):
    path = str(tmp_path / "sandbox.sqlite3")
    srv = make_server(products=80, state_file=path)
    try:
        client = CJ(srv, FAST_KEY)
        order_id = client.post("shopping/order/createOrderV2", order_body(srv, "persist-1"))["data"][
            "orderId"
        ]
        v = pick_variant(srv, "CN")
        Control(srv).post(
            f"variants/{v.vid}/stock", {"countryCode": "CN", "cjInventory": 1, "factoryInventory": 2}
        )
        token = client.token
    finally:
        srv.stop()
    srv2 = make_server(products=80, state_file=path)
    try:
        client = CJ(srv2)
        client.token = token
        detail = client.get("shopping/order/getOrderDetail", {"orderId": order_id})
        assert detail["code"] == 200 and detail["data"]["orderNum"] == "persist-1"
        assert srv2.state.catalog.by_vid[v.vid].stock["CN"] == [1, 2]
        nxt = client.post("shopping/order/createOrderV2", order_body(srv2, "persist-2"))["data"]["orderId"]
        assert int(nxt) > int(order_id)
    finally:
        srv2.stop()


def test_programmatic_api_and_demo_account():
    config = SandboxConfig(seed=9, products=50, port=0)
    server = SandboxServer(config)
    server.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api2\.0/v1/", server.base_url)
        assert server.base_url.startswith(server.root_url)
        assert list(server.state.accounts) == [demo_api_key(9)]
        resp = httpx.post(server.base_url + "authentication/getAccessToken", json={"apiKey": demo_api_key(9)})
        assert resp.json()["code"] == 200
        again = httpx.post(
            server.base_url + "authentication/getAccessToken", json={"apiKey": demo_api_key(9)}
        )
        assert again.status_code == 429  # default auth interval: 300 s
    finally:
        server.stop()


def test_cli_parsing():
    cfg = parse_args(
        [
            "--port",
            "0",
            "--seed",
            "3",
            "--account",
            f"{FREE_KEY}:plus",
            "--allow-local-callbacks",
            "--throttle-http-status",
            "429",
            "--points",
            "--order-clock",
            "5",
        ]
    )
    assert cfg.accounts == [(FREE_KEY, "plus")] and cfg.seed == 3 and cfg.allow_local_callbacks
    assert cfg.throttle_http_status == 429 and cfg.points and cfg.order_clock_s == 5


def test_cli_runs_and_prints_base_url():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cjsandbox", "--port", "0", "--products", "60", "--seed", "4"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        first = proc.stdout.readline()
        m = re.match(r"CJ sandbox on (http://127\.0\.0\.1:\d+/api2\.0/v1/)", first)
        assert m, first
        rest = proc.stdout.readline() + proc.stdout.readline()
        assert demo_api_key(4) in rest
        r = httpx.post(m.group(1) + "authentication/getAccessToken", json={"apiKey": demo_api_key(4)})
        assert r.json()["code"] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
