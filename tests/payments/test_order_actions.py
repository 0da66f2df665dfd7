"""The store order page's actions over HTTP: staff only, CSRF'd forms, French messages, no 500 on bad input."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from kamri.orders import notifications
from kamri.orders.models import Order, Refund
from kamri.orders.payments import start_payment
from tests import factories

pytestmark = pytest.mark.django_db


def _demo_paid() -> Order:
    order = factories.order()
    assert start_payment(order, provider="demo").is_paid
    order.refresh_from_db()
    return order


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_refund_bad_amounts_are_french_messages_and_change_nothing(staff_client):
    order = _demo_paid()
    url = reverse("orders:order_refund", args=[order.number])
    for data in (
        {"amount": "abc", "request_key": "a"},
        {"amount": "999999", "request_key": "b"},
        {"request_key": "c", f"line-{order.lines.get().pk}": "x"},
        {"request_key": "d", f"line-{order.lines.get().pk}": "9"},
    ):
        response = staff_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert _messages(response)
    assert not Refund.objects.filter(status=Refund.Status.SUCCEEDED).exists()


def test_refund_per_line_then_the_page_shows_it(staff_client):
    order = _demo_paid()
    line = order.lines.get()
    response = staff_client.post(
        reverse("orders:order_refund", args=[order.number]),
        {"request_key": "k1", f"line-{line.pk}": "1", "reason": "Article abîmé"},
        follow=True,
    )
    assert "Remboursement de" in _messages(response)
    refund = Refund.objects.get()
    assert refund.amount == line.unit_price and refund.lines == [{"line_id": line.pk, "quantity": 1}]
    assert refund.by == "staff" and refund.provider_reference.startswith("DEMO-RE-")
    html = response.content.decode()
    assert 'id="refunds"' in html and "Article abîmé" in html
    # the same form posted twice (double click): one refund
    staff_client.post(
        reverse("orders:order_refund", args=[order.number]), {"request_key": "k1", f"line-{line.pk}": "1"}
    )
    assert Refund.objects.count() == 1


def test_cancel_without_cj_refunds_in_full_and_emails_once(staff_client, django_capture_on_commit_callbacks):
    order = _demo_paid()
    with django_capture_on_commit_callbacks(execute=False):
        response = staff_client.post(
            reverse("orders:order_cancel", args=[order.number]), {"request_key": "z"}, follow=True
        )
    assert "Commande annulée" in _messages(response)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert Refund.objects.get().amount == order.total
    assert notifications.send_order_email(order.pk, "cancellation", refund_id=Refund.objects.get().pk)
    assert "annulée" in mail.outbox[0].body


def test_note_and_resend_email(staff_client):
    order = _demo_paid()
    staff_client.post(reverse("orders:order_note", args=[order.number]), {"note": "Client appelé."})
    assert order.events.filter(type="note", message="Client appelé.").exists()
    response = staff_client.post(reverse("orders:order_note", args=[order.number]), {"note": ""}, follow=True)
    assert "vide" in _messages(response)
    response = staff_client.post(
        reverse("orders:order_resend_email", args=[order.number]), {"kind": "confirmation"}, follow=True
    )
    assert "L'e-mail part" in _messages(response)
    response = staff_client.post(
        reverse("orders:order_resend_email", args=[order.number]), {"kind": "<x>"}, follow=True
    )
    assert "Choisissez" in _messages(response)


def test_actions_need_staff(client):
    order = _demo_paid()
    response = client.post(reverse("orders:order_cancel", args=[order.number]), {"request_key": "x"})
    assert response.status_code in (302, 403)
    order.refresh_from_db()
    assert order.status != Order.Status.CANCELLED
    assert client.get(reverse("payments:settings")).status_code in (302, 403)


def test_paiements_on_a_fresh_shop_shows_then_tests_without_a_saved_row(staff_client):
    from kamri.orders.models import PaymentSettings

    assert staff_client.get(reverse("payments:settings")).status_code == 200
    assert not PaymentSettings.objects.exists()  # a page view writes nothing
    response = staff_client.post(reverse("payments:settings"), {"test": "1", "secret_key": "nope"})
    assert response.status_code == 400
    assert "sk_" in response.content.decode()
    assert PaymentSettings.load().secret_key == ""


def test_the_payment_is_named_by_its_provider_not_its_code(staff_client):
    order = _demo_paid()
    page = staff_client.get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert "Paiement · Paiement de démonstration — Demo</dt>" in page
    settings_page = staff_client.get(reverse("payments:settings")).content.decode()
    assert "<code>demo</code>" not in settings_page and "<code>stripe</code>" not in settings_page


def test_cancelling_an_order_paid_outside_kamri_says_how_to_refund_not_that_the_refund_failed(staff_client):
    """An order marked paid by hand has no payment to refund: the cancellation is done and says what to do
    (it used to end with « le remboursement a échoué », and the page still offered a refund form)."""
    order = factories.order()
    staff_client.post(reverse("orders:order_mark_paid", args=[order.number]))
    page = staff_client.get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert 'id="refund-outside"' in page and 'id="refund-form"' not in page
    assert "Aucun paiement n'est enregistré dans KAMRI" in page  # the confirmation too
    response = staff_client.post(
        reverse("orders:order_cancel", args=[order.number]), {"request_key": "k"}, follow=True
    )
    said = _messages(response)
    assert "Commande annulée." in said and "échoué" not in said and "remboursez le client" in said
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and not Refund.objects.filter(order=order).exists()
