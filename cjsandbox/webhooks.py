"""Outgoing webhooks: CJ message shapes (CJ-API.md §8.5), signing and background delivery with retries."""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

TRACKING_STATUS_DESC = {
    0: "No information",
    1: "Warehouse outbound",
    2: "Forwarder inbound",
    3: "Forwarder return",
    4: "Forwarder outbound",
    5: "First-leg transport",
    6: "Arrived destination country",
    7: "Customs clearance started",
    8: "Customs cleared",
    9: "Terminal pickup",
    10: "Out for delivery",
    11: "Awaiting pickup",
    12: "Delivered",
    13: "Delivery failure",
    14: "Returned",
}

# message type -> webhook/set topic
TOPIC_OF = {
    "PRODUCT": "product",
    "VARIANT": "product",
    "STOCK": "stock",
    "ORDER": "order",
    "LOGISTIC": "logistics",
}


def sign(open_id: int | str, body: bytes) -> str:
    """Header ``sign``: standard padded Base64 of HMAC-SHA256(key=str(openId), msg=raw body)."""
    digest = hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def envelope(type_: str, message_type: str, params: Any, open_id: int | None = None) -> dict:
    msg: dict[str, Any] = {"messageId": uuid.uuid4().hex, "type": type_, "messageType": message_type}
    if open_id is not None:
        msg["openId"] = open_id
    msg["params"] = params
    return msg


class Dispatcher:
    """Delivers messages from worker threads; a failed delivery is retried ``retries`` times, ``delay`` apart."""

    def __init__(self, *, timeout_s: float, retries: int, delay_s: float, workers: int = 4) -> None:
        self.timeout_s = timeout_s
        self.retries = retries
        self.delay_s = delay_s
        self.log: list[dict] = []
        self._heap: list[tuple[float, int, dict]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._inflight = 0
        self._stopped = False
        # called with (openId, topic, delivered?) after each attempt (the topic health of CJ's auto-close)
        self.on_result: Any = None
        self._threads = [
            threading.Thread(target=self._worker, name=f"cjsandbox-webhook-{i}", daemon=True)
            for i in range(workers)
        ]
        for t in self._threads:
            t.start()

    # ------------------------------------------------------------------ API
    def send(self, *, url: str, open_id: int, topic: str, message: dict) -> dict:
        body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
        entry = {
            "messageId": message["messageId"],
            "type": message["type"],
            "messageType": message["messageType"],
            "topic": topic,
            "url": url,
            "openId": open_id,
            "sign": sign(open_id, body),
            "body": body.decode(),
            "createdAt": datetime.now(UTC).isoformat(),
            "status": "pending",
            "attempts": [],
        }
        with self._cond:
            self.log.append(entry)
            heapq.heappush(self._heap, (time.monotonic(), next(self._seq), entry))
            self._cond.notify()
        return entry

    def snapshot(self) -> list[dict]:
        """A consistent copy of the sent log (safe to serialise while deliveries go on)."""
        with self._cond:
            return [{**e, "attempts": [dict(a) for a in e["attempts"]]} for e in self.log]

    def clear(self) -> None:
        with self._cond:
            self._heap.clear()
            self.log = []

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until nothing is due now or in flight (scheduled retries later than ``timeout`` are ignored)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                due = any(t <= deadline for t, _, _ in self._heap)
                if not due and self._inflight == 0:
                    return True
                if now >= deadline:
                    return False
                self._cond.wait(min(0.05, deadline - now))

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        for t in self._threads:
            t.join(timeout=self.timeout_s + 1)

    # ------------------------------------------------------------------ workers
    def _worker(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    if self._heap and self._heap[0][0] <= time.monotonic():
                        break
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait if wait is None else max(0.001, min(wait, 1.0)))
                if self._stopped:
                    return
                _, _, entry = heapq.heappop(self._heap)
                self._inflight += 1
            attempt: dict[str, Any] = {"status": None, "error": "not attempted"}
            try:
                attempt = self._deliver(entry)
            finally:
                ok = attempt["status"] == 200
                if self.on_result is not None:
                    self.on_result(entry["openId"], entry["topic"], ok)
                with self._cond:
                    self._inflight -= 1
                    entry["attempts"].append(attempt)
                    if ok:
                        entry["status"] = "delivered"
                    elif len(entry["attempts"]) <= self.retries:
                        entry["status"] = "retrying"
                        heapq.heappush(self._heap, (time.monotonic() + self.delay_s, next(self._seq), entry))
                    else:
                        entry["status"] = "failed"
                    self._cond.notify_all()

    def _deliver(self, entry: dict) -> dict:
        body = entry["body"].encode()
        req = urllib.request.Request(  # noqa: S310 - http(s) URL validated by webhook/set
            entry["url"],
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "sign": entry["sign"],
                "User-Agent": "cjsandbox-webhook",
            },
        )
        started = time.monotonic()
        attempt: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "status": None, "error": None}
        try:
            with urllib.request.urlopen(req, timeout=self.timeout_s) as resp:  # noqa: S310 - URL validated by webhook/set
                resp.read(65536)
                attempt["status"] = resp.status
        except urllib.error.HTTPError as exc:
            attempt["status"] = exc.code
            attempt["error"] = f"HTTP {exc.code}"
        except Exception as exc:
            attempt["error"] = f"{type(exc).__name__}: {exc}"
        attempt["ms"] = round((time.monotonic() - started) * 1000, 1)
        return attempt
