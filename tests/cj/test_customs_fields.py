"""IOSS, houseNumber and taxId on CJ orders: pre-flight refusals in French, the admin's fixes, and what the
CJ sandbox receives over real HTTP (issue 14, Build point 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kamri.cj.client import CJInvalidRequest, OrderRequest, OrderRequestLine
from kamri.cj.connection.account import client_for
from kamri.cj.forms import AddressForm
from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.orders import placement as orders
from tests.cj.helpers import (
    US_ADDRESS,
    cj_row,
    import_cj_products,
    paid_order,
    sandbox_orders,
    stocked_variant,
)
from tests.cj.test_automation_settings import _form

pytestmark = pytest.mark.django_db

FRANCE = {**US_ADDRESS, "country": "FR", "province": "", "city": "Paris", "zip_code": "75011", "vat_rate": 20}
BRAZIL = {**US_ADDRESS, "country": "BR", "province": "SP", "city": "São Paulo", "zip_code": "01310-100"}
NETHERLANDS = {**US_ADDRESS, "country": "NL", "province": "", "city": "Amsterdam", "zip_code": "1012 AB"}
PLACED = (CJOrder.State.PLACED, CJOrder.State.TO_PAY)


def _ioss(kind: str, number: str = "") -> None:
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(ioss_type=kind, ioss_number=number)


def _place(address: dict, capture, *, price: str | None = None, quantity: int = 1) -> CJOrder:
    (product,) = import_cj_products(1)
    variant = stocked_variant(product)
    if price is not None:
        variant.price = Decimal(price)
        variant.save(update_fields=["price"])
    order = paid_order([variant], address=address, quantities=[quantity], capture=capture)
    return orders.place(cj_row(order).pk)


def _sent(sandbox, row: CJOrder) -> dict:
    (placed,) = [o for o in sandbox_orders(sandbox) if o["orderNumber"] == row.order_number]
    return placed


def _address_form(order, **changes) -> dict:
    return {**{name: getattr(order, name) for name in AddressForm.Meta.fields}, **changes}


def test_default_eu_parcel_is_declared_without_ioss(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    row = _place(FRANCE, django_capture_on_commit_callbacks)
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["ioss"] == {"iossType": 1, "iossNumber": None}


@pytest.mark.parametrize(
    ("kind", "number", "declared"),
    [
        ("own", "IM2500012345", {"iossType": 2, "iossNumber": "IM2500012345"}),
        ("cj", "", {"iossType": 3, "iossNumber": "CJ-IOSS"}),
    ],
)
def test_ioss_is_sent_with_cjs_field_names_and_values(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks, kind, number, declared
):
    _ioss(kind, number)
    row = _place(FRANCE, django_capture_on_commit_callbacks, price="40.00")
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["ioss"] == declared


def test_outside_the_eu_nothing_is_declared(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    _ioss("cj")
    row = _place(US_ADDRESS, django_capture_on_commit_callbacks)
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["ioss"] == {"iossType": None, "iossNumber": None}


def test_above_150_euros_ioss_is_refused_then_declared_without_it_on_the_admins_choice(
    cj_account, cj_sandbox, staff_client, django_capture_on_commit_callbacks
):
    _ioss("cj")
    # 2 × 120,00 € TTC at 20 % VAT: 200,00 € of goods before VAT, above the 150 € ceiling
    row = _place(FRANCE, django_capture_on_commit_callbacks, price="120.00", quantity=2)
    assert row.state == CJOrder.State.NEEDS_ATTENTION
    assert row.reasons == [
        "Valeur des articles de 200,00\u00a0€ hors TVA, au-dessus du plafond IOSS de 150 € : la déclaration "
        "« L'IOSS de CJ (colis de 150 € au plus) » serait fausse pour ce colis. Cochez « Déclarer sans IOSS » "
        "sous l'adresse ci-dessous (le destinataire paiera la TVA d'importation à la livraison : prévenez-le), "
        "puis « Renvoyer »."
    ]
    assert sandbox_orders(cj_sandbox) == []  # never reached CJ

    order = row.order
    url = reverse("cj:order_address", args=[row.pk])
    assert staff_client.post(url, _address_form(order, declare_without_ioss="on")).status_code == 302
    row.refresh_from_db()
    assert row.declare_without_ioss
    assert order.events.filter(message__contains="Déclaration sans IOSS choisie").exists()
    assert orders.resubmit(row, by="admin")
    row = orders.place(row.pk)
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["ioss"] == {"iossType": 1, "iossNumber": None}


def test_150_euros_exactly_is_within_the_ceiling(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    _ioss("cj")
    row = _place(FRANCE, django_capture_on_commit_callbacks, price="90.00", quantity=2)  # 180 TTC = 150 HT
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["ioss"]["iossType"] == 3


def test_own_ioss_without_a_valid_number_waits_in_a_traiter(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    _ioss("own", "")  # saved before the form checked it, or edited in the database
    row = _place(FRANCE, django_capture_on_commit_callbacks, price="30.00")
    assert row.state == CJOrder.State.NEEDS_ATTENTION
    assert row.reasons == [
        "Déclaration IOSS avec votre propre numéro, mais aucun numéro IOSS valide (IM suivi de 10 chiffres) "
        "n'est enregistré : saisissez-le dans Paramètres › Déclaration IOSS, puis « Renvoyer »."
    ]
    assert sandbox_orders(cj_sandbox) == []


def test_brazil_without_tax_id_waits_then_the_admin_adds_it_and_it_is_sent(
    no_address_hold, cj_account, cj_sandbox, staff_client, django_capture_on_commit_callbacks
):
    row = _place(BRAZIL, django_capture_on_commit_callbacks)
    assert row.state == CJOrder.State.NEEDS_ATTENTION
    assert row.reasons == [
        "Numéro fiscal du destinataire (CPF / CNPJ) manquant : la douane de Brésil l'exige. Demandez-le au "
        "client, saisissez-le dans l'adresse ci-dessous, puis « Renvoyer »."
    ]
    order = row.order
    url = reverse("cj:order_address", args=[row.pk])
    refused = staff_client.post(url, _address_form(order, tax_id="123.456.789-00"))
    assert refused.context["form"].errors["tax_id"] == [
        "Ce numéro CPF / CNPJ n'est pas valide, par exemple 123.456.789-09."
    ]
    assert staff_client.post(url, _address_form(order, tax_id="123.456.789-09")).status_code == 302
    assert orders.resubmit(row, by="admin")
    row = orders.place(row.pk)
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["shipping"]["taxId"] == "123.456.789-09"


def test_netherlands_without_house_number_waits_in_a_traiter(
    no_address_hold, cj_account, cj_sandbox, staff_client, django_capture_on_commit_callbacks
):
    row = _place(NETHERLANDS, django_capture_on_commit_callbacks)
    assert row.state == CJOrder.State.NEEDS_ATTENTION
    assert row.reasons[0].startswith("Numéro de rue manquant : le transporteur l'exige à part de la rue")
    url = reverse("cj:order_address", args=[row.pk])
    assert staff_client.post(url, _address_form(row.order, house_number="12")).status_code == 302
    assert orders.resubmit(row, by="admin")
    row = orders.place(row.pk)
    assert row.state in PLACED, row.reasons
    assert _sent(cj_sandbox, row)["shipping"]["houseNumber"] == "12"


def test_the_sandbox_refuses_brazil_without_tax_id_as_cj_does(cj_account, cj_sandbox):
    """The client payload over real HTTP, pre-flight bypassed: CJ's own refusal comes back."""
    (product,) = import_cj_products(1)
    vid = stocked_variant(product).cj_link.vid
    request = OrderRequest(
        order_number="KM-NO-TAX-ID",
        shipping_country_code="BR",
        shipping_country="Brazil",
        shipping_province="SP",
        shipping_city="São Paulo",
        shipping_customer_name="Ana Souza",
        shipping_address="Avenida Paulista 1000",
        shipping_zip="01310-100",
        logistic_name="CJPacket Ordinary",
        from_country_code="CN",
        products=[OrderRequestLine(quantity=1, vid=vid)],
    )
    with pytest.raises(CJInvalidRequest) as refused:
        client_for().create_order(request)
    assert refused.value.code == 16900403


