"""A customer buys two variants in a real browser, pays (demo), follows the order; the admin sees it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kamri.catalog.models import Category, Variant
from kamri.orders.models import Order
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"storefront_{name}.png"), full_page=True)


def _catalogue(live_server) -> tuple[Variant, Variant]:
    maison = Category.objects.create(name="Maison")
    cuisine = Category.objects.create(name="Cuisine", position=1)  # listed: it has something to sell
    static = f"{live_server.url}/static/catalog/demo"
    lamp = factories.product(title="Lampe en laiton", category=maison, variants=2, price="49.90", stock=4)
    lamp.image_url = f"{static}/lamp.svg"
    lamp.description = "Lampe de table en laiton brossé, abat-jour en lin."
    lamp.save()
    small, large = lamp.variants.all()
    small.options, large.options = {"Taille": "Petite"}, {"Taille": "Grande"}
    large.price = Decimal("69.90")
    small.save()
    large.save()
    cushion = factories.product(title="Coussin en lin lavé", category=maison, price="24.00", stock=10)
    cushion.image_url = f"{static}/cushion.svg"
    cushion.save()
    mug = factories.product(title="Tasse en grès émaillé", category=cuisine, price="14.50", stock=0)
    mug.image_url = f"{static}/mug.svg"
    mug.save()
    return large, cushion.variants.get()


def test_customer_buys_two_variants_pays_and_follows_the_order(page, live_server, staff):
    lamp, cushion = _catalogue(live_server)

    # the shop
    page.goto(f"{live_server.url}/")
    expect(page.locator(".hero h1")).to_have_text("Nouveautés")
    expect(page.locator("#cart-count")).to_have_text("0")
    expect(page.locator(".tile", has_text="Tasse en grès émaillé")).to_contain_text("Épuisé")
    _shot(page, "1_home")

    # first variant: the large lamp, twice
    page.click("text=Lampe en laiton")
    expect(page.locator("h1")).to_have_text("Lampe en laiton")
    page.click(".variants label:has-text('Grande')")
    expect(page.locator("#price")).to_contain_text("69,90")
    page.fill("#quantity", "2")
    _shot(page, "2_product")
    page.click("#add-to-cart")
    expect(page).to_have_url(f"{live_server.url}/panier/")
    expect(page.locator(".messages")).to_contain_text("a été ajouté à votre panier")
    expect(page.locator("#cart-count")).to_have_text("2")

    # second product, then change its quantity in the cart
    page.click(".logo")
    page.click("text=Coussin en lin lavé")
    page.click("#add-to-cart")
    expect(page.locator("#cart-count")).to_have_text("3")
    row = page.locator(f"tr[data-variant='{cushion.pk}']")
    row.locator("input[name=quantity]").fill("3")
    row.locator("button:has-text('Mettre à jour')").click()
    expect(page.locator(".messages")).to_contain_text("Quantité mise à jour")
    expect(page.locator("#cart-count")).to_have_text("5")
    expect(page.locator("#summary-total")).to_contain_text("211,80")  # 2×69,90 + 3×24,00
    _shot(page, "3_cart")

    # checkout: a mistake first, nothing typed is lost
    page.click("#go-checkout")
    expect(page.locator("h1.page-title")).to_have_text("Adresse de livraison")
    page.fill("#id_customer_name", "Camille Martin")
    page.fill("#id_email", "camille.martin@example.fr")
    page.fill("#id_phone", "+32 470 12 34 56")
    page.select_option("#id_country", "BE")
    page.fill("#id_address1", "Rue Neuve")
    page.fill("#id_house_number", "21")  # shown for Belgium: its carriers want it apart
    page.fill("#id_zip_code", "75011")  # not a Belgian postcode
    page.fill("#id_city", "Bruxelles")
    page.click("#place-order")
    expect(page.locator(".field.has-error")).to_contain_text("format du pays choisi")
    expect(page.locator("#id_customer_name")).to_have_value("Camille Martin")
    expect(page.locator("#id_country")).to_have_value("BE")
    _shot(page, "4_checkout_error")
    page.fill("#id_zip_code", "1000")
    page.click("#place-order")

    # payment (demo)
    expect(page.locator("h1.page-title")).to_have_text("Paiement")
    expect(page.locator("#pay")).to_contain_text("Payer 211,80")
    _shot(page, "5_payment")
    page.click("#pay")

    # confirmation with the order number
    expect(page.locator("h1")).to_have_text("Merci pour votre commande !")
    number = page.locator("#order-number").inner_text()
    assert re.fullmatch(r"KM-[0-9A-Z]{8}", number)
    order = Order.objects.get(number=number)
    assert order.status == Order.Status.CONFIRMED and order.paid_at is not None
    assert order.total == Decimal("211.80") and order.country == "BE" and order.zip_code == "1000"
    assert sorted((line.sku, line.quantity) for line in order.lines.all()) == sorted(
        [(lamp.sku, 2), (cushion.sku, 3)]
    )
    lamp.refresh_from_db()
    assert lamp.stock == 2
    expect(page.locator("#cart-count")).to_have_text("0")
    _shot(page, "6_thanks")

    # the private order page
    page.click("#order-link")
    expect(page).to_have_url(f"{live_server.url}/commande/{order.access_key}/")
    expect(page.locator("#order-status")).to_have_text("Confirmée")
    expect(page.locator("#tracking")).to_contain_text("en préparation")
    expect(page.locator("address")).to_contain_text("Belgique")
    assert page.locator("html").get_attribute("lang") == "fr"
    _shot(page, "7_order")

    # the admin sees it
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", factories.STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/admin/commandes/")
    expect(page.locator("table.data")).to_contain_text(number)
    page.click(f"text={number}")
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator(".page-head")).to_contain_text("Confirmée")
    expect(page.locator("#mark-paid")).to_have_count(0)  # already paid
    expect(page.locator(".timeline")).to_contain_text("Paiement confirmé (Paiement de démonstration)")


def test_admin_marks_an_unpaid_order_as_paid(admin_page, live_server):
    order = factories.order(customer="Lucas Bernard")
    admin_page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    expect(admin_page.locator(".page-head")).to_contain_text("En attente")
    _shot(admin_page, "8_admin_unpaid")
    admin_page.once("dialog", lambda dialog: dialog.accept())
    admin_page.click("#mark-paid")
    expect(admin_page.locator(".messages")).to_contain_text("marquée comme payée")
    expect(admin_page.locator(".page-head")).to_contain_text("Confirmée")
    expect(admin_page.locator("#mark-paid")).to_have_count(0)
    order.refresh_from_db()
    assert order.paid_at is not None and order.events.get(type="payment").data["provider"] == "manuel"


def test_mobile_header_keeps_search_and_categories_and_switches_language(page, live_server):
    _catalogue(live_server)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    search = page.locator("header .search input")
    expect(search).to_be_visible()
    expect(page.locator("header .cats a", has_text="Cuisine")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width} px)"
    search.fill("coussin")
    search.press("Enter")
    expect(page.locator(".tile")).to_have_count(1)
    _shot(page, "mobile_search")

    page.click("header .langs button[value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("header .search input")).to_have_attribute("placeholder", "Search a product")
    expect(page.locator(".tile")).to_contain_text("Coussin en lin lavé")  # the search survives the switch
    page.click("header .cats a:has-text('Maison')")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _shot(page, "mobile_english")
    page.click("header .langs button[value=fr]")
    expect(page.locator("header .search input")).to_have_attribute("placeholder", "Rechercher un produit")


PHONE = {"width": 390, "height": 844}
# A supplier's title and a customer's address as they come: long, with words too long for a phone's line.
LONG_TITLE = (
    "Lampe de chevet rechargeable sans fil avec variateur tactile trois températures de couleur "
    "LED-USB-C-4000mAh-ultra-longue-autonomie pour chambre, salon et bureau"
)
LONG_WORD_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwaren"  # one word, 49 characters: CJ takes 50
LONG_EMAIL = "wolfeschlegelsteinhausenbergerdorff.max@example.fr"  # 50, the most CJ takes
LONG_ADDRESS = "Résidence-Les-Jardins-Suspendus-du-Grand-Boulevard-Périphérique-Nord, bâtiment B, escalier 4"


US_CUSTOMER = {
    "customer_name": "Camille Martin",
    "email": "camille.martin@example.fr",
    "phone": "+1 415 555 0134",
    "country": "US",
    "address1": "500 Howard St",
    "zip_code": "94103",
    "city": "San Francisco",
    "province": "CA",
}


def _fill_address(page, address: dict[str, str]) -> None:
    """The checkout's fields, by their names; the country first, as a customer picks it."""
    page.select_option("#id_country", address["country"])
    for name, value in address.items():
        if name != "country":
            page.fill(f"#id_{name}", value)


