"""Fixtures: in-process sandboxes on free ports, a small CJ client, a local webhook receiver."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from cjsandbox import SandboxConfig, SandboxServer

FREE_KEY = "CJ1000001@api@0123456789abcdef0123456789abcdef"
FAST_KEY = "CJ1000002@api@fedcba9876543210fedcba9876543210"


class CJ:
    """Minimal CJ client for the tests: token header, JSON in/out, raw responses available."""

    def __init__(self, server: SandboxServer, api_key: str | None = None) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.base_url, timeout=10)
        self.token: str | None = None
        self.login_data: dict | None = None
        if api_key:
            resp = self.post("authentication/getAccessToken", {"apiKey": api_key})
            assert resp["code"] == 200, resp
            self.login_data = resp["data"]
            self.token = resp["data"]["accessToken"]

    def _headers(self) -> dict:
        return {"CJ-Access-Token": self.token} if self.token else {}

    def raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self._headers(), **kw.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kw)

    def get(self, path: str, params: Any = None) -> dict:
        return self.raw("GET", path, params=params).json()

    def post(self, path: str, body: Any = None) -> dict:
        return self.raw("POST", path, json=body).json()

    def patch(self, path: str, body: Any = None) -> dict:
        return self.raw("PATCH", path, json=body).json()

    def delete(self, path: str, params: Any = None) -> dict:
        return self.raw("DELETE", path, params=params).json()

    def close(self) -> None:
        self.http.close()


class Control:
    def __init__(self, server: SandboxServer) -> None:
        self.http = httpx.Client(base_url=server.root_url + "/_sandbox/", timeout=10)

    def get(self, path: str, params: Any = None) -> dict:
        return self.http.get(path, params=params).json()

    def post(self, path: str, body: Any = None) -> dict:
        resp = self.http.post(path, json=body or {})
        return {"_status": resp.status_code, **resp.json()}


def names(text: str) -> set[str]:
    """A set of field names from a whitespace-separated list (as copied from CJ-API.md)."""
    return set(text.split())


def make_server(**overrides: Any) -> SandboxServer:
    config = dict(
        seed=42,
        products=600,
        port=0,
        accounts=[(FREE_KEY, "free"), (FAST_KEY, "advanced")],
        allow_local_callbacks=True,
        auth_interval_s=0,
        webhook_retry_delay_s=0.2,
        tier_qps={"free": 1, "plus": 2, "prime": 4, "advanced": 10_000},
    )
    config.update(overrides)
    return SandboxServer(SandboxConfig(**config)).start()


@pytest.fixture(scope="module")
def server():
    srv = make_server()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def cj(server):
    client = CJ(server, FAST_KEY)
    yield client
    client.close()


@pytest.fixture(scope="module")
def control(server):
    return Control(server)


class Receiver:
    """A tiny local HTTP server collecting webhook deliveries (status code configurable)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.probes: list[bytes] = []  # webhook/set's URL checks (no messageId, unsigned)
        self.status = 200
        self.probe_status = 200
        self.event = threading.Event()
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if b"messageId" not in body:
                    outer.probes.append(body)
                    self.send_response(outer.probe_status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                outer.received.append(
                    {
                        "body": body,
                        "sign": self.headers.get("sign"),
                        "ctype": self.headers.get("Content-Type"),
                    }
                )
                outer.event.set()
                payload = json.dumps({"code": 200, "result": "success", "message": "ok"}).encode()
                self.send_response(outer.status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/cj/webhook"
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def messages(self, type_: str | None = None) -> list[dict]:
        out = [json.loads(r["body"]) for r in self.received]
        return [m for m in out if type_ is None or m["type"] == type_]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


ADDRESS = {
    "shippingCountryCode": "US",
    "shippingCountry": "United States",
    "shippingProvince": "California",
    "shippingCity": "Los Angeles",
    "shippingCustomerName": "Jane Doe",
    "shippingAddress": "1 Main Street",
    "shippingZip": "90001",
    "shippingPhone": "5550100",
}


def pick_variant(server: SandboxServer, country: str = "CN") -> Any:
    """An on-sale variant with stock in ``country``."""
    for p in server.state.catalog.products:
        if p.status == "3" and not p.removed and country in p.countries:
            for v in p.variants:
                if v.total_in(country) > 5:
                    return v
    raise AssertionError("no variant found")


def order_body(server: SandboxServer, number: str, **extra: Any) -> dict:
    v = pick_variant(server)
    body = {
        "orderNumber": number,
        **ADDRESS,
        "logisticName": "CJPacket Ordinary",
        "fromCountryCode": "CN",
        "payType": 3,
        "products": [{"vid": v.vid, "quantity": 2, "storeLineItemId": f"{number}-1"}],
    }
    body.update(extra)
    return body
