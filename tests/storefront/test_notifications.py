"""The shipping e-mail: sent when tracking first appears, in French, never twice."""

from __future__ import annotations

import pytest

from kamri.orders.models import Order
from kamri.orders.notifications import EMAIL_SHIPPING_EVENT, send_shipping_email
from tests import factories

pytestmark = pytest.mark.django_db

PARCEL = {
    "number": "CJPKL7012345678",
    "url": "https://track.example/CJPKL7012345678",
    "carrier": "CJPacket Ordinary",
}


def test_sent_once_even_when_called_twice(mailoutbox, settings):
    settings.KAMRI_PUBLIC_URL = "https://boutique.example"
    order = factories.order(paid=True, status=Order.Status.SHIPPED)
    assert send_shipping_email(order, [PARCEL]) is True
    assert send_shipping_email(order, [PARCEL]) is False
    assert send_shipping_email(order, [{**PARCEL, "number": "OTHER"}]) is False
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["client@example.fr"]
    assert order.number in mail.subject and "expédiée" in mail.subject
    assert "Bonjour Client Test" in mail.body
    assert "CJPKL7012345678" in mail.body and "CJPacket Ordinary" in mail.body
    assert f"https://boutique.example/commande/{order.access_key}/" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html" and "CJPKL7012345678" in html and 'lang="fr"' in html
    assert order.events.filter(type=EMAIL_SHIPPING_EVENT).count() == 1


def test_nothing_is_sent_without_a_tracking_number(mailoutbox):
    order = factories.order(paid=True)
    assert send_shipping_email(order, []) is False
    assert send_shipping_email(order, [{"number": "", "url": "", "carrier": "X"}]) is False
    assert mailoutbox == []
    assert not order.events.filter(type=EMAIL_SHIPPING_EVENT).exists()


def test_a_mail_server_failure_records_nothing_so_it_is_retried(mailoutbox, monkeypatch):
    order = factories.order(paid=True)

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("kamri.orders.notifications.send_mail", broken)
    assert send_shipping_email(order, [PARCEL]) is False
    assert not order.events.filter(type=EMAIL_SHIPPING_EVENT).exists()
    monkeypatch.undo()
    assert send_shipping_email(order, [PARCEL]) is True
    assert len(mailoutbox) == 1