def _fits_the_phone(page, name: str) -> None:
    """No sideways scroll at 390 px: the page is no wider than the screen."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page scrolls sideways on a phone ({width} px)"


def _on_screen(locator) -> None:
    """Visible and inside the 390 px screen, not pushed off its right edge."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_phone_cart_checkout_payment_and_order_fit_390_px(page, live_server):
    lamp, _cushion = _catalogue(live_server)
    long_one = factories.product(title=LONG_TITLE, price="129.00", stock=8).variants.get()
    long_one.options = {"Couleur": "Blanc-chaud-et-blanc-froid-réglable"}
    long_one.save()
    page.set_viewport_size(PHONE)

    for variant in (lamp, long_one):
        page.goto(f"{live_server.url}/produit/{variant.product.slug}/")
        if variant == lamp:
            page.click(".variants label:has-text('Grande')")
        _fits_the_phone(page, "product")
        page.click("#add-to-cart")
        expect(page).to_have_url(f"{live_server.url}/panier/")

    # the cart: stacked rows, every control on screen
    _fits_the_phone(page, "cart")
    row = page.locator(f"tr[data-variant='{long_one.pk}']")
    _on_screen(row.locator("input[name=quantity]"))
    _on_screen(row.locator("button:has-text('Mettre à jour')"))
    _on_screen(row.locator("button:has-text('Retirer')"))
    _on_screen(row.locator(".line-total"))
    _on_screen(page.locator("#go-checkout"))
    _shot(page, "phone_1_cart")
    row.locator("input[name=quantity]").fill("2")
    row.locator("button:has-text('Mettre à jour')").click()
    expect(page.locator(".messages")).to_contain_text("Quantité mise à jour")
    expect(page.locator("#summary-total")).to_contain_text("327,90")  # 69,90 + 2×129,00

    # checkout, with a long name and a long address line
    page.click("#go-checkout")
    expect(page.locator("h1.page-title")).to_have_text("Adresse de livraison")
    _fits_the_phone(page, "checkout")
    _on_screen(page.locator("#place-order"))
    _shot(page, "phone_2_checkout")
    _fill_address(
        page,
        {
            "customer_name": LONG_WORD_NAME,
            "email": LONG_EMAIL,
            "phone": "+33 6 12 34 56 78",
            "country": "FR",
            "address1": LONG_ADDRESS,
            "zip_code": "75011",
            "city": "Paris",
        },
    )
    page.click("#place-order")

    # payment
    expect(page.locator("h1.page-title")).to_have_text("Paiement")
    _fits_the_phone(page, "payment")
    _on_screen(page.locator("#pay"))
    expect(page.locator("address")).to_contain_text(LONG_WORD_NAME)
    _shot(page, "phone_3_payment")
    page.click("#pay")
    expect(page.locator("h1")).to_have_text("Merci pour votre commande !")
    _fits_the_phone(page, "thanks")
    _shot(page, "phone_4_thanks")

    # the customer's order page
    page.click("#order-link")
    expect(page.locator("#order-status")).to_have_text("Confirmée")
    _fits_the_phone(page, "order")
    _on_screen(page.locator("#order-status"))
    _shot(page, "phone_5_order")


