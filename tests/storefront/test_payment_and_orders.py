"""Payment (demo provider, pluggable), the confirmation and private order pages, "Marquer comme payée"."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured

from kamri.orders import payments, tracking
from kamri.orders.models import Order
from kamri.orders.signals import order_paid
from tests import factories
from tests.storefront.helpers import ADDRESS, add, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_signals():
    received: list[int] = []

    def listener(sender, order_id, **kwargs):
        received.append(order_id)

    order_paid.connect(listener)
    yield received
    order_paid.disconnect(listener)


def _checkout(client) -> Order:
    add(client, factories.product(title="Vase", price="30.00", stock=5).variants.get(), 2)
    client.post("/commander/", ADDRESS)
    return Order.objects.get()


def test_demo_payment_confirms_and_signals_once(client, paid_signals, django_capture_on_commit_callbacks):
    order = _checkout(client)
    page = client.get(f"/commande/{order.access_key}/paiement/")
    html = text(page)
    assert page.status_code == 200
    assert "Payer 60,00" in html and "Paiement de démonstration" in html and order.number in html

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(f"/commande/{order.access_key}/paiement/")
    assert response.status_code == 302 and response.url == f"/commande/{order.access_key}/merci/"
    assert len(callbacks) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.paid_at is not None
    assert paid_signals == [order.pk]
    payment = order.events.get(type="payment")
    assert payment.data["provider"] == "demo" and payment.data["reference"].startswith(f"DEMO-{order.number}")

    # paying again (double click, back button) neither charges nor signals twice
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/commande/{order.access_key}/paiement/")
    assert again.status_code == 302 and again.url.endswith("/merci/")
    assert paid_signals == [order.pk]
    assert order.events.filter(type="payment").count() == 1


def test_confirmation_page_shows_the_order_number_and_the_private_link(client):
    order = _checkout(client)
    assert client.get(f"/commande/{order.access_key}/merci/").url.endswith("/paiement/")  # not paid yet
    client.post(f"/commande/{order.access_key}/paiement/")
    html = text(client.get(f"/commande/{order.access_key}/merci/"))
    assert "Merci pour votre commande" in html
    assert order.number in html
    assert f'href="/commande/{order.access_key}/"' in html


def test_private_order_page(client):
    order = _checkout(client)
    client.post(f"/commande/{order.access_key}/paiement/")
    response = client.get(f"/commande/{order.access_key}/")
    html = text(response)
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    assert order.number in html and "Confirmée" in html
    assert "Vase" in html and "60,00" in html
    assert "12 rue Oberkampf" in html and "75011 Paris" in html and "France" in html
    assert "Le numéro de suivi apparaîtra ici" in html


@pytest.mark.parametrize(
    ("key", "status"), [("wrong", 404), ("x" * 32, 404), ("../admin", 404), ("%00", 400)]
)
def test_private_order_page_404_for_a_wrong_key(client, key, status):
    order = factories.order()
    for suffix in ("", "paiement/", "merci/"):
        assert client.get(f"/commande/{key}/{suffix}").status_code == status  # a NUL byte is refused up front
    assert client.get(f"/commande/{order.number}/").status_code == 404  # the number is not the key


def test_order_page_shows_tracking_once_known(client, monkeypatch):
    order = factories.order(paid=True, status=Order.Status.SHIPPED)
    parcel = {"number": "YT2412345678", "url": "https://t.example/YT2412345678", "carrier": "YunExpress"}
    monkeypatch.setattr("kamri.storefront.views.tracking_for", lambda _order: [parcel])
    html = text(client.get(f"/commande/{order.access_key}/"))
    assert "Expédiée" in html and "YT2412345678" in html and "YunExpress" in html
    assert 'href="https://t.example/YT2412345678"' in html


def test_tracking_for_reads_supplier_orders_defensively():
    order = factories.order()
    assert tracking.tracking_for(order) == []  # no supplier app rows (or no relation at all)
    rows = [
        SimpleNamespace(track_number="", tracking_url="", logistic_name="CJPacket"),
        SimpleNamespace(track_number="LP001", tracking_url="https://t/LP001", logistic_name="CJPacket"),
        SimpleNamespace(track_number="LP001", tracking_url="https://t/LP001", logistic_name="CJPacket"),
        SimpleNamespace(track_number="LP002", tracking_url=None, logistic_name=None),
    ]
    fake = SimpleNamespace(cj_orders=SimpleNamespace(all=lambda: rows))
    assert tracking.tracking_for(fake) == [
        {"number": "LP001", "url": "https://t/LP001", "carrier": "CJPacket"},
        {"number": "LP002", "url": "", "carrier": ""},
    ]


def test_provider_is_chosen_by_setting(settings):
    assert isinstance(payments.get_provider(), payments.DemoProvider)
    settings.KAMRI_PAYMENT_PROVIDER = "nope"
    with pytest.raises(ImproperlyConfigured, match="nope"):
        payments.get_provider()


def test_a_registered_provider_can_redirect_to_its_own_page(client, settings):
    @payments.register
    class HostedPage(payments.PaymentProvider):
        name = "hosted-test"
        label = "Carte"

        def start(self, order, *, return_url):
            return payments.PaymentResult(
                payments.PaymentResult.REDIRECT, redirect_url="https://psp.example/pay/1"
            )

    settings.KAMRI_PAYMENT_PROVIDER = "hosted-test"
    try:
        order = _checkout(client)
        response = client.post(f"/commande/{order.access_key}/paiement/")
        assert response.status_code == 302 and response.url == "https://psp.example/pay/1"
        order.refresh_from_db()
        assert order.paid_at is None and order.status == Order.Status.PENDING
    finally:
        payments._REGISTRY.pop("hosted-test")


def test_a_cancelled_order_cannot_be_paid(client, paid_signals):
    from kamri.orders.services import cancel

    order = _checkout(client)
    cancel(order, reason="Annulée par le client")
    response = client.post(f"/commande/{order.access_key}/paiement/")
    assert response.status_code == 302 and response.url == f"/commande/{order.access_key}/"
    order.refresh_from_db()
    assert order.paid_at is None and paid_signals == []
    assert "Annulée" in text(client.get(f"/commande/{order.access_key}/"))


# --- Admin: "Marquer comme payée" -------------------------------------------------------------------


def test_staff_marks_an_unpaid_order_as_paid_once(client, paid_signals, django_capture_on_commit_callbacks):
    order = factories.order()
    client.force_login(factories.staff_user())
    page = text(client.get(f"/admin/commandes/{order.number}/"))
    assert (
        "Marquer comme payée" in page and f'action="/admin/commandes/{order.number}/marquer-payee/"' in page
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/commandes/{order.number}/marquer-payee/", follow=True)
    assert response.redirect_chain[-1][0] == f"/admin/commandes/{order.number}/"
    assert "marquée comme payée" in text(response)
    assert "Marquer comme payée</button>" not in text(response)  # the button is gone once paid
    order.refresh_from_db()
    assert order.status == Order.Status.CONFIRMED and order.paid_at is not None
    payment = order.events.get(type="payment")
    assert (payment.data["provider"], payment.data["by"]) == ("manuel", "staff")

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/admin/commandes/{order.number}/marquer-payee/", follow=True)
    assert "déjà payée" in text(again)
    assert paid_signals == [order.pk]
    assert order.events.filter(type="payment").count() == 1


def test_mark_paid_is_post_only_and_staff_only(client):
    order = factories.order()
    url = f"/admin/commandes/{order.number}/marquer-payee/"
    assert client.post(url).url.startswith("/admin/login/")  # anonymous
    client.force_login(factories.staff_user("customer", is_staff=False))
    assert client.post(url).url.startswith("/admin/login/")  # a customer account
    order.refresh_from_db()
    assert order.paid_at is None
    client.force_login(factories.staff_user())
    assert client.get(url).status_code == 405
    assert client.post("/admin/commandes/KM-NOPE/marquer-payee/").status_code == 404


def test_mark_paid_needs_the_csrf_token():
    from django.test import Client

    order = factories.order()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(factories.staff_user())
    assert browser.post(f"/admin/commandes/{order.number}/marquer-payee/").status_code == 403
    order.refresh_from_db()
    assert order.paid_at is None
