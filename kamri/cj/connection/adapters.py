"""Django implementations of the CJ client's ports: token store, shared rate limiter, API-call log."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from kamri.cj.client import AccessTokens, CallRecord, StoredTokens
from kamri.cj.connection import points_budget
from kamri.cj.models import CJApiCall, CJCredential, CJRateSlot
from kamri.core import crypto
from kamri.core.locks import named_lock
from kamri.core.logging import register_secret
from kamri.core.redis import redis_client, redis_key

log = logging.getLogger(__name__)


class DatabaseTokenStore:
    """Tokens of one credential fingerprint, encrypted in the database; the refresh lock spans processes."""

    def __init__(self, fingerprint: str) -> None:
        self.fingerprint = fingerprint

    def _row(self) -> CJCredential:
        row, _ = CJCredential.objects.get_or_create(fingerprint=self.fingerprint)
        return row

    def load(self) -> StoredTokens | None:
        row = CJCredential.objects.filter(fingerprint=self.fingerprint).first()
        if row is None:
            return None
        tokens = None
        access, refresh = (
            crypto.decrypt(row.access_token_encrypted),
            crypto.decrypt(row.refresh_token_encrypted),
        )
        if access and refresh and row.access_token_expires_at and row.refresh_token_expires_at:
            open_id = crypto.decrypt(row.open_id_encrypted)
            for secret in (access, refresh, open_id):
                register_secret(secret)
            tokens = AccessTokens(
                open_id=open_id,
                access_token=access,
                access_token_expires_at=row.access_token_expires_at,
                refresh_token=refresh,
                refresh_token_expires_at=row.refresh_token_expires_at,
                created_at=row.tokens_created_at,
            )
        return StoredTokens(
            tokens=tokens, last_auth_request_at=row.last_auth_request_at, last_refresh_at=row.last_refresh_at
        )

    def save_tokens(self, tokens: AccessTokens) -> None:
        for secret in (tokens.access_token, tokens.refresh_token, tokens.open_id):
            register_secret(secret)
        row = self._row()
        if tokens.open_id:
            row.open_id_encrypted = crypto.encrypt(tokens.open_id)
        row.access_token_encrypted = crypto.encrypt(tokens.access_token)
        row.access_token_expires_at = tokens.access_token_expires_at
        row.refresh_token_encrypted = crypto.encrypt(tokens.refresh_token)
        row.refresh_token_expires_at = tokens.refresh_token_expires_at
        row.tokens_created_at = tokens.created_at or datetime.now(UTC)
        row.last_refresh_at = datetime.now(UTC)
        row.save()

    def mark_auth_request(self, at: datetime) -> None:
        CJCredential.objects.update_or_create(
            fingerprint=self.fingerprint, defaults={"last_auth_request_at": at}
        )

    def clear(self) -> None:
        CJCredential.objects.filter(fingerprint=self.fingerprint).update(
            access_token_encrypted="",
            access_token_expires_at=None,
            refresh_token_encrypted="",
            refresh_token_expires_at=None,
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        with named_lock(f"cj-token-{self.fingerprint}", timeout=60):
            yield

    def refresh_lock(self) -> contextlib.AbstractContextManager[object]:
        return self._locked()


# Reserves the next free slot atomically in Redis, using Redis' own clock so every host agrees.
_RESERVE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local penalty = tonumber(ARGV[2])
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
if penalty > 0 then
  redis.call('SET', KEYS[1], math.max(nxt, now + penalty), 'EX', 3600)
  return 0
end
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], slot + interval, 'EX', 3600)
return slot - now
"""


class SharedRateLimiter:
    """One limiter per CJ account for every process and worker.

    Each call reserves the account's next free slot (`slot = max(now, next)`, `next = slot + 1/rate`) in one
    atomic step — a Redis script when Redis is configured, else a locked database row — then sleeps until
    its slot. Calls are therefore spaced at exactly the allowed rate across all processes, with no burst.
    """

    def __init__(
        self, rate_for: Callable[[str], float], *, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._rate_for = rate_for
        self._sleep = sleep

    def acquire(self, account_key: str, timeout: float | None = None) -> None:
        interval_us = int(1_000_000 / self._rate_for(account_key))
        wait_us = self._reserve(account_key, interval_us, penalty_us=0)
        if timeout is not None and wait_us / 1e6 > timeout:
            raise TimeoutError(f"rate limiter: next slot in {wait_us / 1e6:.2f}s")
        if wait_us > 0:
            self._sleep(wait_us / 1e6)

    def penalize(self, account_key: str, seconds: float) -> None:
        self._reserve(account_key, 0, penalty_us=int(seconds * 1_000_000))

    def _reserve(self, account_key: str, interval_us: int, *, penalty_us: int) -> int:
        if settings.REDIS_URL:
            key = redis_key("cj-limiter", account_key)
            return int(redis_client().eval(_RESERVE_LUA, 1, key, interval_us, penalty_us))
        return self._reserve_in_database(account_key, interval_us, penalty_us)

    @staticmethod
    def _reserve_in_database(account_key: str, interval_us: int, penalty_us: int) -> int:
        with transaction.atomic():
            CJRateSlot.objects.get_or_create(account_key=account_key)
            row = CJRateSlot.objects.select_for_update().get(account_key=account_key)
            now = int(time.time() * 1_000_000)
            if penalty_us:
                row.next_at_us = max(row.next_at_us, now + penalty_us)
                row.save(update_fields=["next_at_us"])
                return 0
            slot = max(now, row.next_at_us)
            row.next_at_us = slot + interval_us
            row.save(update_fields=["next_at_us"])
            return slot - now


class DatabaseCallRecorder:
    """Writes each attempt to the API-call log. Logging never breaks a CJ call."""

    def record(self, call: CallRecord) -> None:
        points = call.points_info
        try:
            CJApiCall.objects.create(
                endpoint=call.endpoint[:120],
                method=call.method,
                started_at=call.started_at,
                duration_ms=Decimal(str(round(call.duration_ms, 1))),
                http_status=call.http_status,
                cj_code=call.cj_code,
                request_id=(call.request_id or "")[:64],
                error=(call.error or "")[:500],
                attempt=call.attempt,
                ok=call.ok,
                purpose=points_budget.purpose_of(call.endpoint),
                cj_points_used=points.used_today if points else None,
                cj_points_remaining=points.remaining if points else None,
                cj_points_total=points.total if points else None,
            )
        except Exception:  # the log is best effort; the call itself already happened
            log.warning("could not record a CJ API call to %s", call.endpoint, exc_info=True)