def test_checkout_marks_what_the_country_requires_and_refuses_a_name_too_long_for_the_carrier(
    page, live_server
):
    _lamp, cushion = _catalogue(live_server)
    page.goto(f"{live_server.url}/produit/{cushion.product.slug}/")
    page.click("#add-to-cart")
    page.click("#go-checkout")
    postcode_mark = page.locator("label[for=id_zip_code] .req")
    region_mark = page.locator("label[for=id_province] .req")
    expect(postcode_mark).to_be_visible()  # France: a postcode, no region
    expect(region_mark).to_be_hidden()
    page.select_option("#id_country", "US")
    expect(postcode_mark).to_be_visible()
    expect(region_mark).to_be_visible()
    expect(page.locator("#id_province")).to_have_attribute("aria-required", "true")
    page.select_option("#id_country", "AE")  # no postcodes in the Emirates
    expect(postcode_mark).to_be_hidden()
    expect(region_mark).to_be_hidden()

    _fill_address(page, {**US_CUSTOMER, "customer_name": "Camille " + "Martin-" * 42})
    page.click("#place-order")
    error = page.locator(".field.has-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("Trop long pour l'étiquette du transporteur : 50 caractères au maximum")
    expect(page.locator("#id_city")).to_have_value("San Francisco")
    expect(page.locator("#id_country")).to_have_value("US")
    expect(region_mark).to_be_visible()  # the page came back for the United States, marks included
    _shot(page, "checkout_name_too_long")
    assert not Order.objects.exists()
