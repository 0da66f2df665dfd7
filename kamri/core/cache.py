"""The cache on Redis, forgiving an outage: every use of the cache in KAMRI is a shortcut (cached CJ answers, the
dashboard's figures, the checkout's per-visitor count), so a Redis that is down or slow reads as a miss and a write
is dropped — the page computes its figures itself instead of answering a 500. One warning a minute says so."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable

import redis
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

WARN_EVERY_S = 60.0
#: A cache that answers slower than this is treated as down: a page never waits on it.
SOCKET_TIMEOUT_S = 0.5


class ForgivingRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {"socket_connect_timeout": SOCKET_TIMEOUT_S, "socket_timeout": SOCKET_TIMEOUT_S}
        params = {**params, "OPTIONS": {**options, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._warned_at = float("-inf")

    def _outage(self, error: Exception, operation: str) -> None:
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_S:
            self._warned_at = now
            log.warning(
                "Cache Redis indisponible (%s pendant %s) : KAMRI continue sans cache.", error, operation
            )


def _forgiving(operation: str, when_down: Callable[..., object]):
    """RedisCache's `operation`, answering `when_down(*args, **kwargs)` (a miss, a dropped write) on an outage."""
    method = getattr(RedisCache, operation)

    @functools.wraps(method)
    def call(self: ForgivingRedisCache, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except redis.RedisError as error:
            self._outage(error, operation)
            return when_down(*args, **kwargs)

    return call


def _default(key, default=None, *args, **kwargs):
    return default


def _delta(key, delta=1, *args, **kwargs):
    """incr counts as the first of its window: a limit counted in the cache (the checkout's) forgets, never
    blocks, while Redis is down."""
    return delta


def _every_key(data, *args, **kwargs):
    return list(data)  # set_many: the keys not written


for _operation, _when_down in {
    "get": _default,
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,  # a lock taken with add() is not taken: never two holders
    "set": lambda *args, **kwargs: None,
    "set_many": _every_key,
    "touch": lambda *args, **kwargs: False,
    "incr": _delta,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}.items():
    setattr(ForgivingRedisCache, _operation, _forgiving(_operation, _when_down))
