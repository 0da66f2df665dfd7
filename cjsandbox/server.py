"""HTTP front: stdlib ThreadingHTTPServer, CJ gateway behaviour (auth, limits, faults, envelopes)."""

from __future__ import annotations

import html
import json
import logging
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import control, persistence
from .api import ROUTES, Request
from .config import SandboxConfig
from .errors import ApiError
from .images import flag_svg, product_svg
from .state import State

log = logging.getLogger("cjsandbox")
API_PREFIX = "/api2.0/v1/"
MUTATING = ("POST", "PATCH", "DELETE", "PUT")

_FAULT_BODIES = [
    (500, "application/json", None),  # CJ-style JSON 1600000
    (
        502,
        "text/html",
        b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
        b"<hr><center>nginx</center></body></html>",
    ),
    (
        503,
        "text/html",
        b"<html><head><title>503 Service Temporarily Unavailable</title></head><body><center>"
        b"<h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>",
    ),
]


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: SandboxServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cjsandbox/1.0"
    sys_version = ""
    server: _HTTPServer

    # ------------------------------------------------------------------ plumbing
    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.sandbox.config.verbose:
            sys.stderr.write(f"[cjsandbox] {self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json;charset=UTF-8", **hdrs
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in hdrs.items():
            self.send_header(k.replace("_", "-"), v)
        # one write for headers + body (avoids Nagle / delayed-ACK stalls of ~40 ms per response)
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def _drop(self) -> None:
        """Close the connection without answering (the client sees a reset / empty reply)."""
        self.close_connection = True

    def _dispatch(self, method: str) -> None:
        sandbox = self.server.sandbox
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        path = url.path
        try:
            if path.startswith(API_PREFIX):
                self._api(sandbox, method, path[len(API_PREFIX) :], query, raw)
            elif path.startswith("/_sandbox"):
                self._control(sandbox, method, path[len("/_sandbox") :], query, raw)
            elif path.startswith("/images/"):
                self._image(sandbox, path)
            elif path.startswith("/track/") or path.startswith("/pay/"):
                self._page(sandbox, path)
            elif path in ("/", "/api2.0/v1"):
                info = {
                    "name": "CJ sandbox",
                    "baseUrl": sandbox.base_url,
                    "control": sandbox.root_url + "/_sandbox/",
                    "docs": "docs/sandbox.md",
                }
                self._send(200, _dumps(info))
            else:
                self._send(404, _dumps({"error": "not found"}))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    # ------------------------------------------------------------------ CJ API
    def _envelope(self, kind: str, code: int, message: Any, data: Any, rid: str, points: dict | None) -> dict:
        ok = code == 200
        if kind == "success0" and ok:
            env: dict[str, Any] = {"success": True, "code": 0, "message": None, "data": data}
        elif kind == "success200" and ok:
            env = {"success": True, "code": 200, "message": "", "data": data}
        else:
            env = {"code": code, "result": ok, "message": message, "data": data}
            if kind != "std":
                env["success"] = ok
        env["requestId"] = rid
        if points is not None:
            env["pointsInfo"] = points
        return env

    def _api(self, sandbox: SandboxServer, method: str, path: str, query: dict, raw: bytes) -> None:
        state = sandbox.state
        rid = str(uuid.uuid4())
        route = ROUTES.get(path)
        stat_path = path if route else "<unknown>"
        if route is None:
            state.record(stat_path, 1600101)
            env = self._envelope("std", 1600101, f"Interface not found: /api2.0/v1/{path}", None, rid, None)
            self._send(404, _dumps(env))
            return

        decision = state.faults.decide(path)
        if decision is not None:
            if decision.latency_ms:
                time.sleep(decision.latency_ms / 1000)
            if decision.kind == "error":
                status, ctype, body = _FAULT_BODIES[decision.variant]
                if body is None:
                    body = _dumps(
                        self._envelope("std", 1600000, "System busy, please contact CJ IT", None, rid, None)
                    )
                state.record(stat_path, f"fault:{status}")
                self._send(status, body, ctype)
                return
            if decision.kind == "timeout":
                state.record(stat_path, "fault:timeout")
                time.sleep(state.faults.timeout_s)
                self._drop()
                return
            if decision.kind == "malformed":
                state.record(stat_path, "fault:malformed")
                body = b'{"code":200,"result":true,"message":"Success","data":{"list":[{"pid":"'
                self._send(200, body)
                return
            if decision.kind == "storm":
                state.record(stat_path, "fault:storm")
                env = self._envelope(
                    "std", 1600200, "Too Many Requests, QPS limit is 1 time/1second", None, rid, None
                )
                self._send(state.config.throttle_http_status, _dumps(env))
                return

        points = None
        try:
            if method not in route.methods:
                raise ApiError(16900202, f"Request method '{method}' not supported")
            req = Request(method=method, path=path, query=query, headers=self.headers, raw_body=raw)
            if route.auth:
                req.token = self.headers.get("CJ-Access-Token")
                req.account = state.account_for_token(req.token)
                state.check_qps(req.account)
                points = state.charge_points(req.account, path)
            if route.body:
                ctype = (self.headers.get("Content-Type") or "").lower()
                if not raw.strip():
                    raise ApiError(16900204)
                if ctype and "json" not in ctype:
                    raise ApiError(16900203, f"Content type '{ctype}' not supported")
                try:
                    req.body = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    raise ApiError(16900205) from None
            elif raw.strip() and method in MUTATING:
                try:
                    req.body = json.loads(raw)
                except (ValueError, UnicodeDecodeError):
                    raise ApiError(16900205) from None
            data = route.handler(state, req)
            code, message, status = 200, "Success", 200
        except ApiError as exc:
            code, message, status, data = exc.code, exc.message, exc.http_status, exc.data
            if exc.points_info is not None:
                points = exc.points_info
        except Exception:  # a bug in the sandbox: answer like CJ's "system busy"
            log.exception("sandbox handler failed for %s", path)
            code, message, status, data = 1600000, "System busy, please contact CJ IT", 500, None
        state.record(stat_path, code)
        if decision is not None and decision.kind == "ghost" and code == 200:
            state.record(stat_path, "fault:ghost")
            time.sleep(min(state.faults.timeout_s, 5.0) if state.faults.timeout_s else 0)
            self._drop()
            sandbox.persist()
            return
        env = self._envelope(route.envelope, code, message, data, rid, points)
        self._send(status, _dumps(env))
        if code == 200 and method in MUTATING:
            sandbox.persist()

    # ------------------------------------------------------------------ control & assets
    def _control(self, sandbox: SandboxServer, method: str, path: str, query: dict, raw: bytes) -> None:
        body: Any = None
        if raw.strip():
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(400, _dumps({"ok": False, "error": "body is not valid JSON"}))
                return
        status, payload = control.handle(sandbox, method, path, query, body)
        self._send(status, _dumps(payload))
        if method in MUTATING and status == 200:
            sandbox.persist()

    def _image(self, sandbox: SandboxServer, path: str) -> None:
        parts = path.strip("/").split("/")
        cache = {"Cache-Control": "public, max-age=86400"}
        if len(parts) == 3 and parts[1] == "flags":
            self._send(200, flag_svg(parts[2].removesuffix(".svg").upper()), "image/svg+xml", **cache)
            return
        if len(parts) == 3 and parts[2].endswith(".svg"):
            p = sandbox.state.catalog.by_pid.get(parts[1])
            try:
                n = int(parts[2][:-4])
            except ValueError:
                n = 0
            if p is not None and 1 <= n <= max(p.image_count, 1):
                svg = product_svg(p.pid, n, p.name_en, p.category.spec[11])
                self._send(200, svg, "image/svg+xml", **cache)
                return
        self._send(404, b"not found", "text/plain")

    def _page(self, sandbox: SandboxServer, path: str) -> None:
        state = sandbox.state
        kind, _, ident = path.strip("/").partition("/")
        o = state.order_by_track(ident) if kind == "track" else state.find_order(ident)
        if o is None:
            self._send(404, b"<h1>Not found</h1>", "text/html;charset=UTF-8")
            return
        events = "".join(
            f"<li>{html.escape(e['eventTime'])} — {html.escape(e['statusDesc'])}{html.escape(e['location'])}</li>"
            for e in o.track_events
        )
        body = (
            f"<!doctype html><title>CJ sandbox {kind}</title><h1>Order {html.escape(o.order_id)}</h1>"
            f"<p>Order number: {html.escape(o.order_number)}<br>Status: <b>{html.escape(o.status)}</b><br>"
            f"Logistic: {html.escape(o.logistic_name)}<br>Tracking: {html.escape(o.track_number or '-')}</p>"
            f"<p>Amount: {o.product_amount + o.postage} USD</p><ul>{events}</ul>"
            "<p><small>Served by the CJ sandbox — no real payment or shipment.</small></p>"
        )
        self._send(200, body.encode(), "text/html;charset=UTF-8")


class SandboxServer:
    """The CJ sandbox in a background thread: ``SandboxServer(config).start()`` … ``.stop()``."""

    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        if config is None:
            config = SandboxConfig(**overrides)
        elif overrides:
            raise TypeError("pass either a SandboxConfig or keyword overrides, not both")
        self.config = config
        self.state = State(config)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._clock: threading.Thread | None = None
        self._stopping = threading.Event()
        if config.state_file:
            snap = persistence.load(config.state_file)
            if snap:
                self.state.restore(snap)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> SandboxServer:
        httpd = _HTTPServer((self.config.host, self.config.port), Handler)
        httpd.sandbox = self
        self._httpd = httpd
        self.state.root = self.config.public_url.rstrip("/") if self.config.public_url else self.root_url
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.name = "cjsandbox-http"
        self._thread.start()
        if self.config.order_clock_s > 0:
            self._clock = threading.Thread(target=self._run_clock, name="cjsandbox-clock", daemon=True)
            self._clock.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.state.dispatcher.stop()
        self.persist()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _run_clock(self) -> None:
        step = self.config.order_clock_s
        while not self._stopping.wait(min(1.0, step / 4)):
            try:
                self.state.tick()
            except Exception:
                log.exception("order clock tick failed")

    def persist(self) -> None:
        if self.config.state_file:
            persistence.save(self.config.state_file, self.state.snapshot())

    # ------------------------------------------------------------------ addresses & helpers
    @property
    def port(self) -> int:
        if self._httpd is None:
            return self.config.port
        return self._httpd.server_address[1]

    @property
    def root_url(self) -> str:
        host = self.config.host
        if host in ("0.0.0.0", "", "::"):  # noqa: S104
            host = "127.0.0.1"
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{API_PREFIX}"

    @property
    def demo_api_key(self) -> str:
        return self.state.demo_key

    def wait_webhooks(self, timeout: float = 10.0) -> bool:
        """Block until queued webhooks are delivered (or given up), for tests."""
        return self.state.dispatcher.wait_idle(timeout)
