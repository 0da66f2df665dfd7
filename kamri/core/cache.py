"""The cache on Redis, forgiving an outage: every use of the cache in KAMRI is a shortcut (cached CJ answers, the
dashboard's figures, the checkout's per-visitor count), so a Redis that is down or slow reads as a miss and a write
is dropped — the page computes its figures itself instead of answering a 500. One warning a minute says so."""

from __future__ import annotations

import logging
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
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

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except redis.RedisError as error:
            self._outage(error, "get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except redis.RedisError as error:
            self._outage(error, "get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except redis.RedisError as error:
            self._outage(error, "has_key")
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except redis.RedisError as error:
            self._outage(error, "add")
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except redis.RedisError as error:
            self._outage(error, "set")

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except redis.RedisError as error:
            self._outage(error, "set_many")
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except redis.RedisError as error:
            self._outage(error, "touch")
            return False

    def incr(self, key, delta=1, version=None):
        """Counted as the first of its window: a limit counted in the cache (the checkout's) forgets, never
        blocks, while Redis is down."""
        try:
            return super().incr(key, delta, version)
        except redis.RedisError as error:
            self._outage(error, "incr")
            return delta

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except redis.RedisError as error:
            self._outage(error, "delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except redis.RedisError as error:
            self._outage(error, "delete_many")

    def clear(self):
        try:
            return super().clear()
        except redis.RedisError as error:
            self._outage(error, "clear")
            return False
