"""Shared test set-up: an isolated var/ and Huey store per test worker, real services only."""

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
# Playwright's sync API runs an event loop in the test thread; Django must allow DB access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


import pytest  # noqa: E402

SANDBOX_API_KEY = "CJ7654321@api@0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="session")
def cj_sandbox_server():
    """One CJ sandbox per test worker, over real HTTP on a free local port."""
    from cjsandbox import SandboxConfig, SandboxServer

    server = SandboxServer(
        SandboxConfig(
            seed=7,
            products=400,
            port=0,
            accounts=[(SANDBOX_API_KEY, "advanced")],
            allow_local_callbacks=True,
            webhook_retry_delay_s=0.2,
        )
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cj_sandbox(cj_sandbox_server, settings):
    """The sandbox, reset to its seeded state for each test, offered as the default CJ address."""
    import httpx

    settings.CJ_SANDBOX_URL = cj_sandbox_server.base_url
    httpx.post(f"{cj_sandbox_server.root_url}/_sandbox/reset", timeout=10).raise_for_status()
    return cj_sandbox_server


@pytest.fixture
def cj_account(cj_sandbox, db):
    """KAMRI configured against the sandbox (what `make run` ships)."""
    from kamri.cj.models import CJAccount

    account = CJAccount(base_url=cj_sandbox.base_url, tier="advanced")
    account.set_api_key(SANDBOX_API_KEY)
    account.save()
    return account
