"""The customer's "Signaler un problème": photos checked and kept private, deadlines said, delivery news once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kamri.aftersales import delivery_news, photos, policy
from kamri.aftersales import services as aftersales
from kamri.aftersales.models import CustomerRequest, RequestPhoto
from kamri.orders import payments
from kamri.orders import services as order_services
from kamri.orders.models import Order, OrderLine
from tests.aftersales.helpers import FR_ADDRESS, photo, run_queued_emails

pytestmark = pytest.mark.django_db


def _paid_order(django_capture_on_commit_callbacks, *, country="FR") -> Order:
    order = Order.objects.create(**{**FR_ADDRESS, "country": country}, subtotal=30, total=30)
    OrderLine.objects.create(order=order, title="Lampe", sku="L-1", unit_price=15, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        payments.start_payment(order, provider="demo")
    order.refresh_from_db()
    return order


def _shipped(order: Order, *, days_ago: int = 0) -> None:
    order_services.advance_status(order, Order.Status.SHIPPED)
    order.events.filter(type="status", data__status="SHIPPED").update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


def _delivered(order: Order, *, days_ago: int = 0) -> None:
    order_services.advance_status(order, Order.Status.DELIVERED)
    order.events.filter(type="status", data__status="DELIVERED").update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


def _report(client, order: Order, **data):
    line = order.lines.first()
    payload = {"kind": "not_received", "message": "Rien reçu", "request_key": "key-1", f"line_{line.pk}": "2"}
    payload.update(data)
    return client.post(f"/commande/{order.access_key}/probleme/", payload)


def test_deadlines_by_destination():
    assert (policy.late_days("US"), policy.late_days("BR"), policy.late_days("FR")) == (45, 110, 60)


def test_report_not_received_with_a_photo_then_status_on_the_order_page(
    client, django_capture_on_commit_callbacks
):
    order = _paid_order(django_capture_on_commit_callbacks)
    _shipped(order, days_ago=61)
    page = client.get(f"/commande/{order.access_key}/probleme/")
    assert page.status_code == 200 and "Signaler un problème" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _report(client, order, photos=[photo()])
    assert response.status_code == 302
    row = CustomerRequest.objects.get()
    assert row.status == CustomerRequest.Status.NEW and row.lines == [
        {"line_id": order.lines.first().pk, "quantity": 2}
    ]
    stored = RequestPhoto.objects.get()
    path = photos._path(stored)
    assert path.is_file() and "static" not in str(path) and stored.token not in row.message
    run_queued_emails()
    assert any("bien reçu votre demande" in m.subject for m in mail.outbox)
    again = _report(client, order, photos=[photo()])  # the same form sent twice: one request
    assert again.status_code == 302 and CustomerRequest.objects.count() == 1
    detail = client.get(f"/commande/{order.access_key}/").content.decode()
    assert row.reference in detail and "Nouvelle" in detail
    # the photo: to this order's customer, never by another key, never to a visitor guessing
    assert client.get(f"/commande/{order.access_key}/probleme/photo/{stored.token}/").status_code == 200
    other = _paid_order(django_capture_on_commit_callbacks)
    assert client.get(f"/commande/{other.access_key}/probleme/photo/{stored.token}/").status_code == 404
    assert client.get(f"/admin/cj/retours/photo/{stored.token}/").status_code == 302  # to the login page
    assert client.get(photos.evidence_path(stored)).status_code == 200
    assert client.get(f"/sav/preuve/{stored.token}/").status_code == 404


def test_uploads_that_are_not_images_or_too_large_are_refused_with_a_message(
    client, settings, django_capture_on_commit_callbacks
):
    order = _paid_order(django_capture_on_commit_callbacks)
    _shipped(order, days_ago=61)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = _report(client, order, photos=[fake])
    assert response.status_code == 400
    assert "pas une photo" in response.content.decode() and not CustomerRequest.objects.exists()
    settings.KAMRI_AFTERSALES_MAX_PHOTO_MB = 1
    big = io.BytesIO()
    from PIL import Image

    Image.effect_noise((900, 900), 90).convert("RGB").save(big, format="PNG")
    assert big.tell() > 1024 * 1024
    response = _report(client, order, photos=[SimpleUploadedFile("big.png", big.getvalue(), "image/png")])
    assert response.status_code == 400 and "trop lourde" in response.content.decode()
    settings.KAMRI_AFTERSALES_MAX_PHOTOS = 2
    response = _report(client, order, photos=[photo(), photo(), photo()])
    assert response.status_code == 400 and "2 photos au plus" in response.content.decode()
    assert not CustomerRequest.objects.exists() and not RequestPhoto.objects.exists()


def test_not_received_too_early_says_from_when_and_damage_needs_delivery(
    client, django_capture_on_commit_callbacks
):
    order = _paid_order(django_capture_on_commit_callbacks, country="US")
    _shipped(order, days_ago=10)
    response = _report(client, order)
    body = response.content.decode()
    assert response.status_code == 400 and "à partir du" in body and "45 jours" in body
    with pytest.raises(aftersales.RequestRefused, match="colis livré"):
        aftersales.create_request(order, kind="damaged", message="x", lines={}, uploads=[], request_key="k")
    _delivered(order, days_ago=31)
    with pytest.raises(aftersales.RequestRefused, match="30 jours"):
        aftersales.create_request(
            order,
            kind="damaged",
            message="x",
            lines={order.lines.first().pk: 1},
            uploads=[photo()],
            request_key="k",
        )


def test_delivery_news_once_per_parcel_in_the_orders_language(django_capture_on_commit_callbacks, settings):
    order = _paid_order(django_capture_on_commit_callbacks)
    order.payments.update(language="en")
    _shipped(order)
    run_queued_emails()
    mail.outbox.clear()
    for _ in range(2):  # CJ repeats itself: one e-mail per step and parcel
        with django_capture_on_commit_callbacks(execute=True):
            order_services.record_event(order, "parcel", "En cours de livraison", status=10, number="TRK1")
    run_queued_emails()
    assert [m.subject for m in mail.outbox] == [f"KAMRI — your parcel {order.number} is out for delivery"]
    with django_capture_on_commit_callbacks(execute=True):
        order_services.record_event(order, "parcel", "Livré", status=12, number="TRK1")
    run_queued_emails()
    assert "delivered" in mail.outbox[-1].subject and "TRK1" in mail.outbox[-1].body
    assert delivery_news.carrier_history(order)[0].message == "Livré"


def test_no_carrier_news_for_n_days_once(django_capture_on_commit_callbacks, settings):
    settings.KAMRI_NO_CARRIER_NEWS_DAYS = 5
    order = _paid_order(django_capture_on_commit_callbacks)
    _shipped(order, days_ago=6)
    run_queued_emails()
    # a parcel the store knows (kamri.orders.tracking reads order.cj_orders): give the order one
    from kamri.cj.models import CJOrder

    CJOrder.objects.create(order=order, order_number=order.number, state="placed", track_number="TRK9")
    mail.outbox.clear()
    assert delivery_news.send_no_news() == 1
    assert delivery_news.send_no_news() == 0
    assert "depuis 5 jours" in mail.outbox[0].body and "TRK9" in mail.outbox[0].body


def test_orders_near_a_deadline_show_on_the_problems_panel_and_the_order_pages(
    staff_client, django_capture_on_commit_callbacks
):
    from kamri.cj.models import Problem
    from kamri.cj.orders import disputes

    order = _paid_order(django_capture_on_commit_callbacks)
    _shipped(order, days_ago=55)  # France: late for CJ in 5 days
    disputes.check_deadlines()
    problem = Problem.objects.get(code=disputes.DEADLINES_PROBLEM, active=True)
    assert "1 commande approche" in problem.title and order.number in problem.detail
    page = staff_client.get(f"/admin/commandes/{order.number}/").content.decode()
    late = policy.deadlines(order).late_from
    assert "aftersales-panel" in page and f"{late.day} " in page
    _delivered(order, days_ago=40)
    disputes.check_deadlines()
    assert not Problem.objects.filter(code=disputes.DEADLINES_PROBLEM, active=True).exists()


def test_the_order_page_shows_the_whole_carrier_history(client, django_capture_on_commit_callbacks):
    order = _paid_order(django_capture_on_commit_callbacks)
    _shipped(order)
    for status, said in (
        (1, "Sorti de l'entrepôt"),
        (6, "Arrivé dans le pays de destination"),
        (10, "En cours de livraison"),
    ):
        order_services.record_event(order, "parcel", said, status=status, number="TRK5")
    page = client.get(f"/commande/{order.access_key}/").content.decode()
    history = page[page.index('id="carrier-history"') :]
    assert (
        history.index("En cours de livraison")
        < history.index("Arrivé dans le pays")
        < history.index("entrep")
    )
