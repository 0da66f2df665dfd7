"""The "Adresse signalée" hold: a paid order whose address the CJ pre-flight flags waits before any CJ order,
is corrected on the store order page, and is placed once after "Libérer" (refused while still flagged)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.cj.models import CJOrder
from kamri.cj.orders import placement as cj_orders
from kamri.orders import holds
from kamri.orders.models import Hold, PaymentSettings
from tests import factories
from tests.cj.helpers import (
    US_ADDRESS,
    cj_row,
    import_cj_products,
    paid_order,
    sandbox_orders,
    stocked_variant,
)

NO_PHONE = {**US_ADDRESS, "phone": ""}


@pytest.fixture
def held(cj_account, django_capture_on_commit_callbacks):
    (product,) = import_cj_products(1)
    return paid_order(
        [stocked_variant(product)], address=NO_PHONE, capture=django_capture_on_commit_callbacks
    )


def _at_cj(sandbox, order) -> list[dict]:
    return [o for o in sandbox_orders(sandbox) if o["orderNumber"] == order.number]


def test_a_paid_order_with_a_flagged_address_is_held_with_its_reason_and_journal_entry(cj_sandbox, held):
    (hold,) = Hold.objects.filter(order=held, released_at__isnull=True)
    assert hold.reason == Hold.Reason.ADDRESS
    assert "Téléphone manquant" in hold.detail
    (event,) = held.events.filter(type="hold")
    assert "Adresse signalée" in event.message and "Téléphone manquant" in event.message
    assert not CJOrder.objects.filter(order=held).exists()  # neither queued nor placed at CJ
    assert not _at_cj(cj_sandbox, held)


def test_liberer_is_refused_while_the_address_is_still_flagged(held, staff_client):
    hold = held.holds.get()
    with pytest.raises(holds.ReleaseRefused, match="L'adresse est toujours signalée : Téléphone manquant"):
        holds.release(hold, by="admin")
    hold.refresh_from_db()
    assert hold.released_at is None
    response = staff_client.post(reverse("orders:hold_release", args=[held.number, hold.pk]), follow=True)
    assert "Corrigez-la puis libérez." in response.content.decode()
    assert not held.events.filter(type="hold_released").exists()
    assert not CJOrder.objects.filter(order=held).exists()


def test_corrected_on_the_store_order_page_then_released_the_cj_order_is_placed_once(
    cj_sandbox, held, staff_client, django_capture_on_commit_callbacks
):
    page = staff_client.get(reverse("orders:order_detail", args=[held.number])).content.decode()
    assert 'id="address-form"' in page and "Téléphone manquant" in page
    url = reverse("orders:order_address", args=[held.number])
    bad = staff_client.post(url, {**NO_PHONE, "phone": "12"})
    assert bad.status_code == 400 and "Numéro de téléphone invalide" in bad.content.decode()
    held.refresh_from_db()
    assert held.phone == ""
    response = staff_client.post(url, {**NO_PHONE, "phone": "+1 415 555 0199"})
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.phone == "+1 415 555 0199"
    assert held.events.filter(type="address", message__contains="Adresse de livraison corrigée").count() == 1

    hold = held.holds.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("orders:hold_release", args=[held.number, hold.pk]))
        staff_client.post(reverse("orders:hold_release", args=[held.number, hold.pk]))  # a double click
    hold.refresh_from_db()
    assert hold.released_at is not None
    assert CJOrder.objects.filter(order=held).count() == 1
    row = cj_orders.place(cj_row(held).pk)
    assert row.state in (CJOrder.State.PLACED, CJOrder.State.TO_PAY)
    cj_orders.place(row.pk)
    assert len(_at_cj(cj_sandbox, held)) == 1


def test_the_address_form_is_only_for_a_held_order(
    cj_account, staff_client, django_capture_on_commit_callbacks
):
    (product,) = import_cj_products(1)
    order = paid_order([stocked_variant(product)], capture=django_capture_on_commit_callbacks)
    assert not order.holds.exists()
    page = staff_client.get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert 'id="address-form"' not in page
    response = staff_client.post(
        reverse("orders:order_address", args=[order.number]), {**US_ADDRESS, "city": "Oakland"}, follow=True
    )
    assert "pas retenue : corrigez son adresse" in response.content.decode()
    order.refresh_from_db()
    assert order.city == "San Francisco"


def test_switch_off_no_address_hold_the_order_goes_to_a_traiter_at_cj(
    cj_account, no_address_hold, django_capture_on_commit_callbacks
):
    (product,) = import_cj_products(1)
    order = paid_order(
        [stocked_variant(product)], address=NO_PHONE, capture=django_capture_on_commit_callbacks
    )
    assert not order.holds.exists()
    row = cj_orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.NEEDS_ATTENTION


def test_switched_off_after_holding_liberer_is_no_longer_refused(held, django_capture_on_commit_callbacks):
    rules = PaymentSettings.load()
    rules.hold_on_flagged_address = False
    rules.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert holds.release(held.holds.get(), by="admin")
    assert CJOrder.objects.filter(order=held).count() == 1


def test_the_hold_says_liberer_where_the_cj_order_page_says_renvoyer(
    cj_account, django_capture_on_commit_callbacks
):
    (product,) = import_cj_products(1)
    netherlands = {**US_ADDRESS, "country": "NL", "province": "", "zip_code": "1012 AB", "city": "Amsterdam"}
    order = paid_order(
        [stocked_variant(product)], address=netherlands, capture=django_capture_on_commit_callbacks
    )
    (hold,) = order.holds.all()
    assert hold.reason == Hold.Reason.ADDRESS
    assert hold.detail.startswith("Numéro de rue manquant") and hold.detail.endswith("puis « Libérer ».")


def test_an_order_of_the_shops_own_products_is_not_held_for_cjs_address_checks(db):
    order = paid_order([factories.product().variants.get()], address=NO_PHONE)
    assert not order.holds.exists()


def test_the_switch_is_on_by_default_and_saved_from_the_paiements_page(staff_client):
    assert PaymentSettings.load().hold_on_flagged_address is True
    page = staff_client.get(reverse("payments:settings")).content.decode()
    assert 'name="hold_on_flagged_address"' in page and "vérification d&#x27;adresse" in page
    response = staff_client.post(reverse("payments:settings"), {"hold_on_elevated_risk": "on"})
    assert response.status_code == 302
    assert PaymentSettings.load().hold_on_flagged_address is False
    staff_client.post(reverse("payments:settings"), {"hold_on_flagged_address": "on"})
    assert PaymentSettings.load().hold_on_flagged_address is True
