"""Named locks shared by every process: Redis when configured, else PostgreSQL advisory locks, else a file lock.

SQLite deployments run on one machine, so a file lock under var/ reaches every process there.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connection

from kamri.core.redis import redis_client, redis_key


class LockTimeout(Exception):
    pass


@contextlib.contextmanager
def named_lock(name: str, *, timeout: float = 60.0) -> Iterator[None]:
    if settings.REDIS_URL:
        with _redis_lock(name, timeout):
            yield
    elif connection.vendor == "postgresql":
        with _postgres_lock(name, timeout):
            yield
    else:
        with _file_lock(name, timeout):
            yield


@contextlib.contextmanager
def _redis_lock(name: str, timeout: float) -> Iterator[None]:
    lock = redis_client().lock(redis_key("lock", name), timeout=max(timeout, 30.0), blocking_timeout=timeout)
    if not lock.acquire():
        raise LockTimeout(name)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            lock.release()


@contextlib.contextmanager
def _postgres_lock(name: str, timeout: float) -> Iterator[None]:
    key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                raise LockTimeout(name)
            time.sleep(0.05)
        try:
            yield
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextlib.contextmanager
def _file_lock(name: str, timeout: float) -> Iterator[None]:
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    safe = hashlib.sha256(name.encode()).hexdigest()[:32]
    with open(folder / f"{safe}.lock", "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(name) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
