"""Test settings: an isolated var/ (databases, Huey store, generated secrets) per test worker, then KAMRI's own.

Environment variables must be set before kamri.settings reads them, hence a settings module, not a conftest.
"""

from __future__ import annotations

import os
import tempfile

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_var = tempfile.mkdtemp(prefix=f"kamri-test-{_worker}-")
os.environ.setdefault("KAMRI_VAR_DIR", _var)
os.environ.setdefault("HUEY_SQLITE_PATH", os.path.join(_var, "huey.sqlite3"))
os.environ.setdefault("HUEY_NAME", f"kamri-test-{_worker}-{os.getpid()}")
# Keep the real retry logic but with short waits, so fault tests take seconds, not minutes.
os.environ.setdefault("CJ_RETRY_BASE_DELAY", "0.02")
os.environ.setdefault("CJ_RETRY_MAX_DELAY", "0.1")

from kamri.settings import *  # noqa: E402, F403
