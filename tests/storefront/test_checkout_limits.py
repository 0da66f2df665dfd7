"""The checkout refuses what CJ would refuse (field lengths) and marks the fields each country requires."""

from __future__ import annotations

import re

import pytest

from kamri.orders.checkout import CheckoutError, ShippingAddress, place_order
from kamri.orders.limits import ADDRESS_MAX_LENGTHS, text_length, too_long
from kamri.orders.models import Order
from kamri.storefront.forms import CheckoutForm
from tests import factories
from tests.storefront.helpers import ADDRESS, add, text

pytestmark = pytest.mark.django_db


def _too_long(field: str) -> str:
    """A value one character over the field's limit, otherwise acceptable for that field."""
    over = ADDRESS_MAX_LENGTHS[field] + 1
    if field == "email":
        return "c" * (over - len("@example.fr")) + "@example.fr"
    if field == "phone":
        return "+33 6 12 34 56 78" + " " * (over - 18) + "9"
    return ("Camille" * 60)[:over]


def test_the_limits_are_cjs_create_order_lengths():
    # ../shared/CJ-API.md §7.1: shippingCustomerName, email, shippingCity, shippingProvince string(50);
    # shippingPhone, shippingZip, houseNumber, taxId string(20); shippingAddress, shippingAddress2 string(200).
    assert ADDRESS_MAX_LENGTHS == {
        "customer_name": 50,
        "email": 50,
        "phone": 20,
        "address1": 200,
        "address2": 200,
        "city": 50,
        "province": 50,
        "zip_code": 20,
        "house_number": 20,
        "tax_id": 20,
    }


def test_lengths_are_counted_as_cj_counts_them_to_the_safe_side():
    assert text_length("Hélène Dupré-Lefèvre") == 20  # accented letters are one each
    assert text_length("Zoé 🌷") == 6  # an emoji is two UTF-16 units, as in Java
    assert too_long({"customer_name": "é" * 50}) == {}
    assert too_long({"customer_name": "é" * 49 + "🌷"}) == {"customer_name": (51, 50)}


def test_a_300_character_name_is_refused_in_french_and_everything_typed_is_kept(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    name = "Camille " + "Martin-" * 42  # 302 characters, as a reviewer pasted one
    response = client.post("/commander/", {**ADDRESS, "customer_name": name})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["customer_name"]
    assert errors["customer_name"] == [
        "Trop long pour l'étiquette du transporteur : 50 caractères au maximum (vous en avez saisi 302)."
    ]
    html = text(response)
    assert "Votre commande n'a pas encore été passée." in html
    for field in ("email", "phone", "address1", "address2", "zip_code", "city", "province"):
        assert f'value="{ADDRESS[field]}"' in html, field
    assert f'value="{name}"' in html  # the long name too, to shorten rather than retype
    assert 'maxlength="' not in html  # never cut short silently by the browser
    assert Order.objects.count() == 0


# The fields asked only in some countries are checked where they are asked.
WHERE_ASKED = {
    "house_number": {"country": "NL", "zip_code": "1012 AB", "province": ""},
    "tax_id": {"country": "BR", "zip_code": "01310-100", "province": "SP"},
}


@pytest.mark.parametrize("field", list(ADDRESS_MAX_LENGTHS))
def test_each_field_is_refused_one_character_over_its_limit(client, field):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", {**ADDRESS, **WHERE_ASKED.get(field, {}), field: _too_long(field)})
    assert response.status_code == 200
    limit = ADDRESS_MAX_LENGTHS[field]
    assert response.context["form"].errors[field] == [
        "Trop long pour l'étiquette du transporteur : "
        f"{limit} caractères au maximum (vous en avez saisi {limit + 1})."
    ]
    assert Order.objects.count() == 0


def test_every_field_at_its_limit_is_accepted(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    data = factories.address_at_limits(ADDRESS)
    assert client.post("/commander/", data).status_code == 302
    order = Order.objects.get()
    assert too_long({name: getattr(order, name) for name in ADDRESS_MAX_LENGTHS}) == {}
    assert len(order.address1) == 200 and len(order.customer_name) == 50


def test_place_order_refuses_a_long_name_too():
    variant = factories.product(stock=5).variants.get()
    address = ShippingAddress(**{**ADDRESS, "customer_name": "Camille " * 10})
    with pytest.raises(CheckoutError) as refused:
        place_order(items={variant.pk: 1}, address=address)
    assert refused.value.code == "address"
    assert "50 caractères au maximum" in refused.value.problems[0]
    assert Order.objects.count() == 0


def _marked(html: str, field: str) -> bool:
    """Whether the label of `field` shows its required asterisk."""
    label = re.search(rf'<label for="id_{field}">(.*?)</label>', html, re.S)
    assert label is not None, field
    return '<span class="req" aria-hidden="true">*</span>' in label.group(1)


def test_required_markers_follow_the_country_rules(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    html = text(client.get("/commander/"))  # France by default: postcode required, no region
    assert _marked(html, "zip_code") and not _marked(html, "province")
    assert all(_marked(html, name) for name in ("customer_name", "email", "phone", "address1", "city"))
    assert not _marked(html, "address2")
    assert (
        "Obligatoire pour : Australie, Brésil, Canada, Espagne, États-Unis, Italie, Japon, Mexique." in html
    )

    html = text(client.post("/commander/", {**ADDRESS, "country": "US", "zip_code": "", "province": ""}))
    assert _marked(html, "zip_code") and _marked(html, "province")
    form = CheckoutForm(data={**ADDRESS, "country": "AE", "zip_code": ""})
    assert not form["zip_code"].field.required_now and "zip_code" not in form.errors  # no postcodes there
