"""In a real browser: the Content Security Policy blocks nothing KAMRI needs (htmx, nonce'd scripts, confirm
dialogs, images), and login throttling shows its French message."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kamri.orders.models import Order
from tests import factories
from tests.security.conftest import build_world

pytestmark = pytest.mark.browser


def _watch_csp(page) -> list[str]:
    """Collect every CSP violation the browser reports (console errors and securitypolicyviolation events)."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Refused to load (CSP): ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return violations


def test_storefront_runs_under_the_policy(page, live_server, transactional_db):
    violations = _watch_csp(page)
    product = factories.product(title="Lampe", variants=2, price="10.00", stock=3)
    product.image_url = f"{live_server.url}/static/catalog/demo/lamp.svg"
    product.save()
    _small, large = product.variants.all()
    large.price = Decimal("25.00")
    large.save()

    response = page.goto(f"{live_server.url}/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "'unsafe-eval'" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-content-type-options"] == "nosniff"
    page.goto(f"{live_server.url}/produit/{product.slug}/")
    # The nonce'd inline script runs: choosing the other variant updates the price.
    page.locator(".variants label").nth(1).click()
    expect(page.locator("#price")).to_contain_text("25")
    assert page.evaluate("document.getElementById('main-image').naturalWidth") > 0  # image allowed
    page.goto(f"{live_server.url}/panier/")
    assert violations == []


def test_admin_runs_under_the_policy(admin_page, live_server):
    page = admin_page
    violations = _watch_csp(page)
    world = build_world()
    order = factories.order(customer="Paul Client")
    # htmx (the CJ home's status fragment), a nonce'd script (select all), Django's own admin.
    page.goto(f"{live_server.url}/admin/cj/")
    expect(page.locator("#cj-status")).not_to_be_empty()
    page.goto(f"{live_server.url}/admin/cj/prix/")
    page.check("#select-all")
    expect(page.locator('#bulk-form input[name="ids"]').first).to_be_checked()
    page.goto(f"{live_server.url}/admin/donnees/")
    page.goto(f"{live_server.url}/admin/cj/webhooks/")
    # The confirm dialogs now come from confirm.js (data-confirm): refusing keeps the order unpaid.
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("#mark-paid")
    page.wait_for_timeout(300)
    assert Order.objects.get(pk=order.pk).paid_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#mark-paid")
    expect(page.locator("#mark-paid")).to_have_count(0)
    assert Order.objects.get(pk=order.pk).paid_at is not None
    assert world.problem.pk and violations == []


def test_five_wrong_passwords_lock_the_login_with_a_french_message(page, live_server, staff):
    for _ in range(5):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", staff.username)
        page.fill("#id_password", "not-the-password")
        page.click("button[type=submit]")
    expect(page.locator("#lockout")).to_contain_text("Trop de tentatives de connexion échouées")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", factories.STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#lockout")).to_contain_text("15 minutes")
    assert page.url.endswith("/admin/login/")
