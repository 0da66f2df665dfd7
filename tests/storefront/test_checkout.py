"""Checkout: validation keeps what was typed; one transaction re-checks prices and takes the stock."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, close_old_connections

from kamri.catalog.models import Variant
from kamri.orders import checkout
from kamri.orders.checkout import CheckoutError, ShippingAddress, place_order
from kamri.orders.countries import country_choices, postcode_is_valid
from kamri.orders.models import Order
from tests import factories
from tests.storefront.helpers import ADDRESS, add, cart_of, text

pytestmark = pytest.mark.django_db


def _address(**changes) -> ShippingAddress:
    return ShippingAddress(**{**ADDRESS, **changes})


def test_checkout_creates_a_pending_order_takes_stock_and_empties_the_cart(client, settings):
    settings.KAMRI_STORE_CURRENCY = "EUR"
    first = factories.product(title="Lampe", price="49.90", stock=5).variants.get()
    second = factories.product(title="Coussin", price="19.00", stock=2).variants.get()
    add(client, first, 2)
    add(client, second, 1)
    page = client.get("/commander/")
    assert page.status_code == 200
    html = text(page)
    assert (
        "Nom et prénom" in html
        and "Code postal" in html
        and '<option value="FR" selected>France</option>' in html
    )

    response = client.post("/commander/", {**ADDRESS, "expected_total": "118.80"})
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == f"/commande/{order.access_key}/paiement/"
    assert order.status == Order.Status.PENDING and order.paid_at is None
    assert order.currency == "EUR"
    assert order.subtotal == Decimal("118.80") and order.total == Decimal("118.80")
    assert isinstance(order.total, Decimal)
    assert (order.customer_name, order.country, order.zip_code, order.city) == (
        "Camille Martin",
        "FR",
        "75011",
        "Paris",
    )
    lines = list(order.lines.order_by("unit_price"))
    assert [(line.sku, line.unit_price, line.quantity) for line in lines] == [
        (second.sku, Decimal("19.00"), 1),
        (first.sku, Decimal("49.90"), 2),
    ]
    assert lines[1].title.startswith("Lampe") and lines[1].variant == first
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.stock, second.stock) == (3, 1)
    assert list(order.events.values_list("type", flat=True)) == ["created"]
    assert cart_of(client) == {}


def test_validation_errors_keep_every_value(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    data = {**ADDRESS, "email": "pas-un-email", "zip_code": "7501", "city": ""}
    response = client.post("/commander/", data)
    assert response.status_code == 200
    html = text(response)
    assert "Saisissez une adresse e-mail valide" in html
    assert "format du pays choisi" in html
    assert "Ce champ est obligatoire" in html
    assert "Corrigez les champs signalés" in html
    for value in ("Camille Martin", "pas-un-email", "7501", "12 rue Oberkampf", "3e étage", "Île-de-France"):
        assert f'value="{value}"' in html
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "12"}, "phone", "Numéro de téléphone invalide"),
        ({"phone": ""}, "phone", "obligatoire"),
        ({"country": "XX"}, "country", "Nous ne livrons pas encore ce pays."),
        ({"country": "US", "zip_code": "10001", "province": ""}, "province", "obligatoire pour ce pays"),
        ({"country": "GB", "zip_code": "12345"}, "zip_code", "format du pays choisi"),
        ({"country": "FR", "zip_code": ""}, "zip_code", "obligatoire pour ce pays"),
    ],
)
def test_address_rules(client, changes, field, message):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", {**ADDRESS, **changes})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert Order.objects.count() == 0


def test_other_countries_and_formats_are_accepted(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    data = {**ADDRESS, "country": "CA", "zip_code": "h2x 1y4", "province": "Québec", "city": "Montréal"}
    assert client.post("/commander/", data).status_code == 302
    order = Order.objects.get()
    assert (order.country, order.zip_code) == ("CA", "H2X 1Y4")


def test_country_list_has_french_names_for_the_eu_and_more():
    codes = dict(country_choices())
    eu = [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
    for code in [*eu, "US", "GB", "CA", "AU", "CH"]:
        assert code in codes
    assert codes["DE"] == "Allemagne" and codes["US"] == "États-Unis" and codes["GB"] == "Royaume-Uni"
    names = [name for _code, name in country_choices()]
    assert names.index("Espagne") < names.index("États-Unis") < names.index("Finlande")  # accents ignored
    assert postcode_is_valid("NL", "1012 ab") and not postcode_is_valid("DE", "1011")


def test_a_price_change_since_display_is_caught_and_nothing_is_lost(client):
    variant = factories.product(price="10.00", stock=5).variants.get()
    add(client, variant, 1)
    Variant.objects.filter(pk=variant.pk).update(price=Decimal("15.00"))
    response = client.post("/commander/", {**ADDRESS, "expected_total": "10.00"})
    assert response.status_code == 200
    html = text(response)
    assert "Les prix ont changé" in html and "15,00" in html
    assert 'value="Camille Martin"' in html and 'name="expected_total" value="15.00"' in html
    assert Order.objects.count() == 0
    # confirming what is now shown places the order at the database's price
    assert client.post("/commander/", {**ADDRESS, "expected_total": "15.00"}).status_code == 302
    assert Order.objects.get().total == Decimal("15.00")


def test_a_tampered_total_cannot_lower_the_price(client):
    variant = factories.product(price="80.00", stock=5).variants.get()
    add(client, variant, 1)
    client.post("/commander/", {**ADDRESS, "expected_total": "0.01", "total": "0.01", "unit_price": "0.01"})
    assert Order.objects.count() == 0
    client.post("/commander/", {**ADDRESS, "total": "0.01", "unit_price": "0.01"})
    assert Order.objects.get().total == Decimal("80.00")


def test_stock_sold_out_between_cart_and_checkout(client):
    variant = factories.product(stock=2).variants.get()
    add(client, variant, 2)
    Variant.objects.filter(pk=variant.pk).update(stock=1)
    response = client.post("/commander/", ADDRESS)
    assert response.status_code == 302 and response.url == "/panier/"  # the cart shows what to fix
    assert Order.objects.count() == 0
    variant.refresh_from_db()
    assert variant.stock == 1


def test_place_order_refuses_what_cannot_be_sold():
    sold_out = factories.product(stock=0).variants.get()
    with pytest.raises(CheckoutError) as error:
        place_order(items={sold_out.pk: 1}, address=_address())
    assert "épuisé" in error.value.problems[0]
    inactive = factories.product(stock=3).variants.get()
    Variant.objects.filter(pk=inactive.pk).update(is_active=False)
    with pytest.raises(CheckoutError, match="plus disponible"):
        place_order(items={inactive.pk: 1}, address=_address())
    with pytest.raises(CheckoutError, match="panier est vide"):
        place_order(items={}, address=_address())
    with pytest.raises(CheckoutError, match="panier est vide"):
        place_order(items={inactive.pk: 0}, address=_address())
    assert Order.objects.count() == 0


def test_the_last_unit_is_sold_once_and_stock_never_goes_negative():
    variant = factories.product(stock=1).variants.get()
    first = place_order(items={variant.pk: 1}, address=_address())
    with pytest.raises(CheckoutError, match="épuisé"):
        place_order(items={variant.pk: 1}, address=_address(email="autre@example.fr"))
    variant.refresh_from_db()
    assert variant.stock == 0
    assert list(Order.objects.all()) == [first]


def test_the_conditional_update_stops_a_buyer_who_read_stale_stock(monkeypatch):
    """Even if the check saw stock (another buyer took it between our read and our write), nothing oversells."""
    variant = factories.product(stock=1).variants.get()
    real_build = checkout._build_quote

    def build_then_someone_else_buys(items, variants):
        result = real_build(items, variants)
        Variant.objects.filter(pk=variant.pk).update(stock=0)  # the other buyer's committed write
        return result

    monkeypatch.setattr(checkout, "_build_quote", build_then_someone_else_buys)
    with pytest.raises(CheckoutError, match="vient d'être épuisé"):
        place_order(items={variant.pk: 1}, address=_address())
    # refused, and the order created before the failed update was rolled back (the simulated write too,
    # as it ran inside our transaction): never an order without its stock, never a negative stock
    assert Order.objects.count() == 0
    variant.refresh_from_db()
    assert variant.stock >= 0


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_checkouts_of_the_last_unit_only_one_succeeds():
    variant = factories.product(stock=1).variants.get()
    barrier = threading.Barrier(2)
    results: list[str] = []

    def buy(email: str) -> None:
        barrier.wait()
        try:
            # Test SQLite is an in-memory shared-cache database: a writer blocked by the other one gets
            # "table is locked" at once instead of waiting (a file database waits busy_timeout, PostgreSQL
            # waits on the row lock). That is a transient refusal: the buyer simply tries again.
            for _attempt in range(200):
                try:
                    place_order(items={variant.pk: 1}, address=_address(email=email))
                    results.append("ok")
                    return
                except CheckoutError:
                    results.append("refused")
                    return
                except OperationalError as error:
                    if "locked" not in str(error):
                        raise
                    time.sleep(0.01)
            results.append("gave up")
        finally:
            close_old_connections()

    threads = [threading.Thread(target=buy, args=(f"client{n}@example.fr",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["ok", "refused"]
    variant.refresh_from_db()
    assert variant.stock == 0
    assert Order.objects.count() == 1


def test_checkout_of_an_empty_cart_goes_back_to_the_cart(client):
    response = client.get("/commander/")
    assert response.status_code == 302 and response.url == "/panier/"
    assert client.post("/commander/", ADDRESS).status_code == 302


@pytest.mark.parametrize(
    "garbage",
    [
        {"expected_total": "abc"},
        {"expected_total": "NaN"},
        {"expected_total": "1e999999"},
        {"country": "fr' OR 1=1 --"},
        {"customer_name": "x" * 5000, "city": "y" * 5000},
        {"zip_code": "\x00"},
        {"email": "a@" + "b" * 300 + ".fr"},
    ],
)
def test_garbage_in_checkout_never_gives_a_server_error(client, garbage):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", {**ADDRESS, **garbage})
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # an unusable shown-total is just not compared
        assert Order.objects.get().total == Decimal("10.00")


def test_a_busy_database_asks_to_retry_and_keeps_the_form(client, monkeypatch):
    from django.db import OperationalError

    add(client, factories.product(stock=5).variants.get(), 1)

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(checkout, "place_order", locked)
    response = client.post("/commander/", ADDRESS)
    assert response.status_code == 200
    assert "réessayez dans un instant" in text(response)
    assert 'value="Camille Martin"' in text(response)
