"""Browser harness: Playwright drives Debian's Chromium against Django's live server.

A screenshot of every test's final page lands in test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import factories

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    """A browser test waits on a real browser, a live server and a worker: on 2 busy cores (CI's PostgreSQL + Redis
    leg) one may miss its wait. It is run again, at most twice; a test that fails three times fails."""
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.flaky(reruns=2, reruns_delay=2))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Debian's chromium is required for browser tests: apt-get install -y chromium (make test does it)"
        )
    # Playwright's sync API runs an event loop in the test thread: from the moment the browser starts, Django must
    # allow database access from that thread (DESIGN.md's pitfall). Only the browser tests set it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


@pytest.fixture
def staff(transactional_db):
    return factories.staff_user("admin-e2e")


def log_in(page, base_url: str, username: str, password: str = factories.STAFF_PASSWORD) -> None:
    """Through the login form, as a person would; ends on the admin home."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


@pytest.fixture
def admin_page(page, live_server, staff):
    """A browser tab logged in as staff, on the admin home."""
    log_in(page, live_server.url, staff.username)
    return page
