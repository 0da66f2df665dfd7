"""Issue 20 in a real browser at 1366×768: the defects a shop owner hit in a day of use."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kamri.cj.models import CJSettings, WebhookEvent
from kamri.cj.sync import catalog_sync
from tests.e2e.test_price_changes import cj_product

pytestmark = pytest.mark.browser


@pytest.fixture
def laptop(admin_page):
    admin_page.set_viewport_size({"width": 1366, "height": 768})
    return admin_page


def _no_horizontal_overflow(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366


def test_price_changes_fit_at_1366_px_with_every_button_visible(laptop, live_server):
    lamp = cj_product(
        "Lampe de bureau LED pliable avec port USB et variateur tactile trois niveaux",
        "1700000000000000001",
        "1700000000000000101",
        cost="10.00",
        price="14.99",
    )
    change = catalog_sync.apply_cost_change(lamp, Decimal("13.50"), source="sync").change
    laptop.goto(f"{live_server.url}/admin/cj/prix/")
    reject = laptop.locator(f"#change-{change.pk}").get_by_role("button", name="Refuser")
    expect(reject).to_be_visible()
    box = reject.bounding_box()
    card = laptop.locator("#pending-changes").bounding_box()
    assert box["x"] + box["width"] <= card["x"] + card["width"]
    _no_horizontal_overflow(laptop)


def test_disabling_webhooks_asks_first(laptop, live_server):
    CJSettings.objects.update_or_create(pk=1, defaults={"webhooks_enabled": True})
    laptop.goto(f"{live_server.url}/admin/cj/webhooks/")
    asked: list[str] = []
    laptop.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    laptop.click("#btn-disable")
    laptop.wait_for_timeout(300)
    assert asked and "Désactiver les webhooks ?" in asked[0]
    assert CJSettings.objects.get(pk=1).webhooks_enabled


def test_retrying_the_filtered_webhooks_asks_first(laptop, live_server):
    event = WebhookEvent.objects.create(
        message_id="m-1",
        type="STOCK",
        raw_body="{}",
        status=WebhookEvent.Status.ERROR,
        received_at=timezone.now(),
    )
    laptop.goto(f"{live_server.url}/admin/cj/webhooks/journal/")
    asked: list[str] = []
    laptop.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    laptop.click("#btn-retry-bulk")
    laptop.wait_for_timeout(300)
    assert asked and "pas seulement cette page" in asked[0]
    assert WebhookEvent.objects.get(pk=event.pk).status == WebhookEvent.Status.ERROR


@pytest.mark.parametrize("width", [1366, 390])
def test_product_page_names_options_and_shows_availability_not_the_stock(page, live_server, width):
    from tests import factories

    page.set_viewport_size({"width": width, "height": 800})
    shirt = factories.product(title="T-shirt coton bio", variants=2, stock=2753)
    low = shirt.variants.order_by("id").last()
    low.stock = 2
    low.save()
    page.goto(f"{live_server.url}/produit/{shirt.slug}/")
    expect(page.locator(".variants")).to_contain_text("Taille : T0")
    expect(page.locator("#availability")).to_have_text("En stock")
    page.locator(".variants label").nth(1).click()
    expect(page.locator("#availability")).to_have_text("Plus que 2 en stock")
    assert "2753" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_refused_save_reads_refusee_in_the_journal_with_its_message(laptop, live_server):
    CJSettings.load()
    laptop.goto(f"{live_server.url}/admin/cj/parametres/")
    laptop.fill("#id_default_margin_percent", "-5")
    laptop.click("#btn-save-settings")
    laptop.goto(f"{live_server.url}/admin/journal/")
    row = laptop.locator("#activity tbody tr").first
    expect(row).to_contain_text("Enregistrer les paramètres")
    expect(row).to_contain_text("Refusée")
    expect(row).to_contain_text("Marge")
    _no_horizontal_overflow(laptop)


def test_webhooks_card_shows_a_french_sentence_for_a_failed_message(laptop, live_server):
    WebhookEvent.objects.create(
        message_id="m-2",
        type="STOCK",
        raw_body="[]",
        status=WebhookEvent.Status.ERROR,
        received_at=timezone.now(),
        last_error="Le message de CJ est incomplet ou mal formé : il n'a pas été appliqué. KAMRI réessaie "
        "automatiquement ; si l'erreur persiste, utilisez « Retraiter » après correction.",
    )
    laptop.goto(f"{live_server.url}/admin/cj/webhooks/")
    expect(laptop.locator("body")).to_contain_text("incomplet ou mal formé")
    _no_horizontal_overflow(laptop)


def test_grid_shows_france_stock_and_details_say_where_orders_ship_from(laptop, live_server, cj_account):
    laptop.goto(f"{live_server.url}/admin/cj/produits/")
    laptop.fill("#id_q", "phone case")
    laptop.select_option("#id_country", "FR")
    laptop.click("#btn-search")
    first = laptop.locator(".pcard").first
    expect(first.locator("[data-country-stock='FR']")).to_contain_text("France")
    expect(first.locator(".country-stock")).to_contain_text("total")
    _no_horizontal_overflow(laptop)
    laptop.screenshot(path=str(_shot("owner_grid_france_stock")), full_page=True)
    first.locator("text=Détails").click()
    table = laptop.locator("#ship-from")
    table.scroll_into_view_if_needed()
    expect(table.locator("tr[data-destination='FR']")).to_contain_text("Entrepôt")
    expect(table.locator("tr[data-destination='US'] td").nth(2)).not_to_have_text("…")
    _no_horizontal_overflow(laptop)


def _shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.mark.parametrize("width", [1366, 390])
def test_checkout_asks_for_the_cgv_linked_from_the_footer(page, live_server, width):
    from kamri.legal.models import CGVAcceptance, LegalPage
    from tests import factories
    from tests.storefront.helpers import ADDRESS

    page.set_viewport_size({"width": width, "height": 800})
    LegalPage.objects.create(kind="cgv", title="Conditions générales de vente", body="Article 1 : objet.")
    lamp = factories.product(title="Lampe de chevet", stock=4)
    page.goto(f"{live_server.url}/produit/{lamp.slug}/")
    page.click("#add-to-cart")
    page.goto(f"{live_server.url}/commander/")
    for name, value in ADDRESS.items():
        if name == "country":
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)
    page.click("#place-order")
    expect(page.locator(".cgv .error")).to_contain_text("Cochez la case")
    page.screenshot(path=str(_shot(f"owner_checkout_cgv_{width}")), full_page=True)
    page.check("#id_accept_cgv")
    page.click("#place-order")
    page.wait_for_url("**/paiement/")
    assert CGVAcceptance.objects.count() == 1
    expect(page.locator(".legal-links")).to_contain_text("Conditions générales de vente")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
