"""One address validation: what the admin's address forms accept, the CJ pre-flight accepts, and the other way
round; the checkout agrees on the same table (kamri.orders.addresses is the one rule set)."""

from __future__ import annotations

import pytest

from kamri.cj.forms import AddressForm
from kamri.cj.orders import preflight
from kamri.orders.address_forms import OrderAddressForm
from kamri.orders.addresses import ShippingAddress, address_errors
from kamri.orders.models import Order

pytestmark = pytest.mark.django_db

FR = {
    "customer_name": "Camille Martin",
    "email": "camille@example.fr",
    "phone": "+33 6 12 34 56 78",
    "address1": "12 rue Oberkampf",
    "address2": "",
    "zip_code": "75011",
    "city": "Paris",
    "province": "",
    "country": "FR",
    "house_number": "",
    "tax_id": "",
}
US = {
    **FR,
    "country": "US",
    "zip_code": "94103",
    "city": "San Francisco",
    "province": "CA",
    "phone": "+1 415 555 0134",
}
NL = {
    **FR,
    "country": "NL",
    "zip_code": "1012 AB",
    "city": "Amsterdam",
    "address1": "Damrak",
    "house_number": "12",
}
BR = {
    **FR,
    "country": "BR",
    "zip_code": "01310-100",
    "city": "São Paulo",
    "province": "SP",
    "tax_id": "123.456.789-09",
}

TABLE = [
    ("good FR", FR, None),
    ("good US", US, None),
    ("good NL", NL, None),
    ("good BR", BR, None),
    ("missing phone", {**FR, "phone": ""}, "phone"),
    ("implausible phone", {**FR, "phone": "12"}, "phone"),
    ("bad postcode", {**FR, "zip_code": "ABC"}, "zip_code"),
    ("missing postcode", {**FR, "zip_code": ""}, "zip_code"),
    ("missing province for US", {**US, "province": ""}, "province"),
    ("missing house number for NL", {**NL, "house_number": ""}, "house_number"),
    ("bad tax id for BR", {**BR, "tax_id": "123"}, "tax_id"),
    ("missing tax id for BR", {**BR, "tax_id": ""}, "tax_id"),
    ("too-long line", {**FR, "address1": "12 rue " + "x" * 200}, "address1"),
    ("too-long name", {**FR, "customer_name": "Camille " * 8}, "customer_name"),
]


@pytest.mark.parametrize(("label", "address", "wrong"), TABLE, ids=[row[0] for row in TABLE])
def test_the_forms_the_preflight_and_the_checkout_agree(label, address, wrong):
    form = OrderAddressForm(data=address, instance=Order())
    cj_form = AddressForm(data=address, instance=Order())
    checked = preflight.check_address(Order(**address))
    checkout = address_errors(ShippingAddress(**address).normalized())

    assert form.is_valid() is checked.ok, (label, form.errors, checked.problems)
    assert cj_form.is_valid() is checked.ok, (label, cj_form.errors, checked.problems)
    assert (not checkout) is checked.ok, (label, checkout, checked.problems)
    if wrong is None:
        assert checked.ok and not form.errors and not checkout
    else:
        assert list(form.errors) == [wrong] and list(checkout) == [wrong], (label, form.errors, checkout)
        assert len(checked.problems) == 1, checked.problems


def test_an_address_the_form_saved_is_one_the_preflight_accepts():
    """The complaint of issue 16: a corrected address could still fail on "Renvoyer"."""
    order = Order.objects.create(**{**US, "province": "", "zip_code": "ABC"})
    assert not preflight.check_address(order).ok
    form = OrderAddressForm(data={**US, "zip_code": " 94103 "}, instance=order)
    assert form.is_valid(), form.errors
    form.save()
    order.refresh_from_db()
    assert preflight.check_address(order).ok
