"""KAMRI's product editor and the catalogue's bulk actions in a real browser, as an operator: French and
English texts with the toolbar, images reordered, option names, a fixed price; the storefront in both
languages at 1366 px and 390 px; a bulk status change that asks first and is journaled by name."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kamri.catalog.models import Product, ProductImage, Variant
from kamri.core.models import AdminAction
from tests import factories
from tests.e2e.conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def _shot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


@pytest.fixture
def operator(page, live_server, transactional_db):
    factories.staff_user("operatrice", role="operator")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "operatrice")
    return page


def _imported_like_cj(base: str) -> Product:
    """A product as a CJ import leaves it: English texts, CJ's option names."""
    product = Product.objects.create(
        title="Desk lamp LED foldable",
        description="Product information:\nMaterial: ABS\nPacking list: lamp x1",
        supplier_title="Desk lamp LED foldable",
        supplier_description="Product information:\nMaterial: ABS\nPacking list: lamp x1",
        status=Product.Status.ACTIVE,
        image_url=f"{base}/static/catalog/demo/lamp.svg",
    )
    ProductImage.objects.create(product=product, url=f"{base}/static/catalog/demo/candle.svg", position=1)
    for index, color in enumerate(("Black", "White")):
        Variant.objects.create(
            product=product, sku=f"LAMP-{index}", options={"Color": color}, price=Decimal("24.99"), stock=40
        )
    return product


def test_an_operator_edits_a_product_in_french_and_english_and_the_shop_shows_both(operator, live_server):
    base = live_server.url
    product = _imported_like_cj(base)
    operator.goto(f"{base}/admin/catalogue/")
    operator.locator(f"#product-{product.pk} .edit-link").click()
    expect(operator.locator("h1")).to_contain_text("Modifier le produit")
    expect(operator.locator("#supplier-original")).to_contain_text("Packing list: lamp x1")

    operator.fill("#id_title", "Lampe de bureau LED pliable")
    french = operator.locator("#texts-fr .rte-surface")
    french.click()
    operator.keyboard.press("Control+A")
    operator.keyboard.type("Une lampe ")
    operator.locator("#texts-fr .rte-bar button[data-cmd=bold]").click()
    operator.keyboard.type("pliable")
    operator.locator("#texts-fr .rte-bar button[data-cmd=bold]").click()
    operator.keyboard.type(" et douce pour les yeux.")
    operator.fill("#id_seo_title", "Lampe de bureau LED pliable | KAMRI")
    operator.fill("#id_title_en", "Foldable LED desk lamp")
    english = operator.locator("#texts-en .rte-surface")
    english.click()
    operator.keyboard.type("A foldable lamp, gentle on the eyes.")
    operator.fill("#id_opt0_fr", "Couleur")
    operator.fill("#id_opt0_en", "Colour")
    operator.fill("#id_opt0v0_fr", "Noir")
    operator.fill("#id_opt0v1_fr", "Blanc")
    operator.locator("#image-list .image-row").nth(1).locator("button[data-move=up]").click()
    operator.fill("#id_new_image_url", f"{base}/static/catalog/demo/mug.svg")
    first = product.variants.order_by("pk").first()
    operator.fill(f"#id_price_{first.pk}", "19,90")
    operator.screenshot(path=str(_shot("editor_filled_1366")), full_page=True)
    operator.click("#save-product")
    expect(operator.locator(".messages")).to_contain_text(
        "Produit « Lampe de bureau LED pliable » enregistré."
    )
    expect(french).to_contain_text("Une lampe pliable et douce pour les yeux.")
    operator.screenshot(path=str(_shot("editor_saved_1366")), full_page=True)

    product.refresh_from_db()
    assert "<strong>pliable</strong>" in product.description or "<b>pliable</b>" in product.description
    assert product.image_url.endswith("candle.svg")
    assert [image.url.rsplit("/", 1)[1] for image in product.images.all()] == ["lamp.svg", "mug.svg"]
    assert product.variants.get(pk=first.pk).price == Decimal("19.90")
    assert product.supplier_description.startswith("Product information")  # CJ's original kept

    for width in (1366, 390):
        operator.set_viewport_size({"width": width, "height": 800})
        operator.goto(f"{base}/produit/{product.slug}/")
        expect(operator.locator("h1")).to_have_text("Lampe de bureau LED pliable")
        expect(operator.locator(".desc strong, .desc b")).to_have_text("pliable")
        expect(operator.locator(".variants")).to_contain_text("Couleur : Noir")
        expect(operator.locator("#price")).to_have_text("19,90 €")
        assert "Packing list" not in operator.content()
        assert operator.title().startswith("Lampe de bureau LED pliable | KAMRI")
        operator.screenshot(path=str(_shot(f"editor_storefront_fr_{width}")), full_page=True)
        operator.locator(".langs button[value=en]").click()
        expect(operator.locator("h1")).to_have_text("Foldable LED desk lamp")
        expect(operator.locator(".desc")).to_contain_text("A foldable lamp, gentle on the eyes.")
        assert "<p>" not in operator.locator(".desc").inner_text()  # paragraphs, not their tags as text
        expect(operator.locator(".variants")).to_contain_text("Colour : Black")  # no English value: CJ's
        assert operator.evaluate("document.documentElement.scrollWidth") <= width
        operator.screenshot(path=str(_shot(f"editor_storefront_en_{width}")), full_page=True)
        operator.locator(".langs button[value=fr]").click()
        expect(operator.locator("h1")).to_have_text("Lampe de bureau LED pliable")


