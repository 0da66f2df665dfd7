"""What the client needs from its host (the Django side implements these), with in-memory defaults.

- ``TokenStore``: where tokens and the time of the last ``getAccessToken`` live (encrypted DB row in KAMRI).
- ``RateLimiter``: one limiter per CJ account shared by every process (DB/Redis-backed in KAMRI).
- ``CallRecorder``: the API-call log. A ``CallRecord`` never holds the API key, tokens or request bodies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, runtime_checkable

from .types import AccessTokens, PointsInfo

__all__ = [
    "CallRecord",
    "CallRecorder",
    "ListRecorder",
    "LocalRateLimiter",
    "MemoryTokenStore",
    "NullRateLimiter",
    "NullRecorder",
    "RateLimiter",
    "StoredTokens",
    "TokenStore",
]


@dataclass(frozen=True)
class StoredTokens:
    tokens: AccessTokens | None
    #: when the last getAccessToken was SENT (persisted before sending; CJ allows one per 300 s)
    last_auth_request_at: datetime | None = None
    #: when tokens were last saved (getAccessToken or refreshAccessToken)
    last_refresh_at: datetime | None = None


@runtime_checkable
class TokenStore(Protocol):
    def load(self) -> StoredTokens | None:
        """Current tokens and auth timestamps, or None if nothing was ever stored."""
        ...

    def save_tokens(self, tokens: AccessTokens) -> None:
        """Replace the stored token pair (both tokens may rotate on refresh)."""
        ...

    def mark_auth_request(self, at: datetime) -> None:
        """Persist the time a getAccessToken is about to be sent. Must survive ``clear()``."""
        ...

    def clear(self) -> None:
        """Forget the tokens (not ``last_auth_request_at``: the 5-minute rule still applies)."""
        ...

    def refresh_lock(self) -> AbstractContextManager[object]:
        """Exclusive across every process using this account while the client refreshes/logs in."""
        ...


@runtime_checkable
class RateLimiter(Protocol):
    def acquire(self, account_key: str, timeout: float | None = None) -> None:
        """Block until one call is allowed; raise ``TimeoutError`` if ``timeout`` s is not enough."""
        ...

    def penalize(self, account_key: str, seconds: float) -> None:
        """CJ answered 1600200: let no call through for ``seconds`` (optional; may do nothing)."""
        ...


@dataclass(frozen=True)
class CallRecord:
    #: path relative to the API root, e.g. "product/listV2" (no query string)
    endpoint: str
    method: str
    started_at: datetime
    duration_ms: float
    http_status: int | None
    cj_code: int | None
    request_id: str | None
    #: exception class and redacted message, None on success
    error: str | None
    #: 1-based attempt number within one logical client call
    attempt: int
    ok: bool
    #: CJ's ``pointsInfo`` on this answer (success or refusal), None when CJ sent none
    points_info: PointsInfo | None = None


@runtime_checkable
class CallRecorder(Protocol):
    def record(self, call: CallRecord) -> None: ...


# --- in-memory defaults ------------------------------------------------------------------------------


class MemoryTokenStore:
    """Process-local token store (tests, CLI, the "test connection" of unsaved form values)."""

    def __init__(self, initial: StoredTokens | None = None) -> None:
        self._state = initial
        self._lock = threading.Lock()
        self._state_lock = threading.Lock()

    def load(self) -> StoredTokens | None:
        with self._state_lock:
            return self._state

    def save_tokens(self, tokens: AccessTokens) -> None:
        with self._state_lock:
            base = self._state or StoredTokens(tokens=None)
            self._state = replace(base, tokens=tokens, last_refresh_at=tokens.created_at)

    def mark_auth_request(self, at: datetime) -> None:
        with self._state_lock:
            base = self._state or StoredTokens(tokens=None)
            self._state = replace(base, last_auth_request_at=at)

    def clear(self) -> None:
        with self._state_lock:
            if self._state is not None:
                self._state = replace(self._state, tokens=None)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def refresh_lock(self) -> AbstractContextManager[object]:
        return self._locked()

    def __repr__(self) -> str:
        st = self._state
        has = bool(st and st.tokens)
        return f"MemoryTokenStore(has_tokens={has})"


class LocalRateLimiter:
    """Thread-safe, process-local limiter spacing calls ``1/rate_per_s`` apart, per account key."""

    def __init__(
        self,
        rate_per_s: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._monotonic = monotonic
        self._sleep = sleep
        self.set_rate(rate_per_s)

    @property
    def rate_per_s(self) -> float:
        return self._rate

    def set_rate(self, rate_per_s: float) -> None:
        if rate_per_s <= 0:
            raise ValueError("rate_per_s must be > 0")
        self._rate = float(rate_per_s)
        self._interval = 1.0 / self._rate

    def acquire(self, account_key: str, timeout: float | None = None) -> None:
        with self._lock:
            now = self._monotonic()
            slot = max(now, self._next.get(account_key, now))
            wait = slot - now
            if timeout is not None and wait > timeout:
                raise TimeoutError(f"rate limiter: next slot in {wait:.2f}s > timeout {timeout:.2f}s")
            self._next[account_key] = slot + self._interval
        if wait > 0:
            self._sleep(wait)

    def penalize(self, account_key: str, seconds: float) -> None:
        with self._lock:
            now = self._monotonic()
            self._next[account_key] = max(self._next.get(account_key, now), now + max(0.0, seconds))


class NullRateLimiter:
    """No limiting (unit tests with a mock transport)."""

    def acquire(self, account_key: str, timeout: float | None = None) -> None:
        return None

    def penalize(self, account_key: str, seconds: float) -> None:
        return None


class NullRecorder:
    def record(self, call: CallRecord) -> None:
        return None


class ListRecorder:
    """Keeps records in memory (tests, diagnostics)."""

    def __init__(self) -> None:
        self.calls: list[CallRecord] = []
        self._lock = threading.Lock()

    def record(self, call: CallRecord) -> None:
        with self._lock:
            self.calls.append(call)
