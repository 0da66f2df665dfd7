"""The cart's shipping from CJ's freight (the port kamri.orders.shipping, implemented by kamri.cj.orders.freight):
same warehouse and carrier rule as the CJ order, one cached freightCalculate, no route → said before payment,
CJ down → the fallback rule, never a silent zero."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from django.core.cache import cache

from kamri.cj.connection.account import client_for
from kamri.cj.models import CJApiCall, CJSettings
from kamri.cj.orders.placement import choose_logistic
from kamri.core.money import to_store
from kamri.orders import checkout
from kamri.orders.shipping import marked_up
from tests.cj.helpers import import_cj_products, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def cj_variant(cj_account):
    cache.clear()
    return stocked_variant(import_cj_products(1, country="US")[0])


def _cheap(variant):
    """A price under the free-shipping threshold, so the demo rule "carrier's rate + 10 %" applies."""
    variant.price = Decimal("12.00")
    variant.save(update_fields=["price"])
    return variant


def test_a_cj_cart_to_france_pays_cj_freight_plus_ten_percent_and_gets_a_window(cj_variant):
    variant = _cheap(cj_variant)
    quote = checkout.quote({variant.pk: 2}, "FR")
    link = variant.cj_link
    origin = "FR" if link.stock_by_country.get("FR", 0) >= 2 else "CN"
    options = client_for().freight_quote(origin, "FR", [(link.vid, 2)])
    settings_row = CJSettings.load()
    chosen = choose_logistic(options, settings_row.logistic_rule, settings_row.logistic_price_cap)
    cost = to_store(chosen.price, "USD")
    shipping = quote.shipping_quote
    assert shipping.supplier_cost == cost and shipping.carrier == chosen.logistic_name
    assert quote.shipping == marked_up(cost, Decimal("10")) > cost > 0
    assert quote.total == quote.subtotal + quote.shipping
    assert quote.vat_rate == Decimal("20") and quote.vat == (quote.total * 20 / 120).quantize(Decimal("0.01"))
    start, end = shipping.delivery
    assert (end - start).days == chosen.aging_days[1] - chosen.aging_days[0]


def test_the_freight_quote_is_cached(cj_variant):
    variant = _cheap(cj_variant)
    checkout.quote({variant.pk: 1}, "DE")
    calls = CJApiCall.objects.filter(endpoint__contains="freightCalculate").count()
    checkout.quote({variant.pk: 1}, "DE")
    checkout.quote({variant.pk: 1}, "DE")
    assert CJApiCall.objects.filter(endpoint__contains="freightCalculate").count() == calls


def test_a_country_cj_cannot_ship_to_blocks_the_cart_before_payment(cj_variant, cj_sandbox):
    variant = _cheap(cj_variant)
    httpx.post(
        f"{cj_sandbox.root_url}/_sandbox/routes", json={"closed": ["IL"]}, timeout=10
    ).raise_for_status()
    quote = checkout.quote({variant.pk: 1}, "IL")
    assert quote.shipping_quote.amount is None
    assert "ne livre pas ces articles en Israël" in quote.shipping_problem


def test_cj_unavailable_applies_the_fallback_rule_and_says_so(cj_variant, cj_sandbox):
    variant = _cheap(cj_variant)
    faults = {"error_rate": 1, "paths": ["logistic/freightCalculate"]}
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/faults", json=faults, timeout=10).raise_for_status()
    quote = checkout.quote({variant.pk: 1}, "FR")
    assert quote.shipping == Decimal("6.90")  # the demo list's third rule
    assert "momentanément indisponible" in quote.shipping_quote.notice
    assert quote.shipping_quote.supplier_cost is None


def test_cj_unavailable_without_a_fallback_blocks_the_order_with_a_next_step(cj_variant, cj_sandbox):
    from kamri.orders.models import ShippingRule

    ShippingRule.objects.exclude(kind="quote").delete()
    variant = _cheap(cj_variant)
    faults = {"error_rate": 1, "paths": ["logistic/freightCalculate"]}
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/faults", json=faults, timeout=10).raise_for_status()
    quote = checkout.quote({variant.pk: 1}, "FR")
    assert quote.shipping_quote.amount is None  # never a silent zero
    assert "réessayez dans quelques minutes" in quote.shipping_problem


def test_the_cart_page_says_it_before_payment_and_the_checkout_refuses(cj_variant, cj_sandbox, client):
    variant = _cheap(cj_variant)
    httpx.post(
        f"{cj_sandbox.root_url}/_sandbox/routes", json={"closed": ["IL"]}, timeout=10
    ).raise_for_status()
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    client.post("/panier/pays/", {"country": "IL"})
    html = client.get("/panier/").content.decode()
    assert "ne livre pas ces articles en Israël" in html and 'id="go-checkout"' not in html
    address = {
        "customer_name": "Dana Levi", "email": "dana@example.com", "phone": "+972 50 123 4567", "country": "IL",
        "address1": "1 Rothschild Blvd", "zip_code": "6688101", "city": "Tel Aviv",
    }  # fmt: skip
    response = client.post("/commander/", address)
    assert response.status_code == 200 and "ne livre pas ces articles en Israël" in response.content.decode()
    from kamri.orders.models import Order

    assert not Order.objects.exists()


def test_choosing_another_country_at_checkout_reprices_and_the_payment_page_shows_it(cj_variant, client):
    from kamri.orders.models import Order

    variant = _cheap(cj_variant)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    france = checkout.quote({variant.pk: 1}, "FR")
    address = {
        "customer_name": "Jane Doe", "email": "jane@example.com", "phone": "+1 415 555 0134", "country": "US",
        "province": "CA", "address1": "500 Howard St", "zip_code": "94103", "city": "San Francisco",
        "expected_total": str(france.total),  # what the page showed, for France
    }  # fmt: skip
    response = client.post("/commander/", address)
    assert response.status_code == 302
    order = Order.objects.get()
    us = checkout.quote({variant.pk: 1}, "US")
    assert (order.total, order.vat_total, order.shipping_total) == (us.total, 0, us.shipping)
    page = client.get(response["Location"]).content.decode()
    assert f"{us.total:.2f}".replace(".", ",") in page and "TVA non applicable (hors UE)" in page
    # a price that changed since display is still caught, whatever the country
    Order.objects.all().delete()
    variant.price = Decimal("13.00")
    variant.save(update_fields=["price"])
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    client.post("/panier/pays/", {"country": "FR"})
    response = client.post("/commander/", {**address, "expected_total": str(france.total)})
    assert response.status_code == 200 and "Les prix ont changé" in response.content.decode()
