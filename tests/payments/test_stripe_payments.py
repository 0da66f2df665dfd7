"""Card payments through localstripe: confirmation only by Stripe's signed webhook, once; declines and faults."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kamri.orders import payments, stripe_webhooks
from kamri.orders.models import Order, Payment, StripeEvent
from tests import factories
from tests.payments.helpers import DECLINED, THREE_D_SECURE, card_token, events, post_webhook

pytestmark = pytest.mark.django_db


def _pay(server, order, number):
    return payments.start_payment(
        order, return_url="http://shop/merci/", data={"token": card_token(server, number)}
    )


def _succeeded_event(server, order) -> dict:
    (event,) = [
        e
        for e in events(server, "payment_intent.succeeded")
        if e["data"]["object"]["metadata"]["order"] == order.number
    ]
    return event


def test_a_good_card_pays_only_when_the_signed_webhook_arrives_and_only_once(
    localstripe, client, django_capture_on_commit_callbacks
):
    order = factories.order()
    result = _pay(localstripe, order, "4242424242424242")
    assert result.status == payments.PaymentResult.REDIRECT
    order.refresh_from_db()
    assert not order.is_paid  # the browser's return is not a payment
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.PENDING and payment.reference.startswith("pi_")

    event = _succeeded_event(localstripe, order)
    with django_capture_on_commit_callbacks(execute=False):
        assert post_webhook(client, event).status_code == 200
        assert post_webhook(client, event).status_code == 200  # Stripe retries: one inbox row
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    row = StripeEvent.objects.get(event_id=event["id"])
    with django_capture_on_commit_callbacks(execute=True):
        stripe_webhooks.process(row.pk)
        stripe_webhooks.process(row.pk)
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.is_paid and order.status == Order.Status.CONFIRMED
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.fee == Decimal("0.00")  # localstripe's balance transaction: no fee
    assert order.events.filter(type="payment").count() == 1


def test_a_declined_card_says_so_in_french_and_the_order_stays_unpaid(localstripe):
    order = factories.order()
    result = _pay(localstripe, order, DECLINED)
    assert result.status == payments.PaymentResult.FAILED
    assert result.message.startswith("Votre carte a été refusée")
    order.refresh_from_db()
    assert not order.is_paid and order.status == Order.Status.PENDING
    assert not Payment.objects.filter(order=order).exists()


def test_a_3d_secure_card_hands_the_client_secret_to_stripe_js(localstripe):
    order = factories.order()
    result = _pay(localstripe, order, THREE_D_SECURE)
    assert result.status == payments.PaymentResult.ACTION
    assert result.client_secret.startswith(result.reference + "_secret_")
    assert payments.awaiting_confirmation(order) == payments.ABANDONED  # not authenticated yet: pay again


def test_a_forged_webhook_is_refused_and_changes_nothing(localstripe, client):
    order = factories.order()
    _pay(localstripe, order, "4242424242424242")
    event = _succeeded_event(localstripe, order)
    assert post_webhook(client, event, secret="whsec_forged").status_code == 400
    assert client.post("/webhooks/stripe/", data=b"{}", content_type="application/json").status_code == 400
    assert post_webhook(client, event, at=1_000_000).status_code == 400  # replayed, too old
    assert not StripeEvent.objects.exists()
    order.refresh_from_db()
    assert not order.is_paid


def test_a_webhook_whose_amount_differs_from_the_order_pays_nothing(localstripe, client):
    order = factories.order()
    _pay(localstripe, order, "4242424242424242")
    event = _succeeded_event(localstripe, order)
    event["data"]["object"]["amount"] = 1
    post_webhook(client, event)
    stripe_webhooks.process(StripeEvent.objects.get().pk)
    order.refresh_from_db()
    assert not order.is_paid
    assert order.events.filter(type="payment_mismatch").exists()


def test_stripe_unreachable_is_a_clear_message_and_nothing_is_lost(localstripe, settings):
    settings.KAMRI_STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    order = factories.order()
    result = payments.start_payment(order, return_url="/", data={"token": "tok_whatever"})
    assert result.status == payments.PaymentResult.FAILED
    assert "injoignable" in result.message
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING and order.lines.count() == 1


def test_without_a_card_token_nothing_is_asked_of_stripe(localstripe):
    order = factories.order()
    result = payments.start_payment(order, return_url="/", data={"token": "<script>"})
    assert result.status == payments.PaymentResult.FAILED
    assert not Payment.objects.exists()
