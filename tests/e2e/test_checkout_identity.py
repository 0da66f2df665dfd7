"""The customs tax number and the house number appear at the checkout only for a country that needs them,
are required there with a French error, and nothing typed is lost (issue 14, Build point 5)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from kamri.orders.models import Order
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"checkout_identity_{name}.png"), full_page=True)


def test_brazil_asks_for_the_cpf_and_the_netherlands_for_the_house_number(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    product = factories.product(title="Lampe en laiton", price="49.90", stock=5)
    page.goto(f"{live_server.url}/produit/{product.slug}/")
    page.click("#add-to-cart")
    page.goto(f"{live_server.url}/commander/")

    tax_id, house_number = page.locator("#id_tax_id"), page.locator("#id_house_number")
    expect(tax_id).to_be_hidden()  # France: nobody asks for them
    expect(house_number).to_be_hidden()

    page.fill("#id_customer_name", "Ana Souza")
    page.fill("#id_email", "ana.souza@example.com")
    page.fill("#id_phone", "+55 11 91234 5678")
    page.select_option("#id_country", "NL")
    expect(house_number).to_be_visible()
    expect(page.locator("label[for=id_house_number] .req")).to_be_visible()
    expect(tax_id).to_be_hidden()

    page.select_option("#id_country", "BR")
    expect(tax_id).to_be_visible()
    expect(page.locator("label[for=id_tax_id]")).to_contain_text("Numéro fiscal du destinataire")
    expect(page.locator("label[for=id_tax_id] .req")).to_be_visible()
    expect(house_number).to_be_hidden()
    page.fill("#id_address1", "Avenida Paulista 1000")
    page.fill("#id_zip_code", "01310-100")
    page.fill("#id_city", "São Paulo")
    page.fill("#id_province", "SP")
    page.click("#place-order")

    expect(page.locator(".form-alert")).to_contain_text("Votre commande n'a pas encore été passée.")
    expect(page.locator("#id_tax_id-error")).to_have_text(
        "Le numéro CPF / CNPJ est obligatoire pour une livraison dans ce pays : la douane l'exige."
    )
    expect(tax_id).to_be_visible()  # shown again after the round trip: Brazil is still chosen
    expect(page.locator("#id_city")).to_have_value("São Paulo")  # nothing typed is lost
    expect(page.locator("#id_address1")).to_have_value("Avenida Paulista 1000")
    _shot(page, "1_brazil_error")
    assert Order.objects.count() == 0

    tax_id.fill("123.456.789-09")
    page.click("#place-order")
    expect(page).to_have_url(re.compile(r"/paiement/$"))
    order = Order.objects.get()
    assert (order.country, order.tax_id) == ("BR", "123.456.789-09")


def test_the_owner_sets_the_ioss_declaration_on_parametres(admin_page, live_server):
    from kamri.cj.models import CJSettings

    page = admin_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/cj/parametres/")
    section = page.locator("section.card", has_text="Déclaration IOSS (colis vers l'UE)")
    expect(section).to_be_visible()
    section.locator("#id_ioss_type").select_option("own")
    section.locator("#id_ioss_number").fill("IM25")
    page.click("#btn-save-settings")
    expect(page.locator("section.card", has_text="Déclaration IOSS")).to_contain_text(
        "Numéro IOSS invalide : IM suivi de 10 chiffres, par exemple IM2500012345."
    )
    page.locator("#id_ioss_number").fill("IM 2500 012 345")
    page.click("#btn-save-settings")
    expect(page.locator(".messages, .alert").first).to_contain_text("Paramètres enregistrés.")
    expect(page.locator("#id_ioss_number")).to_have_value("IM2500012345")
    page.locator("section.card", has_text="Déclaration IOSS").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "checkout_identity_2_parametres_ioss.png"))
    saved = CJSettings.load()
    assert (saved.ioss_type, saved.ioss_number) == ("own", "IM2500012345")
