"""The configuration really does what the environment says, on both CI legs."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from huey.contrib.djhuey import HUEY


def test_database_backend_is_the_one_the_environment_asks_for():
    expected = os.environ.get("KAMRI_EXPECT_DB", "sqlite")
    assert connection.vendor == expected
    if expected == "sqlite":
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_or_postgres_answers():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            # The in-memory test database cannot use WAL; a file database must.
            assert mode in ("wal", "memory")
        else:
            cursor.execute("SELECT version()")
            assert "PostgreSQL" in cursor.fetchone()[0]


def test_queue_backend_is_the_one_the_environment_asks_for():
    expected = os.environ.get("KAMRI_EXPECT_QUEUE", "sqlite")
    storage = type(HUEY.storage).__name__
    assert storage == {"sqlite": "SqliteStorage", "redis": "PriorityRedisStorage"}[expected]
    assert not HUEY.immediate


@HUEY.task()
def _add(a: int, b: int) -> int:
    return a + b


def test_queue_round_trip_through_the_real_storage():
    """Enqueue through the configured storage, dequeue as a consumer would, read the stored result."""
    HUEY.flush()  # tasks enqueued by earlier tests of this worker
    result = _add(2, 3)
    task = HUEY.dequeue()
    assert task is not None and task.id == result.id
    HUEY.execute(task)
    assert result.get() == 5


@pytest.mark.django_db
def test_cache_is_shared_redis_when_redis_is_configured():
    if os.environ.get("KAMRI_EXPECT_QUEUE") == "redis":
        assert (
            settings.CACHES["default"]["BACKEND"] == "kamri.core.cache.ForgivingRedisCache"
        )  # an outage: a miss
    key = f"probe-{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    assert cache.get(key) == "ok"


def test_french_is_the_default_language_and_english_available():
    assert settings.LANGUAGE_CODE == "fr"
    assert [code for code, _ in settings.LANGUAGES] == ["fr", "en"]


def test_store_defaults():
    assert settings.KAMRI_STORE_CURRENCY == os.environ.get("KAMRI_STORE_CURRENCY", "EUR")
    assert settings.TIME_ZONE == os.environ.get("TIME_ZONE", "Europe/Paris")


def test_each_test_worker_has_its_own_queue_var_dir_and_redis_namespace():
    """xdist workers inherit the controller's environment: they once shared one Huey queue, and each worker's
    consumer ran the other's jobs against its own database (orders never placed, syncs left "queued")."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert f"kamri-test-{worker}-" in HUEY.name
    assert f"kamri-test-{worker}-" in str(settings.VAR_DIR)
    assert settings.KAMRI_REDIS_PREFIX.startswith(f"kamri-test-{worker}-")
