"""Issue 13 in the browser: the stored key stays at its address, an interrupted sync says why, checkout is limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kamri.cj import jobs
from kamri.cj.models import CJAccount, SyncRun
from tests import factories
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_storefront import US_CUSTOMER, _fill_address

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"security_{name}.png"), full_page=True)


def test_configuration_refuses_to_send_the_stored_key_to_another_address(admin_page, live_server, cj_account):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/configuration/")
    page.fill("#id_custom_base_url", "https://10.0.0.8/api2.0/v1/")
    page.click("#btn-save")
    expect(page.locator("form#cj-settings-form")).to_contain_text("réseau privé")
    page.fill("#id_custom_base_url", "https://cj-mirror.example.com/api2.0/v1/")
    page.click("#btn-save")
    expect(page.locator("form#cj-settings-form")).to_contain_text("saisissez à nouveau la clé API")
    _shot(page, "configuration_stored_key_stays")
    assert CJAccount.objects.get().base_url == cj_account.base_url


def test_an_interrupted_sync_says_where_and_why_it_stopped(admin_page, live_server, cj_account):
    past = timezone.now() - timedelta(minutes=30)
    run = SyncRun.objects.create(kind=SyncRun.Kind.STOCK, total=9, status=SyncRun.Status.RUNNING)
    SyncRun.objects.filter(pk=run.pk).update(created_at=past, started_at=past, heartbeat_at=past)
    assert jobs.sweep() == {"resumed": 0, "closed": 1}
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/synchronisations/{run.pk}/")
    expect(page.locator("#sync-progress")).to_contain_text("Interrompue à 0/9")
    expect(page.locator("#sync-progress")).to_contain_text("Échec")
    _shot(page, "sync_interrupted")


def test_checkout_beyond_the_limit_says_to_wait(page, live_server, settings):
    settings.KAMRI_CHECKOUT_MAX_ORDERS = 1
    variant = factories.product(title="Lampe en laiton", price="49.90", stock=9).variants.get()
    for attempt in range(2):
        page.goto(f"{live_server.url}/produit/{variant.product.slug}/")
        page.click("#add-to-cart")
        page.click("#go-checkout")
        _fill_address(page, US_CUSTOMER)
        page.click("#place-order")
        if attempt == 0:
            page.wait_for_url("**/paiement/")
    expect(page.locator(".form-alert")).to_contain_text("Trop de commandes en peu de temps")
    _shot(page, "checkout_rate_limited")
