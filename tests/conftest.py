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
            # Above CJ_LIMITER_QPS_FOR_TESTS (tests/settings.py): CJ's 6/s made the suite wait, not test.
            tier_qps={"free": 1, "plus": 2, "prime": 4, "advanced": 250},
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


LOCALSTRIPE_SECRET_KEY = "sk_test_kamri_localstripe_0001"
LOCALSTRIPE_PUBLISHABLE_KEY = "pk_test_kamri_localstripe_0001"
LOCALSTRIPE_WEBHOOK_SECRET = "whsec_kamri_localstripe_0001"


@pytest.fixture(scope="session")
def localstripe_server():
    """One localstripe (the fake Stripe server from PyPI) per test worker, on a free local port."""
    import socket
    import subprocess
    import sys
    import time
    from types import SimpleNamespace

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kamri.orders.localstripe_local",
            "--port",
            str(port),
            "--from-scratch",
            "--in-memory",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(f"{url}/js.stripe.com/v3/", timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield SimpleNamespace(url=url, port=port)
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def localstripe(localstripe_server, settings, db):
    """KAMRI paying through localstripe: emptied for each test, keys saved as on the Paiements page."""
    import httpx

    from kamri.orders.models import PaymentSettings

    httpx.delete(f"{localstripe_server.url}/_config/data", timeout=10).raise_for_status()
    settings.KAMRI_STRIPE_API_BASE = localstripe_server.url
    settings.KAMRI_STRIPE_RETRIES = 0
    settings.KAMRI_PAYMENT_PROVIDER = "stripe"
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **directives,
            "script-src": [*directives["script-src"], localstripe_server.url],
            "connect-src": [*directives["connect-src"], localstripe_server.url],
        }
    }
    row = PaymentSettings.load()
    row.set_secret_key(LOCALSTRIPE_SECRET_KEY)
    row.set_webhook_secret(LOCALSTRIPE_WEBHOOK_SECRET)
    row.publishable_key = LOCALSTRIPE_PUBLISHABLE_KEY
    row.save()
    return localstripe_server


@pytest.fixture
def staff_client(client, db):
    """Django's test client logged in as a staff member (the admin's everyday user)."""
    from tests import factories

    return factories.logged_in_client(client=client)


@pytest.fixture
def no_address_hold(db):
    """The "Adresse signalée" hold switched off: a paid order with a bad address goes on to wait in "À traiter"
    at its CJ order (the tests of the CJ side's pre-flight and "Corriger l'adresse" / "Renvoyer")."""
    from kamri.orders.models import PaymentSettings

    rules = PaymentSettings.load()
    rules.hold_on_flagged_address = False
    rules.save()
    return rules
