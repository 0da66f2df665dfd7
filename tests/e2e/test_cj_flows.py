"""The CJ chapters of the guide, clicked through in a real browser against the sandbox and a real worker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kamri.catalog.models import Product
from kamri.catalog.pricing import PricingRule, Rounding, price_for
from kamri.cj.models import CJAccount, CJApiCall, CJOrder, CJSettings, WebhookEvent
from kamri.cj.webhooks import webhook_inbox
from kamri.orders.models import Order
from tests.cj.helpers import control, import_cj_products, paid_order, sandbox_orders, stocked_variant
from tests.conftest import SANDBOX_API_KEY, wait_for
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"cj_{name}.png"), full_page=True)


def test_configuration_test_then_save_then_status(admin_page, live_server, cj_sandbox):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/configuration/")
    expect(page.locator("h1")).to_have_text("Configuration")
    page.fill("#id_api_key", "CJ1111111@api@ffffffffffffffffffffffffffffffff")
    page.select_option("#id_tier", "free")
    page.click("#btn-test")
    expect(page.locator("#test-result")).to_contain_text("Déconnecté")
    expect(page.locator("#test-result")).to_contain_text("1600001")
    page.fill("#id_api_key", SANDBOX_API_KEY)
    page.select_option("#id_tier", "plus")
    page.click("#btn-test")
    expect(page.locator("#test-result")).to_contain_text("Connecté")
    expect(page.locator("#test-result")).to_contain_text("KAMRI utilise 2 requêtes/s")
    assert not CJAccount.objects.exists()
    page.fill("#id_api_key", SANDBOX_API_KEY)
    page.click("#btn-save")
    expect(page.locator(".messages")).to_contain_text("Connexion à CJ réussie")
    expect(page.locator("h1")).to_have_text("CJ Dropshipping")
    expect(page.locator("#cj-status")).to_contain_text("Connecté")
    assert CJApiCall.objects.filter(endpoint="authentication/getAccessToken", ok=True).count() == 1
    page.goto(f"{live_server.url}/admin/cj/configuration/")
    assert SANDBOX_API_KEY not in page.content()
    expect(page.locator("form#cj-settings-form")).to_contain_text(SANDBOX_API_KEY[-4:])


def test_search_details_import_then_catalogue_and_storefront(admin_page, live_server, cj_account):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/produits/")
    page.fill("#id_q", "phone case")
    page.fill("#id_min_price", "2")
    page.fill("#id_max_price", "10")
    page.select_option("#id_country", "US")
    page.click("#btn-search")
    cards = page.locator(".pcard")
    expect(cards.first).to_be_visible()
    _shot(page, "1_products_grid")
    cards.first.locator("text=Détails").click()
    expect(page.locator("#variants tbody tr").first).to_be_visible()
    expect(page.locator("#gallery img").first).to_be_visible()
    page.click("#btn-freight")
    expect(page.locator("#freight-options tbody tr").first).to_be_visible()
    if page.locator("#reviews-next").count():
        page.click("#reviews-next")
        expect(page.locator("#review-list")).to_be_visible()
    _shot(page, "2_product_detail")
    page.fill("#id_new_category", "Coques")
    page.fill("#id_margin_percent", "50")
    page.select_option("#id_status", "active")
    expect(page.locator("#price-preview")).to_be_visible()
    page.click("#btn-import")
    expect(page.locator(".messages")).to_contain_text("Produit importé")
    expect(page.locator("h1 .badge.cj")).to_be_visible()
    product = Product.objects.get(source=Product.Source.CJ)
    assert product.status == "active" and product.category.name == "Coques"
    rule = PricingRule(Decimal("50"), Rounding(CJSettings.load().default_rounding))
    rate = CJSettings.load().usd_rate
    for variant in product.variants.select_related("cj_link"):
        assert variant.price == price_for(variant.cj_link.cost_usd, rule, rate).price
    page.goto(f"{live_server.url}/admin/catalogue/?source=cj")
    expect(page.locator("table.data")).to_contain_text(product.title[:20])
    page.goto(f"{live_server.url}/")
    expect(page.locator(".products")).to_contain_text(product.title[:20])


def test_paid_order_is_placed_shipped_synced_and_tracked(
    page, live_server, staff, cj_account, cj_sandbox, huey_consumer
):
    first, second = import_cj_products(2)
    variants = [stocked_variant(first), stocked_variant(second)]
    for product, variant in zip((first, second), variants, strict=True):
        page.goto(f"{live_server.url}/produit/{product.slug}/")
        page.locator(f".variants label:has(input[value='{variant.pk}'])").click()
        page.click("#add-to-cart")
    page.click("#go-checkout")
    page.fill("#id_customer_name", "Jane Doe")
    page.fill("#id_email", "jane@example.com")
    page.fill("#id_phone", "+1 415 555 0134")
    page.select_option("#id_country", "US")
    page.fill("#id_province", "CA")
    page.fill("#id_city", "San Francisco")
    page.fill("#id_zip_code", "94103")
    page.fill("#id_address1", "500 Howard St")
    page.click("#place-order")
    page.click("#pay")
    number = page.locator("#order-number").inner_text()
    order = Order.objects.get(number=number)

    row = wait_for(lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).first())
    remote = [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == number]
    assert len(remote) == 1 and remote[0]["logisticName"] == row.logistic_name
    assert sorted(line["vid"] for line in remote[0]["lines"]) == sorted(v.cj_link.vid for v in variants)
    assert remote[0]["shipping"]["shippingZip"] == "94103"

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "correct-horse-battery-9")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/admin/cj/commandes/")
    expect(page.locator("#cj-orders")).to_contain_text(number)

    control(cj_sandbox, f"orders/{row.cj_order_id}/ship")  # KAMRI paid it itself; CJ's warehouse ships
    page.click("#btn-sync-orders")
    expect(page.locator("#sync-progress")).to_have_attribute("data-status", "done", timeout=20_000)
    expect(page.locator("#sync-summary")).to_contain_text("1 numéro de suivi récupéré")
    row.refresh_from_db()
    page.goto(f"{live_server.url}/admin/cj/commandes/")
    expect(page.locator("#cj-orders")).to_contain_text("SHIPPED")
    _shot(page, "3_orders")
    expect(page.locator("#cj-orders")).to_contain_text(row.track_number)

    page.goto(f"{live_server.url}/commande/{order.access_key}/")
    expect(page.locator("#tracking")).to_contain_text(row.track_number)

    control(cj_sandbox, f"orders/{row.cj_order_id}/deliver")
    page.goto(f"{live_server.url}/admin/cj/commandes/")
    page.click("#btn-sync-orders")
    expect(page.locator("#sync-progress")).to_have_attribute("data-status", "done", timeout=20_000)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    page.goto(f"{live_server.url}/commande/{order.access_key}/")
    expect(page.locator("#order-status")).to_have_text("Livrée")


def test_webhooks_enabled_order_and_stock_arrive(
    admin_page, live_server, cj_account, cj_sandbox, huey_consumer, settings
):
    settings.KAMRI_PUBLIC_URL = live_server.url
    from kamri.cj.connection import account as connection

    connection.check_credentials(api_key=SANDBOX_API_KEY, base_url=cj_sandbox.base_url, tier="advanced")
    (product,) = import_cj_products(1)
    variant = stocked_variant(product)

    order = paid_order([variant])
    row = wait_for(lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).first())

    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/webhooks/")
    webhook_inbox.forget_config()
    page.click("#btn-enable")
    expect(page.locator(".messages")).to_contain_text("Webhooks activés")
    expect(page.locator("#webhooks-state")).to_have_text("Activés")
    page.click("#btn-check")
    expect(page.locator("#webhook-check")).to_contain_text("celle de KAMRI")
    expect(page.locator("#webhook-check")).to_contain_text("Activé")
    _shot(page, "webhook_check")

    control(cj_sandbox, f"orders/{row.cj_order_id}/ship")  # KAMRI paid it itself; CJ's warehouse ships
    wait_for(
        lambda: (
            WebhookEvent.objects.filter(type="ORDER", status="processed").exists()
            and WebhookEvent.objects.filter(type="LOGISTIC", status="processed").exists()
        ),
        timeout=30,
    )
    page.goto(f"{live_server.url}/admin/cj/webhooks/journal/")
    expect(page.locator("#webhook-log")).to_contain_text("Traité")
    _shot(page, "4_webhook_log")
    page.goto(f"{live_server.url}/admin/cj/webhooks/")
    _shot(page, "5_webhooks")
    row.refresh_from_db()
    assert row.track_number
    page.goto(f"{live_server.url}/admin/cj/commandes/{row.pk}/")
    expect(page.locator("#track-number")).to_have_text(row.track_number)
    expect(page.locator("#timeline")).to_contain_text(
        "Statut CJ"
    )  # the timeline's labels from OrderEvent.Type
    _shot(page, "5b_cj_order_detail")

    control(
        cj_sandbox,
        f"variants/{variant.cj_link.vid}/stock",
        {"countryCode": "US", "cjInventory": 0, "factoryInventory": 0},
    )
    for country in ("CN", "DE", "FR", "GB"):
        control(
            cj_sandbox,
            f"variants/{variant.cj_link.vid}/stock",
            {"countryCode": country, "cjInventory": 0, "factoryInventory": 0},
        )
    wait_for(lambda: WebhookEvent.objects.filter(type="STOCK", status="processed").count() >= 5, timeout=30)
    variant.refresh_from_db()
    assert variant.stock == 0
    page.goto(f"{live_server.url}/produit/{product.slug}/")
    expect(page.locator(f".variants label:has(input[value='{variant.pk}'])")).to_have_class("out")


def test_automation_settings_page(admin_page, live_server):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/")
    page.click(".sidebar >> text=Paramètres")
    expect(page.locator("h1")).to_have_text("Paramètres")
    page.fill("#id_default_margin_percent", "55")
    page.check("input[name=stock_countries][value=FR]")
    page.select_option("#id_logistic_rule", "fastest")
    _shot(page, "6_settings")
    page.click("#btn-save-settings")
    expect(page.locator(".messages")).to_contain_text("Paramètres enregistrés")
    settings_row = CJSettings.load()
    assert settings_row.default_margin_percent == Decimal("55") and settings_row.stock_countries == ["FR"]


def test_tracking_syncs_and_logs_pages(admin_page, live_server, cj_account, cj_sandbox):
    from kamri.cj.orders import order_sync
    from kamri.cj.orders import placement as orders

    (product,) = import_cj_products(1)
    variant = stocked_variant(product)
    order = paid_order([variant])
    row = orders.place(orders.queue_for_order(order.pk).pk)
    control(cj_sandbox, f"orders/{row.cj_order_id}/ship")  # KAMRI paid it itself; CJ's warehouse ships
    order_sync.run(order_sync.start(enqueue=False).pk)
    row.refresh_from_db()

    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/")
    page.click(".sidebar >> text=Suivi des colis")
    page.fill("#id_numbers", row.track_number)
    page.click("#btn-track")
    expect(page.locator("#tracking-results")).to_contain_text(row.track_number)
    expect(page.locator("#tracking-results")).to_contain_text(row.order_number)
    _shot(page, "7_tracking")
    page.click(".sidebar >> text=Synchronisations")
    expect(page.locator("table.data")).to_contain_text("Synchronisation des commandes")
    page.locator("table.data a").first.click()
    expect(page.locator("#sync-progress")).to_have_attribute("data-status", "done")
    page.click(".sidebar >> text=Synchronisations")
    page.click("#btn-sync-stock")  # the stock sync starts from here too, and opens its progress page
    expect(page.locator("#sync-progress")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("stock")
    _shot(page, "sync_progress")
    page.click(".sidebar >> text=Logs et métriques")
    expect(page.locator("#endpoint-stats")).to_contain_text("shopping/order/createOrderV2")
    _shot(page, "8_logs")
    page.goto(f"{live_server.url}/page-qui-n-existe-pas/")
    expect(page.locator("h1")).to_have_text("Page introuvable")


def test_product_search_with_bad_values_says_what_is_wrong_and_keeps_the_search(
    admin_page, live_server, cj_account
):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/")
    page.locator("#qa-products .chip", has_text="Colliers à moins de 10 $").click()
    expect(page.locator(".pcard").first).to_be_visible()
    page.fill("#id_q", "phone case")
    page.fill("#id_min_price", "10")
    page.fill("#id_max_price", "2")
    page.select_option("#id_country", "US")
    page.click("#btn-search")
    expect(page.locator("#search-invalid")).to_contain_text("corrigez le champ signalé en rouge")
    expect(page.locator("#id_max_price")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_max_price + .errorlist")).to_contain_text("supérieur au prix min")
    expect(page.locator("#id_q")).to_have_value("phone case")
    expect(page.locator("#id_country")).to_have_value("US")
    expect(page.locator(".empty")).to_have_count(0)
    _shot(page, "9_search_inverted_prices")
    page.fill("#id_max_price", "20")
    page.click("#btn-search")
    expect(page.locator(".pcard").first).to_be_visible()
    page.goto(page.url + "&page=abc&sort=cheapest")
    expect(page.locator("#search-ignored")).to_contain_text("ignorés : Tri, Page.")
    expect(page.locator(".pcard").first).to_be_visible()
    expect(page.locator("#id_q")).to_have_value("phone case")
    _shot(page, "10_search_ignored_parameters")
    page.click("label[for=id_bulk-category]")
    expect(page.locator("#id_bulk-category")).to_be_focused()
    page.click("label[for=id_category]")
    expect(page.locator("#id_category")).to_be_focused()
    page.fill("#id_q", "montre")
    page.fill("#id_min_price", "")
    page.fill("#id_max_price", "")
    page.click("#btn-search")
    expect(page.locator("#search-empty")).to_contain_text("Le catalogue CJ est en anglais")
    _shot(page, "11_search_french_keyword")


def _expect_refused_with_the_owners_values(page, id_prefix: str) -> None:
    """The banner, the margin typed (outlined, its error under it) and the new category kept."""
    expect(page.locator(".messages")).to_contain_text("Vérifiez la marge")
    margin = page.locator(f"#{id_prefix}margin_percent")
    expect(margin).to_have_value("99999999999")
    expect(margin).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{id_prefix}margin_percent ~ .errorlist")).to_contain_text(
        "Une marge entre 0 et 1000 %, par exemple 60."
    )
    expect(page.locator(f"#{id_prefix}new_category")).to_have_value("Coques")


def test_import_with_a_bad_margin_comes_back_with_the_values_and_the_error(
    admin_page, live_server, cj_account
):
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/produits/?q=phone+case&country=US")
    page.locator(".pcard input[name=pids]").first.check()
    page.fill("#id_bulk-margin_percent", "99999999999")
    page.fill("#id_bulk-new_category", "Coques")
    page.click("#btn-bulk-import")
    _expect_refused_with_the_owners_values(page, "id_bulk-")
    expect(page.locator(".pcard input[name=pids]").first).to_be_checked()
    _shot(page, "12_bulk_import_bad_margin")

    page.locator(".pcard >> text=Détails").first.click()
    expect(page.locator("#cj-description p")).to_contain_text("Product information:")
    page.fill("#id_new_category", "Coques")
    page.select_option("#id_status", "inactive")
    page.fill("#id_margin_percent", "99999999999")
    page.click("#btn-import")
    _expect_refused_with_the_owners_values(page, "id_")
    expect(page.locator("#id_status")).to_have_value("inactive")
    _shot(page, "13_import_bad_margin")
    page.fill("#id_margin_percent", "45")
    page.click("#btn-import")
    expect(page.locator(".messages")).to_contain_text("Produit importé")
    product = Product.objects.get(source=Product.Source.CJ)
    assert product.status == "inactive" and product.category.name == "Coques"
    assert product.cj_link.margin_percent == Decimal("45")


def test_parcel_tracking_with_a_known_and_an_unknown_number(admin_page, live_server, cj_account, cj_sandbox):
    from kamri.cj.orders import placement as orders
    from tests.cj.helpers import cj_row, ship_and_sync

    (product,) = import_cj_products(1)
    row = ship_and_sync(cj_sandbox, orders.place(cj_row(paid_order([stocked_variant(product)])).pk))
    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/")
    page.click(".sidebar >> text=Suivi des colis")
    page.fill("#id_numbers", f"{row.track_number}, INCONNU123")
    page.click("#btn-track")
    rows = page.locator("#tracking-results tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(row.track_number)
    expect(rows.nth(0)).to_contain_text(row.order_number)
    status = rows.nth(0).locator(".badge")
    expect(status).to_have_text("En transit")
    expect(status).to_have_attribute("title", "Statut CJ : In transit")
    expect(rows.nth(1)).to_contain_text("INCONNU123")
    expect(rows.nth(1)).to_contain_text("Introuvable chez CJ")
    _shot(page, "14_tracking_known_and_unknown")
