"""One Redis connection pool per process (only used when REDIS_URL is set), and the namespace of KAMRI's keys."""

from __future__ import annotations

from functools import cache

import redis
from django.conf import settings


@cache
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def redis_key(*parts: str) -> str:
    """A key in KAMRI's namespace (KAMRI_REDIS_PREFIX): two shops — or two test workers — on one Redis never
    share a lock, a rate-limit slot or a cached value."""
    return ":".join((settings.KAMRI_REDIS_PREFIX, *parts))
