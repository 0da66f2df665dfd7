"""House number (Benelux) and customs tax number (Brazil, Chile, South Korea): asked only where required."""

from __future__ import annotations

import pytest

from kamri.orders.countries import tax_id_is_valid
from kamri.orders.models import Order
from tests import factories
from tests.storefront.helpers import ADDRESS, add, text

pytestmark = pytest.mark.django_db

BRAZIL = {**ADDRESS, "country": "BR", "zip_code": "01310-100", "province": "SP", "city": "São Paulo"}
NETHERLANDS = {**ADDRESS, "country": "NL", "zip_code": "1012 AB", "province": "", "address1": "Damrak"}


def _form_html(client, country: str) -> str:
    add(client, factories.product(stock=5).variants.get(), 1)
    client.post("/panier/pays/", {"country": country})
    return text(client.get("/commander/"))


def test_the_fields_are_hidden_where_nobody_needs_them(client):
    html = _form_html(client, "FR")
    assert 'data-shown-in="BR KR" hidden' in html
    assert 'data-shown-in="BE LU NL" hidden' in html


def test_brazil_without_cpf_is_refused_in_french_and_nothing_typed_is_lost(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", BRAZIL)
    assert response.status_code == 200
    assert response.context["form"].errors["tax_id"] == [
        "Le numéro CPF / CNPJ est obligatoire pour une livraison dans ce pays : la douane l'exige."
    ]
    html = text(response)
    assert 'data-shown-in="BR KR">' in html  # shown now: the country chosen needs it
    for field in ("customer_name", "address1", "zip_code", "city", "province"):
        assert f'value="{BRAZIL[field]}"' in html, field
    assert Order.objects.count() == 0


def test_a_cpf_with_a_wrong_check_digit_is_refused(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", {**BRAZIL, "tax_id": "123.456.789-00"})
    assert response.context["form"].errors["tax_id"] == [
        "Ce numéro CPF / CNPJ n'est pas valide, par exemple 123.456.789-09."
    ]


def test_brazil_with_a_cpf_stores_it_on_the_order(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    assert client.post("/commander/", {**BRAZIL, "tax_id": "123.456.789-09"}).status_code == 302
    order = Order.objects.get()
    assert (order.country, order.tax_id, order.house_number) == ("BR", "123.456.789-09", "")


def test_the_netherlands_need_the_house_number(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", NETHERLANDS)
    assert response.context["form"].errors["house_number"] == [
        "Le numéro de rue est obligatoire pour ce pays : le transporteur l'exige à part de la rue."
    ]
    assert client.post("/commander/", {**NETHERLANDS, "house_number": "12 B"}).status_code == 302
    assert Order.objects.get().house_number == "12 B"


def test_a_number_typed_for_another_country_is_dropped_not_an_error(client):
    """Typed for Brazil, then France chosen: the hidden field neither blocks the order nor is stored."""
    add(client, factories.product(stock=5).variants.get(), 1)
    response = client.post("/commander/", {**ADDRESS, "tax_id": "x" * 40, "house_number": "y" * 40})
    assert response.status_code == 302
    order = Order.objects.get()
    assert (order.tax_id, order.house_number) == ("", "")


@pytest.mark.parametrize(
    ("country", "number", "valid"),
    [
        ("BR", "12345678909", True),
        ("BR", "11.222.333/0001-81", True),  # CNPJ
        ("BR", "11.222.333/0001-82", False),
        ("BR", "111.111.111-11", False),  # all one digit: passes modulo 11, never issued
        ("CL", "12.345.678-5", True),
        ("CL", "12345678K", True),
        ("KR", "P123456789012", True),
        ("KR", "123456789012", False),
        ("FR", "anything", True),  # no rule: nothing to check
    ],
)
def test_tax_number_formats(country, number, valid):
    assert tax_id_is_valid(country, number) is valid


def test_the_house_number_is_in_the_address_the_customer_reads(client):
    add(client, factories.product(stock=5).variants.get(), 1)
    client.post("/commander/", {**NETHERLANDS, "house_number": "12 B"})
    order = Order.objects.get()
    assert order.street_line == "Damrak 12 B"
    assert "Damrak 12 B" in text(client.get(f"/commande/{order.access_key}/paiement/"))