def test_a_bulk_status_change_asks_first_and_is_journaled_by_name(operator, live_server):
    lamp = factories.product(title="Lampe de chevet")
    mug = factories.product(title="Mug émaillé")
    kept = factories.product(title="Plaid en laine")
    operator.goto(f"{live_server.url}/admin/catalogue/")
    operator.check(f"#product-{lamp.pk} input[name=ids]")
    operator.check(f"#product-{mug.pk} input[name=ids]")
    operator.select_option("#bulk-status", "inactive")
    asked: list[str] = []
    operator.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    operator.click("#bulk-bar button[value=status]")
    operator.wait_for_timeout(300)
    assert asked and "disparaît de la boutique" in asked[0]
    assert set(Product.objects.values_list("status", flat=True)) == {"active"}  # dismissed: nothing changed

    operator.once("dialog", lambda dialog: dialog.accept())
    operator.click("#bulk-bar button[value=status]")
    expect(operator.locator(".messages")).to_contain_text(
        "Statut « Inactif » pour 2 produits : « Lampe de chevet », « Mug émaillé »."
    )
    operator.screenshot(path=str(_shot("catalogue_bulk_status_1366")), full_page=True)
    assert dict(Product.objects.values_list("title", "status")) == {
        "Lampe de chevet": "inactive",
        "Mug émaillé": "inactive",
        "Plaid en laine": "active",
    }
    row = AdminAction.objects.get(action="catalog:product_bulk")
    assert row.outcome == "ok" and "« Lampe de chevet », « Mug émaillé »" in row.message
    assert row.target == "« Lampe de chevet », « Mug émaillé » · statut"
    assert kept.pk


@pytest.mark.parametrize("width", [1366, 390])
def test_the_editor_of_a_cj_product_shows_cjs_change_and_reprices_with_the_rule(operator, live_server, width):
    from django.utils import timezone

    from kamri.catalog.pricing import PricingRule, Rounding, price_for
    from kamri.catalog.texts import record_supplier_text
    from kamri.cj.models import CJSettings
    from tests.e2e.test_price_changes import cj_product

    link = cj_product(
        "Lampe de bureau", "1700000000000000009", "1700000000000000109", cost="10.00", price="17.99"
    )
    product = link.variant.product
    record_supplier_text(product, title="Desk lamp", description="Old CJ text.")
    product.texts_edited_at = timezone.now()
    product.save()
    record_supplier_text(product, title="Desk lamp", description="New CJ text: now with USB-C.")
    operator.set_viewport_size({"width": width, "height": 800})
    operator.goto(f"{live_server.url}/admin/catalogue/{product.pk}/modifier/")
    expect(operator.locator("#supplier-text-notice")).to_contain_text("Texte CJ modifié depuis")
    expect(operator.locator("#supplier-original")).to_contain_text("New CJ text: now with USB-C.")
    expect(operator.locator("#id_margin_percent")).to_have_value("60,00")
    operator.fill("#id_margin_percent", "80")
    operator.select_option("#id_rounding", "90")
    operator.screenshot(path=str(_shot(f"editor_cj_rule_{width}")), full_page=True)
    operator.click("#save-product")
    expect(operator.locator(".messages")).to_contain_text("Prix recalculés avec la règle : 1.")
    expect(operator.locator("#supplier-text-notice")).to_have_count(0)  # seen
    expected = price_for(
        Decimal("10.00"), PricingRule(Decimal("80"), Rounding.NINETY), CJSettings.load().usd_rate
    )
    link.variant.refresh_from_db()
    assert link.variant.price == expected.price and not link.variant.price_fixed
    assert operator.evaluate("document.documentElement.scrollWidth") <= width


def test_a_wrong_price_in_the_editor_says_why_under_its_field(operator, live_server):
    product = factories.product(title="Lampe", price="10.00")
    variant = product.variants.get()
    operator.goto(f"{live_server.url}/admin/catalogue/{product.pk}/modifier/")
    operator.fill(f"#id_price_{variant.pk}", "abc")
    operator.click("#save-product")
    expect(operator.locator("#editor-errors")).to_contain_text("corrigez les champs signalés")
    expect(operator.locator(f"#id_price_{variant.pk}_error")).to_have_text(
        "Saisissez un prix, par exemple 12,50."
    )
    expect(operator.locator(f"#id_price_{variant.pk}")).to_have_value("abc")  # what was typed stays
    operator.screenshot(path=str(_shot("editor_price_refused_1366")), full_page=True)
    variant.refresh_from_db()
    assert variant.price == Decimal("10.00")
