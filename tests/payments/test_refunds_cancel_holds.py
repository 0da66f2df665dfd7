"""Refunds, cancellations that reach CJ, holds before the CJ order, and the customer's e-mails."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from django.core import mail
from django.urls import reverse

from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.orders import placement as cj_orders
from kamri.orders import holds, notifications, payments, refunds, stripe_webhooks
from kamri.orders.models import Hold, Invoice, Order, Payment, PaymentSettings, Refund, StripeEvent
from tests.cj.helpers import cj_row, import_cj_products, sandbox_orders, stocked_variant, unpaid_order
from tests.payments.helpers import card_token, events, post_webhook


def stripe_paid_order(server, client, capture, variants, *, quantities=None, language="fr") -> Order:
    """A store order paid by card at localstripe and confirmed by its signed webhook (as in production)."""
    from django.utils import translation

    order = unpaid_order(variants, quantities=quantities)
    with translation.override(language):
        result = payments.start_payment(order, return_url="/", data={"token": card_token(server)})
    assert result.status == payments.PaymentResult.REDIRECT, result.message
    (event,) = [
        e for e in events(server, "payment_intent.succeeded") if e["data"]["object"]["id"] == result.reference
    ]
    with capture(execute=True):
        assert post_webhook(client, event).status_code == 200
        stripe_webhooks.process(StripeEvent.objects.get(event_id=event["id"]).pk)
    order.refresh_from_db()
    assert order.is_paid
    return order


def localstripe_refunds(server, intent_id: str) -> list[dict]:
    answer = httpx.get(
        f"{server.url}/v1/refunds", params={"payment_intent": intent_id}, auth=("sk_test_x", ""), timeout=10
    )
    return answer.json()["data"]


@pytest.fixture
def cj_variant(cj_account):
    (product,) = import_cj_products(1)
    return stocked_variant(product)


def test_cancel_while_the_cj_order_is_created_deletes_it_at_cj_then_refunds_at_stripe(
    localstripe, client, cj_sandbox, cj_variant, django_capture_on_commit_callbacks
):
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(payment_mode=CJSettings.PaymentMode.MANUAL)
    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    row = cj_orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.TO_PAY and row.paid_at is None  # created at CJ, not paid

    with django_capture_on_commit_callbacks(execute=True):
        outcome = refunds.cancel_order(order, by="admin", request_key="cancel-1")
    assert outcome.done, outcome.problems
    order.refresh_from_db()
    row.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert row.state == CJOrder.State.CANCELLED
    (at_cj,) = [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == order.number]
    assert at_cj["deleted"] is True  # deleteOrder reached the sandbox
    payment = Payment.objects.get(order=order)
    (refund,) = localstripe_refunds(localstripe, payment.reference)
    assert refund["amount"] == int(order.total * 100)
    assert Refund.objects.get(order=order).provider_reference == refund["id"]
    # the same click again: nothing more is refunded
    assert not refunds.cancel_order(order, by="admin", request_key="cancel-1").done
    assert len(localstripe_refunds(localstripe, payment.reference)) == 1


def test_a_queued_cj_order_of_a_cancelled_order_is_never_placed(
    localstripe, client, cj_sandbox, cj_variant, django_capture_on_commit_callbacks
):
    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    row = cj_row(order)
    assert row.state == CJOrder.State.QUEUED
    assert refunds.cancel_order(order, by="admin", request_key="k").done
    assert cj_orders.place(row.pk).state == CJOrder.State.CANCELLED
    assert not [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == order.number]


def test_refund_of_an_order_paid_at_cj_leaves_the_cj_order_and_says_how_to_claim(
    localstripe, client, cj_sandbox, cj_variant, staff_client, django_capture_on_commit_callbacks
):
    # the default payment mode (Automatique) pays the CJ order from the balance right after its creation
    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    row = cj_orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED and row.cj_status not in cj_orders.CJ_DELETABLE
    before = [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == order.number]
    # The page says so before any click: no cancel offered and then refused (the button used to be live).
    page = staff_client.get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert 'id="cancel-order" disabled' in page and 'id="cancel-refused"' in page
    assert "déjà payée chez CJ" in page and "ouvrez un litige" in page

    cancel = refunds.cancel_order(order, by="admin", request_key="c")
    assert not cancel.done and "déjà payée chez CJ" in cancel.problems[0]

    outcome = refunds.refund_in_full_or_part(order, amount=order.total, by="admin", request_key="r1")
    assert outcome.done and outcome.refund.status == Refund.Status.SUCCEEDED
    assert any("ouvrez un litige" in problem for problem in outcome.problems)
    row.refresh_from_db()
    assert row.state == CJOrder.State.PLACED
    assert [o for o in sandbox_orders(cj_sandbox) if o["orderNumber"] == order.number] == before


def test_refunds_are_guarded_recorded_and_idempotent(
    localstripe, client, cj_variant, django_capture_on_commit_callbacks
):
    order = stripe_paid_order(
        localstripe, client, django_capture_on_commit_callbacks, [cj_variant], quantities=[3]
    )
    line = order.lines.get()
    first = refunds.refund(order, amount=line.unit_price, by="admin", request_key="same", lines=[])
    again = refunds.refund(order, amount=line.unit_price, by="admin", request_key="same")
    assert first.pk == again.pk
    payment = Payment.objects.get(order=order)
    assert len(localstripe_refunds(localstripe, payment.reference)) == 1
    with pytest.raises(refunds.RefundRefused, match="Au plus"):
        refunds.refund(order, amount=order.total, by="admin", request_key="too-much")
    with pytest.raises(refunds.RefundRefused, match="au plus"):
        refunds.lines_amount(order, {line.pk: 4})
    amount, items = refunds.lines_amount(order, {line.pk: 1})
    assert amount == line.unit_price
    refunds.refund(order, amount=amount, by="admin", request_key="per-line", lines=items)
    assert refunds.refunded_total(order) == 2 * line.unit_price
    assert refunds.refundable(order) == line.unit_price
    assert order.events.filter(type="refund").count() == 2
    # each refund has its credit note against the invoice, numbered after it, for the amount given back
    notes = list(order.invoices.filter(kind=Invoice.Kind.CREDIT_NOTE).order_by("pk"))
    assert [note.total for note in notes] == [line.unit_price, line.unit_price]
    assert all(note.number.startswith("AV-") for note in notes)


def test_a_held_order_waits_for_liberer_then_is_queued_once(
    localstripe, client, cj_variant, django_capture_on_commit_callbacks
):
    rules = PaymentSettings.load()
    rules.hold_amount_above = Decimal("1.00")
    rules.save()
    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    (hold,) = Hold.objects.filter(order=order)
    assert hold.reason == Hold.Reason.AMOUNT
    assert not CJOrder.objects.filter(order=order).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert holds.release(hold, by="admin")
        assert not holds.release(hold, by="admin")
    assert CJOrder.objects.filter(order=order).count() == 1
    assert order.events.filter(type="hold_released").count() == 1


def test_first_order_rule_holds_a_new_customer_only(
    localstripe, client, cj_variant, django_capture_on_commit_callbacks
):
    rules = PaymentSettings.load()
    rules.hold_first_order_above = Decimal("1.00")
    rules.save()
    first = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    second = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    assert Hold.objects.filter(order=first, reason=Hold.Reason.FIRST_ORDER).exists()
    assert not Hold.objects.filter(order=second).exists()


def test_a_fully_refunded_held_order_is_not_sent_when_released(
    localstripe, client, cj_variant, django_capture_on_commit_callbacks
):
    rules = PaymentSettings.load()
    rules.hold_amount_above = Decimal("1.00")
    rules.save()
    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    refunds.refund_in_full_or_part(order, amount=order.total, by="admin", request_key="all")
    with django_capture_on_commit_callbacks(execute=True):
        holds.release(order.holds.get(), by="admin")
    assert not CJOrder.objects.filter(order=order).exists()


def test_confirmation_email_in_the_customers_language_html_and_text_once(
    localstripe, client, cj_variant, django_capture_on_commit_callbacks
):
    order = stripe_paid_order(
        localstripe, client, django_capture_on_commit_callbacks, [cj_variant], language="en"
    )
    assert notifications.send_order_email(order.pk, "confirmation")
    assert not notifications.send_order_email(order.pk, "confirmation")
    (message,) = mail.outbox
    assert message.subject == f"KAMRI — your order {order.number} is confirmed"
    assert "Your payment is confirmed" in message.body
    assert (
        "text/html" in message.alternatives[0].mimetype
        if hasattr(message.alternatives[0], "mimetype")
        else True
    )
    assert order.events.filter(type="email_confirmation").count() == 1
    refund = refunds.refund(order, amount=Decimal("1.00"), by="admin", request_key="r", notify=False)
    assert notifications.send_order_email(order.pk, "refund", refund_id=refund.pk)
    assert "1.00" in mail.outbox[1].body or "1,00" in mail.outbox[1].body


def test_the_profit_report_shows_the_periods_refunds(
    localstripe, client, cj_variant, staff_client, django_capture_on_commit_callbacks
):

    from kamri.cj.reports.profit import profit_report
    from kamri.core.periods import default_period

    order = stripe_paid_order(localstripe, client, django_capture_on_commit_callbacks, [cj_variant])
    refunds.refund(order, amount=Decimal("2.50"), by="admin", request_key="profit")
    report = profit_report(default_period())
    assert report.refunds.orders == 1 and report.refunds.revenue == Decimal("2.50")
    html = staff_client.get(reverse("cj:profit")).content.decode()
    assert 'data-value="refunds">−2,50' in html