def test_settings_form_validates_the_ioss_number(staff_client):
    url = reverse("cj:automation")
    response = staff_client.post(url, _form(ioss_type="own", ioss_number=""))
    assert response.context["form"].errors["ioss_number"] == [
        "Saisissez votre numéro IOSS, ou choisissez une autre déclaration."
    ]
    response = staff_client.post(url, _form(ioss_type="own", ioss_number="IM25000"))
    assert response.context["form"].errors["ioss_number"] == [
        "Numéro IOSS invalide : IM suivi de 10 chiffres, par exemple IM2500012345."
    ]
    assert staff_client.post(url, _form(ioss_type="own", ioss_number="im 2500 012 345")).status_code == 302
    saved = CJSettings.load()
    assert (saved.ioss_type, saved.ioss_number) == ("own", "IM2500012345")


def test_roles_that_may_not_change_the_settings_see_the_ioss_number_masked(client):
    from tests import factories

    _ioss("own", "IM3720000042")
    client.force_login(factories.staff_user("ops", role="operator"))
    page = client.get(reverse("cj:automation")).content.decode()
    assert "IM3720000042" not in page and "••••••••0042" in page
    client.force_login(factories.staff_user("boss"))
    assert "IM3720000042" in client.get(reverse("cj:automation")).content.decode()
