"""Issue 18 in a real browser: a CJ product to France pays CJ's freight + 10 % with a delivery window, VAT shown,
the total is items + shipping, the invoice PDF downloads with its number, VAT and total; Germany gets 19 %;
an order above 50 € ships free ("Offerte"); the Livraison page edits rules and VAT rates."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from kamri.orders.models import Order, ShippingRule, VatRate
from tests.cj.helpers import import_cj_products, stocked_variant
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkout_{name}.png"), full_page=True)


def _euros(text: str) -> Decimal:
    found = re.search(r"(\d[\d\u202f ]*,\d\d)", text)
    assert found, text
    return Decimal(found.group(1).replace("\u202f", "").replace(" ", "").replace(",", "."))


def _fill_address(page, country: str, zip_code: str, city: str) -> None:
    page.fill("#id_customer_name", "Camille Martin")
    page.fill("#id_email", "camille.martin@example.fr")
    page.fill("#id_phone", "+33 6 12 34 56 78")
    page.select_option("#id_country", country)
    page.fill("#id_address1", "12 rue Oberkampf")
    page.fill("#id_zip_code", zip_code)
    page.fill("#id_city", city)


def test_a_cj_product_to_france_pays_shipping_shows_vat_and_gets_its_invoice(page, live_server, cj_account):
    page.set_viewport_size({"width": 1366, "height": 768})
    variant = stocked_variant(import_cj_products(1, country="US")[0])
    variant.price, variant.stock = Decimal("12.00"), 40
    variant.save(update_fields=["price", "stock"])

    page.goto(f"{live_server.url}/produit/{variant.product.slug}/")
    expect(page.locator("#delivery-window")).to_contain_text(re.compile(r"Livraison estimée entre le \d+"))
    _shot(page, "1_product")
    page.click(f".variants label:has(input[value='{variant.pk}'])")
    page.click("#add-to-cart")
    expect(page).to_have_url(f"{live_server.url}/panier/")
    shipping = _euros(page.locator("#summary-shipping").inner_text())
    assert shipping > 0
    expect(page.locator(".summary")).not_to_contain_text(
        "Tarif du transporteur"
    )  # the shop's markup: not shown
    expect(page.locator("#summary-vat")).to_be_visible()
    expect(page.locator(".summary dt.vat")).to_contain_text("dont TVA 20 %")
    expect(page.locator("#delivery-window")).to_contain_text("Livraison estimée entre le")
    total = _euros(page.locator("#summary-total").inner_text())
    items = _euros(page.locator(".summary .mini-lines .amount").first.inner_text())
    assert total == items + shipping
    _shot(page, "2_cart_france")

    page.click("#go-checkout")
    expect(page.locator("#summary-shipping")).to_contain_text(f"{shipping:.2f}".replace(".", ","))
    _fill_address(page, "FR", "75011", "Paris")
    _shot(page, "3_checkout")
    page.click("#place-order")
    expect(page.locator("h1.page-title")).to_have_text("Paiement")
    expect(page.locator("#pay")).to_contain_text(f"Payer {total:.2f}".replace(".", ","))
    expect(page.locator("#order-vat")).to_be_visible()
    page.click("#pay")
    expect(page.locator("h1")).to_have_text("Merci pour votre commande !")
    order = Order.objects.get(number=page.locator("#order-number").inner_text())
    assert (order.shipping_total, order.total, order.vat_rate) == (shipping, total, Decimal("20.00"))
    assert order.vat_total == (total * 20 / 120).quantize(Decimal("0.01"))
    assert order.shipping_quote and order.shipping_quote < shipping and order.delivery_max
    invoice = order.invoices.get()

    page.click("#order-link")
    expect(page.locator("#delivery-window")).to_contain_text("Livraison estimée entre le")
    expect(page.locator("#order-vat")).to_contain_text(f"{order.vat_total:.2f}".replace(".", ","))
    _shot(page, "4_order")
    with page.expect_download() as download:
        page.click(f"#invoice-{invoice.number}")
    pdf = download.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\u202f", " ")
    text = text.replace("\u00a0", " ")
    assert invoice.number in text and "TVA 20 %" in text
    assert f"{order.vat_total:.2f} €".replace(".", ",") in text and f"{total:.2f} €".replace(".", ",") in text
    if shutil.which("pdftoppm"):  # the PDF as a picture, to look at
        (SCREENSHOTS / "checkout_5_invoice.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-singlefile", str(SCREENSHOTS / "checkout_5_invoice.pdf"),
             str(SCREENSHOTS / "checkout_5_invoice")],
            check=True, timeout=60,
        )  # fmt: skip

    # Germany: the German rate; five units (60 €) pass the free-shipping threshold
    page.goto(f"{live_server.url}/produit/{variant.product.slug}/")
    page.click(f".variants label:has(input[value='{variant.pk}'])")
    page.fill("#quantity", "5")
    page.click("#add-to-cart")
    page.select_option("#ship-country", "DE")
    page.click("#ship-to button")
    expect(page.locator(".summary dt.vat")).to_contain_text("dont TVA 19 %")
    expect(page.locator("#summary-shipping")).to_have_text("Offerte")
    expect(page.locator("#summary-total")).to_contain_text("60,00")
    expect(page.locator("#summary-vat")).to_contain_text("9,58")  # 60 × 19 / 119
    _shot(page, "6_cart_germany_free")


def test_admin_livraison_page_adds_a_rule_and_edits_a_vat_rate(admin_page, live_server):
    page = admin_page
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click("nav >> text=Livraison")
    expect(page.locator("nav a.active")).to_have_text("Livraison")  # its own section, not under Commandes
    expect(page.locator("h1")).to_have_text("Livraison")
    expect(page.locator("table[data-zone='*']")).to_contain_text("Tarif du transporteur + 10 %")
    page.select_option("#id_zone", "FR")
    page.select_option("#id_kind", "flat")
    page.fill("#id_amount", "")
    page.click("#btn-add-rule")
    expect(page.locator(".field", has=page.locator("#id_amount"))).to_contain_text(
        "Indiquez le montant du forfait"
    )
    page.fill("#id_amount", "4,90")
    page.click("#btn-add-rule")
    expect(page.locator(".messages")).to_contain_text("Règle ajoutée : Forfait 4,90")
    expect(page.locator("table[data-zone='FR']")).to_contain_text("Forfait 4,90")
    assert ShippingRule.objects.get(zone="FR").amount == Decimal("4.90")
    expect(page.locator("table[data-zone='*']")).to_contain_text("Offerte dès 50,00")  # the rest of the world
    page.fill("#id_DE", "7")
    page.click("#btn-save-vat")
    expect(page.locator(".messages")).to_contain_text("Taux de TVA enregistrés")
    assert VatRate.objects.get(country="DE").rate == Decimal("7")
    expect(page.locator("#id_DE")).to_have_value("7,00")
    _shot(page, "7_livraison")
