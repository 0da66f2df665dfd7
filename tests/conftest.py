"""Shared test fixtures: the CJ sandbox over real HTTP, a configured CJ account, a real Huey consumer."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

# CI explores the same examples every run (a landing must not depend on luck); locally, every run explores anew.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _own_cache_namespace(settings):
    """Each test sees an empty cache, even on the shared Redis of CI's second leg (no flush: other workers
    and the Huey queue live there too)."""
    import uuid

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"t{uuid.uuid4().hex[:12]}"}}


@pytest.fixture(autouse=True)
def _back_to_french():
    """A request made with the English switch (cookie) leaves English active in the thread; the next test, and
    the jobs and messages it checks, start French again (the shop's language)."""
    yield
    from django.utils import translation

    translation.deactivate()


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


@pytest.fixture
def huey_consumer(transactional_db):
    """A real Huey consumer (worker threads, real storage) running beside the test, stopped at the end."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    consumer = HUEY.create_consumer(
        workers=2,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        backoff=1.1,
        max_delay=0.2,
        check_worker_health=False,
    )
    consumer.start()  # threads only: run() would install signal handlers, which only the main thread may do
    yield consumer
    consumer.stop(graceful=True)


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.2):
    """Poll until predicate() is truthy (background worker or webhook delivery), or fail."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def staff_client(client, db):
    """Django's test client logged in as a staff member (the admin's everyday user)."""
    from tests import factories

    client.force_login(factories.staff_user())
    return client
