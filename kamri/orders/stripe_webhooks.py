"""Stripe's webhook: verify with Stripe's own signature helper, store one inbox row, answer at once.

The worker applies the event (`process`): a succeeded PaymentIntent confirms the order through `mark_paid`,
the only place a payment counts. The same event twice is one row, applied once; a forged one changes nothing.
"""

from __future__ import annotations

import json
import logging

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.core import queue
from kamri.orders import stripe_gateway
from kamri.orders.models import Order, Payment, PaymentSettings, StripeEvent
from kamri.orders.services import mark_paid, record_event

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
HANDLED = {"payment_intent.succeeded", "payment_intent.payment_failed"}


def receive(body: bytes, signature: str) -> tuple[int, StripeEvent | None]:
    """(HTTP status, the new inbox row or None). 400 for anything not signed by our webhook secret."""
    secret = PaymentSettings.load().webhook_secret
    if not secret or not signature or len(body) > MAX_BODY_BYTES:
        return 400, None
    try:
        stripe.WebhookSignature.verify_header(body, signature, secret, tolerance=300)
        event = json.loads(body)
        event_id, event_type = str(event["id"]), str(event["type"])
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError):
        return 400, None
    try:
        with transaction.atomic():
            row = StripeEvent.objects.create(event_id=event_id[:100], type=event_type[:80], payload=event)
    except IntegrityError:
        return 200, None  # already in the inbox: Stripe retried, nothing to do twice
    if event_type not in HANDLED:
        StripeEvent.objects.filter(pk=row.pk).update(processed_at=timezone.now())
        return 200, None
    return 200, row


def enqueue(row: StripeEvent) -> None:
    transaction.on_commit(lambda: queue.job("process_stripe_event")(row.pk))


def process(pk: int) -> None:
    """Apply one inbox row, once (row lock + processed_at)."""
    with transaction.atomic():
        row = StripeEvent.objects.select_for_update().filter(pk=pk, processed_at__isnull=True).first()
        if row is None:
            return
        obj = (row.payload.get("data") or {}).get("object") or {}
        payment = Payment.objects.select_related("order").filter(reference=str(obj.get("id", ""))).first()
        if payment is None:
            row.error = "unknown payment intent"
        elif row.type == "payment_intent.succeeded":
            row.error = _succeeded(payment, obj)
        else:
            _failed(payment, obj)
        row.processed_at = timezone.now()
        row.save(update_fields=["processed_at", "error"])


def _succeeded(payment: Payment, obj: dict) -> str:
    order = payment.order
    amount = stripe_gateway.from_minor(int(obj.get("amount") or 0), payment.currency)
    if amount != order.total or str(obj.get("currency", "")).upper() != order.currency.upper():
        record_event(
            order, "payment_mismatch", _("Stripe annonce un paiement qui ne correspond pas au total.")
        )
        return "amount mismatch"
    facts = stripe_gateway.charge_facts(payment.reference, payment.currency)
    payment.status, payment.confirmed_at = Payment.Status.SUCCEEDED, timezone.now()
    payment.fee, payment.risk_level, payment.card_last4 = facts.fee, facts.risk_level, facts.card_last4
    payment.save()
    mark_paid(order, provider="stripe", label=_("carte bancaire, Stripe"), reference=payment.reference)
    return ""


def _failed(payment: Payment, obj: dict) -> None:
    if payment.status == Payment.Status.PENDING:
        payment.status = Payment.Status.FAILED
        payment.message = str((obj.get("last_payment_error") or {}).get("message") or "")[:300]
        payment.save(update_fields=["status", "message"])
        if payment.order.status != Order.Status.CANCELLED:
            record_event(
                payment.order, "payment_failed", _("Paiement refusé par la banque."), provider="stripe"
            )


def pending() -> list[int]:
    return list(StripeEvent.objects.filter(processed_at__isnull=True).values_list("pk", flat=True)[:200])
