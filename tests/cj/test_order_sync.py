"""Order status synchronisation, tracking and the Commandes pages, against the sandbox."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from kamri.cj import status as cj_status_table
from kamri.cj.models import CJOrder, SyncRun
from kamri.cj.orders import order_status, order_sync
from kamri.cj.orders import placement as orders
from kamri.orders.models import Order
from tests import factories
from tests.cj.helpers import cj_row, control, import_cj_products, paid_order, ship_and_sync, stocked_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    (product,) = import_cj_products(1)
    order = paid_order([stocked_variant(product)], capture=django_capture_on_commit_callbacks)
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED
    return row


def test_sync_brings_shipped_status_and_tracking(placed, cj_sandbox):
    control(cj_sandbox, f"orders/{placed.cj_order_id}/ship")
    job = order_sync.run(order_sync.start().pk)
    assert job.status == SyncRun.Status.DONE and job.summary["tracking"] == 1 and job.summary["updated"] == 1
    placed.refresh_from_db()
    assert placed.cj_status == "SHIPPED" and placed.track_number
    placed.order.refresh_from_db()
    assert placed.order.status == Order.Status.SHIPPED
    said = list(placed.order.events.filter(type="cj_status").values_list("message", flat=True))
    assert any(m.endswith("→ SHIPPED (synchronisation).") for m in said), said  # not the code "sync"
    shipping_mails = [m for m in mail.outbox if placed.track_number in m.body]
    assert len(shipping_mails) <= 1  # sent once (when the store's e-mail module is installed)
    control(cj_sandbox, f"orders/{placed.cj_order_id}/deliver")
    order_sync.run(order_sync.start().pk)
    placed.order.refresh_from_db()
    assert placed.order.status == Order.Status.DELIVERED
    assert not order_sync.in_flight().filter(pk=placed.pk).exists()


def test_status_sequence_never_moves_the_store_order_backwards(placed):
    for status in ["CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "UNPAID", "CREATED"]:
        order_status.apply_update(
            placed, status=status, track_number="TRK123" if status == "SHIPPED" else None, source="test"
        )
        placed.order.refresh_from_db()
        assert placed.order.status in (Order.Status.CONFIRMED, Order.Status.SHIPPED)
    placed.refresh_from_db()
    assert placed.cj_status == "SHIPPED"
    assert placed.order.status == Order.Status.SHIPPED


def test_cj_cancellation_flags_the_order_for_attention(placed):
    order_status.apply_update(placed, status="CANCELLED", source="test")
    placed.refresh_from_db()
    assert placed.state == CJOrder.State.NEEDS_ATTENTION and "annulé" in placed.reasons[0]
    placed.order.refresh_from_db()
    assert placed.order.status == Order.Status.CONFIRMED  # cancelling the customer's order stays explicit


def test_orders_page_detail_and_sync_button(placed, staff_client):
    html = staff_client.get(reverse("cj:orders")).content.decode()
    assert placed.order_number in html and "Synchroniser les commandes" in html
    assert "PENDING" not in html or "En attente" in html
    detail = staff_client.get(reverse("cj:order_detail", args=[placed.pk])).content.decode()
    assert "Historique" in detail and placed.cj_order_id in detail
    response = staff_client.post(reverse("cj:sync_orders"))
    assert response.status_code == 302
    job = SyncRun.objects.get(kind=SyncRun.Kind.ORDERS)
    assert response.url == reverse("cj:sync_run", args=[job.pk])
    progress = staff_client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="sync-progress"' in progress


def test_parcel_tracking_page(placed, cj_sandbox, staff_client):
    shipped = control(cj_sandbox, f"orders/{placed.cj_order_id}/ship")["order"]
    number = shipped["trackNumber"]
    html = staff_client.get(reverse("cj:tracking"), {"numbers": number}).content.decode()
    assert 'id="tracking-results"' in html and number in html
    bad = staff_client.get(reverse("cj:tracking"), {"numbers": "<script>"}).content.decode()
    assert "Aucun numéro de suivi valide" in bad


def test_address_fix_and_resubmit_from_the_admin(
    no_address_hold, cj_account, cj_sandbox, staff_client, django_capture_on_commit_callbacks
):
    (product,) = import_cj_products(1)
    from tests.cj.helpers import US_ADDRESS

    order = paid_order(
        [stocked_variant(product)],
        address={**US_ADDRESS, "phone": ""},
        capture=django_capture_on_commit_callbacks,
    )
    row = orders.place(cj_row(order).pk)
    page = staff_client.get(reverse("cj:order_detail", args=[row.pk])).content.decode()
    assert "Téléphone manquant" in page and "Renvoyer" in page
    form = {
        field: getattr(order, field)
        for field in [
            "customer_name",
            "email",
            "country",
            "province",
            "city",
            "zip_code",
            "address1",
            "address2",
        ]
    }
    form["phone"] = "+1 415 555 0100"
    assert staff_client.post(reverse("cj:order_address", args=[row.pk]), form).status_code == 302
    with django_capture_on_commit_callbacks(execute=False):
        assert staff_client.post(reverse("cj:order_resubmit", args=[row.pk])).status_code == 302
    row.refresh_from_db()
    assert row.state == CJOrder.State.QUEUED
    assert orders.place(row.pk).state == CJOrder.State.PLACED


def test_a_second_click_follows_the_run_in_progress(cj_account):
    first = order_sync.start()
    assert order_sync.start().pk == first.pk
    order_sync.run(first.pk)
    assert order_sync.start().pk != first.pk


def test_parcel_tracking_lists_every_number_entered_with_french_statuses(placed, cj_sandbox, staff_client):
    number = ship_and_sync(cj_sandbox, placed).track_number
    assert number
    page = staff_client.get(reverse("cj:tracking"), {"numbers": f"{number}, INCONNU123 <b>"}).content.decode()
    rows = re.findall(r'<tr data-number="([^"]+)"', page)
    assert rows == [number, "INCONNU123", "&lt;b&gt;"]  # in the order typed; the invalid one listed too
    known = _row(page, number)
    assert '<span class="badge info" title="Statut CJ : In transit">En transit</span>' in known
    assert placed.order_number in known
    assert "Introuvable chez CJ" in _row(page, "INCONNU123")
    assert "Numéro invalide" in _row(page, "&lt;b&gt;")
    control(cj_sandbox, f"orders/{placed.cj_order_id}/deliver")
    page = staff_client.get(reverse("cj:tracking"), {"numbers": number}).content.decode()
    assert '<span class="badge ok" title="Statut CJ : Delivered">Livré</span>' in _row(page, number)


def _row(page: str, number: str) -> str:
    return re.search(rf'<tr data-number="{re.escape(number)}".*?</tr>', page, re.S).group(0)


def test_parcel_tracking_says_when_numbers_beyond_the_limit_are_left_out(cj_account, staff_client):
    numbers = " ".join(f"NUM{index:04d}" for index in range(23))
    page = staff_client.get(reverse("cj:tracking"), {"numbers": numbers}).content.decode()
    assert len(re.findall(r'<tr data-number="NUM', page)) == 20
    assert "Seuls les 20 premiers numéros sont suivis" in page and "pour les 3 autres" in page


def test_cj_tracking_statuses_in_french_from_one_table():
    from kamri.cj.status import logistic_label, tracking_status

    assert tracking_status("In transit") == ("En transit", "info")
    assert (
        tracking_status("DELIVERED") == ("Livré", "ok") and logistic_label(12) == "Livré"
    )  # the step's own words
    assert tracking_status(" Out for delivery ") == (logistic_label(10), "info")
    assert tracking_status("Returned") == ("Retourné à l'expéditeur", "err")
    assert tracking_status("Held by the moon") == ("Held by the moon", "info")  # unknown: CJ's own words
    assert tracking_status(None) == ("", "")


def _paid_cj_order(number: str) -> CJOrder:
    order = factories.order(status=Order.Status.PENDING, paid=False)
    from kamri.orders.services import mark_paid

    mark_paid(order, provider="test")
    return CJOrder.objects.create(order=order, order_number=number, state=CJOrder.State.PLACED)


def test_the_status_table_shown_is_the_rule_applied():
    """Walk a paid order through every CJ status: after each, its KAMRI status is the table's."""
    rows = {row.cj_status: row for row in cj_status_table.status_rows()}
    assert list(rows) == [
        "CREATED",
        "IN_CART",
        "UNPAID",
        "PAID",
        "UNSHIPPED",
        "SHIPPED",
        "DELIVERED",
        "CANCELLED",
    ]
    assert rows["CREATED"].store_status == Order.Status.CONFIRMED  # a paid order is never "En attente"
    row = _paid_cj_order("KM-TABLE-1")
    for name in ["CREATED", "IN_CART", "UNPAID", "PAID", "UNSHIPPED", "SHIPPED", "DELIVERED"]:
        order_status.apply_update(row, status=name, source="test")
        row.order.refresh_from_db()
        assert row.order.status == rows[name].store_status, name
    cancelled = _paid_cj_order("KM-TABLE-2")
    order_status.apply_update(cancelled, status="CANCELLED", source="test")
    cancelled.refresh_from_db()
    cancelled.order.refresh_from_db()
    assert rows["CANCELLED"].store_status is None  # "unchanged"
    assert (
        cancelled.order.status == Order.Status.CONFIRMED and cancelled.state == CJOrder.State.NEEDS_ATTENTION
    )


def test_orders_page_table_agrees_with_the_orders_listed(staff_client):
    row = _paid_cj_order("KM-TABLE-3")
    order_status.apply_update(row, status="CREATED", source="test")
    html = staff_client.get(reverse("cj:orders")).content.decode()
    table = html.split('id="status-mapping"')[1].split("</table>")[0]
    created = table.split('data-cj-status="CREATED"')[1].split("</tr>")[0]
    assert "Confirmée" in created and "En attente" not in created
    listed = html.split('id="cj-orders"')[1].split("</table>")[0]
    assert "<code>CREATED</code>" in listed and "Confirmée" in listed and "En attente" not in listed
    cancelled = table.split('data-cj-status="CANCELLED"')[1].split("</tr>")[0]
    assert "À traiter" in cancelled
    assert "ne recule jamais" in html
