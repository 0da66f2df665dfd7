"""Test settings: an isolated var/ (databases, Huey store, generated secrets) per test worker, then KAMRI's own.

Environment variables must be set before kamri.settings reads them, hence a settings module, not a conftest.
"""

from __future__ import annotations

import os
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
# xdist workers inherit the environment of the controller, which loaded these settings first: without this check
# both workers shared one Huey queue (each one's consumer ran the other's jobs against the wrong database) and one
# var/. A process a worker starts itself (same worker id) keeps sharing that worker's own.
if os.environ.get("KAMRI_TEST_WORKER") != _worker:
    os.environ["KAMRI_TEST_WORKER"] = _worker
    _var = tempfile.mkdtemp(prefix=f"kamri-test-{_worker}-")
    os.environ["KAMRI_VAR_DIR"] = _var
    os.environ["HUEY_SQLITE_PATH"] = os.path.join(_var, "huey.sqlite3")
    os.environ["HUEY_NAME"] = f"kamri-test-{_worker}-{os.getpid()}"
    os.environ["KAMRI_REDIS_PREFIX"] = f"kamri-test-{_worker}-{os.getpid()}"
# Keep the real retry logic but with short waits, so fault tests take seconds, not minutes.
os.environ.setdefault("CJ_RETRY_BASE_DELAY", "0.02")
os.environ.setdefault("CJ_RETRY_MAX_DELAY", "0.1")

from kamri.settings import *  # noqa: E402, F403

# The shared sandbox of tests/conftest.py answers this fast too (its `tier_qps`); the limits themselves are tested
# by tests/cjsandbox, tests/cj_client and the reliability stacks, at CJ's rates.
CJ_LIMITER_QPS_FOR_TESTS = 200.0

# Every staff fixture hashes a password: Django's PBKDF2 cost ~0.2 s of CPU each time (production keeps it).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
