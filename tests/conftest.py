"""Shared test set-up: an isolated var/ and Huey store per test worker, real services only."""

from __future__ import annotations

import os
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_var = tempfile.mkdtemp(prefix=f"kamri-test-{_worker}-")
os.environ.setdefault("KAMRI_VAR_DIR", _var)
os.environ.setdefault("HUEY_SQLITE_PATH", os.path.join(_var, "huey.sqlite3"))
os.environ.setdefault("HUEY_NAME", f"kamri-test-{_worker}-{os.getpid()}")
# Playwright's sync API runs an event loop in the test thread; Django must allow DB access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
