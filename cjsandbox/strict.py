"""CJ behaviours the sandbox enforces by default (CJ-API.md §7.1, §8.1, §8.3): the callback URL check of
`webhook/set`, topics closed after sustained failed deliveries, and createOrderV2 interceptions."""

from __future__ import annotations

import collections
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from .errors import ApiError

# Interception codes are not listed by CJ (only "e.g. code 1001"): these are the sandbox's own.
INTERCEPT_STOCK = {"code": "1001", "message": "Insufficient inventory in the selected warehouse"}
INTERCEPT_ROUTE = {"code": "1002", "message": "The selected logistics is not available for this route"}

TOPIC_ACTIVE, TOPIC_CLOSED = "ACTIVE", "CLOSED"


def probe_callback(url: str, timeout_s: float) -> None:
    """CJ checks each callback URL on `webhook/set`: a POST with an empty JSON object, unsigned, no messageId;
    anything but HTTP 200 within ``timeout_s`` refuses the registration."""
    req = urllib.request.Request(  # noqa: S310 - scheme and host validated by check_callback_url
        url,
        data=b"{}",
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "cjsandbox-webhook-check"},
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout_s) as resp:  # noqa: S310
            resp.read(65536)
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except Exception as exc:
        raise ApiError(1606001, f"Webhook url check failed: {type(exc).__name__}") from exc
    if status != 200:
        raise ApiError(1607003, f"Http Status must be 200, got {status}")


class TopicHealth:
    """Delivery outcomes per (openId, topic): a topic whose success rate falls below ``min_success`` over
    ``window_s`` (with at least ``min_attempts`` attempts) is CLOSED until `webhook/set` enables it again."""

    def __init__(self, *, window_s: float, min_attempts: int, min_success: float) -> None:
        self.window_s, self.min_attempts, self.min_success = window_s, min_attempts, min_success
        self._attempts: dict[tuple[int, str], collections.deque] = {}
        self._closed: set[tuple[int, str]] = set()
        self._lock = threading.Lock()

    def record(self, open_id: int, topic: str, ok: bool) -> None:
        key, now = (open_id, topic), time.monotonic()
        with self._lock:
            rows = self._attempts.setdefault(key, collections.deque())
            rows.append((now, ok))
            while rows and now - rows[0][0] > self.window_s:
                rows.popleft()
            if len(rows) >= self.min_attempts and sum(ok for _, ok in rows) / len(rows) < self.min_success:
                self._closed.add(key)

    def reactivate(self, open_id: int, topic: str) -> None:
        with self._lock:
            self._closed.discard((open_id, topic))
            self._attempts.pop((open_id, topic), None)

    def status(self, open_id: int, topic: str) -> str:
        with self._lock:
            return TOPIC_CLOSED if (open_id, topic) in self._closed else TOPIC_ACTIVE

    def clear(self) -> None:
        with self._lock:
            self._attempts.clear()
            self._closed.clear()


class Interceptor:
    """createOrderV2 interceptions: natural ones (stock short at ``fromCountryCode``) and forced ones
    (`POST /_sandbox/intercept {reason: "stock" | "logistics", count}`) for the next orders."""

    def __init__(self) -> None:
        self.forced: str | None = None
        self.remaining = 0
        self._lock = threading.Lock()

    def force(self, reason: str | None, count: int) -> None:
        if reason not in (None, "", "stock", "logistics"):
            raise ValueError("reason must be stock, logistics or empty")
        with self._lock:
            self.forced, self.remaining = (reason or None), (max(1, count) if reason else 0)

    def settings(self) -> dict:
        with self._lock:
            return {"reason": self.forced, "remaining": self.remaining}

    def _take_forced(self) -> str | None:
        with self._lock:
            if not self.forced or self.remaining <= 0:
                return None
            self.remaining -= 1
            reason = self.forced
            if self.remaining == 0:
                self.forced = None
            return reason

    def decide(self, lines: list[tuple[Any, int, dict]], origin: str) -> tuple[list[dict], bool]:
        """(interceptOrderReasons, logisticsMiss) for an order about to be created."""
        forced = self._take_forced()
        if forced == "logistics":
            return [dict(INTERCEPT_ROUTE)], True
        short = any(sum(v.stock.get(origin, (0, 0))) < qty for v, qty, _ in lines)
        if forced == "stock" or short:
            return [dict(INTERCEPT_STOCK)], False
        return [], False
