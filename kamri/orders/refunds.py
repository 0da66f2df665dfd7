"""Refunds and cancellations: a guard that can say no, a record (who, when, how much, provider reference),
idempotent by the form's request key. A cancelled or fully refunded order never ships: the supplier side is
asked to stop first (`stop_fulfilment`), and whatever it could not stop is said in French.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kamri.core import queue
from kamri.core.templatetags.kamri import money
from kamri.orders import services
from kamri.orders.invoices import issue_credit_note
from kamri.orders.models import Order, OrderEvent, Payment, Refund
from kamri.orders.payments import get_provider
from kamri.orders.signals import stop_fulfilment, unstoppable_fulfilment
from kamri.orders.stripe_gateway import StripeFailure

log = logging.getLogger(__name__)

ZERO = Decimal("0.00")


class RefundRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refunded_total(order: Order) -> Decimal:
    """Money given back or being given back (a pending refund counts: it may not be given twice)."""
    total = order.refunds.exclude(status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"]
    return total or ZERO


def refundable(order: Order) -> Decimal:
    return max(order.total - refunded_total(order), ZERO) if order.is_paid else ZERO


def refundable_payment(order: Order) -> Payment | None:
    """The card payment a refund goes back on; None for an order paid outside KAMRI (marked paid by hand)."""
    return order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-confirmed_at", "-pk").first()


def is_fully_refunded(order: Order) -> bool:
    return order.is_paid and refundable(order) == ZERO


def may_fulfil(order: Order) -> bool:
    """May this order still go to the supplier? Paid, not cancelled, not refunded in full."""
    return order.is_paid and order.status != Order.Status.CANCELLED and not is_fully_refunded(order)


def refunded_quantities(order: Order) -> dict[int, int]:
    done: dict[int, int] = {}
    for refund in order.refunds.exclude(status=Refund.Status.FAILED):
        for item in refund.lines:
            done[int(item["line_id"])] = done.get(int(item["line_id"]), 0) + int(item["quantity"])
    return done


def lines_amount(order: Order, quantities: Mapping[int, int]) -> tuple[Decimal, list[dict]]:
    """Amount and record of a refund per line; refuses more than was bought and not yet refunded."""
    done = refunded_quantities(order)
    amount, items = ZERO, []
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None or quantity <= 0:
            continue
        left = line.quantity - done.get(line_id, 0)
        if quantity > left:
            raise RefundRefused(
                _("« %(title)s » : %(left)s article(s) au plus peuvent encore être remboursés.")
                % {"title": line.title, "left": left}
            )
        amount += line.unit_price * quantity
        items.append({"line_id": line_id, "quantity": quantity})
    if not items:
        raise RefundRefused(_("Choisissez au moins un article à rembourser."))
    return amount, items


def _provider_for(payment: Payment):
    return get_provider(payment.provider)


def refund(
    order: Order,
    *,
    amount: Decimal,
    by: str,
    request_key: str,
    reason: str = "",
    lines: list[dict] | None = None,
    notify: bool = True,
) -> Refund:
    """Give `amount` back on the order's card payment. The same request key returns the same refund."""
    existing = Refund.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        payment = refundable_payment(locked)
        if not locked.is_paid or payment is None:
            raise RefundRefused(_("Cette commande n'a pas de paiement à rembourser."))
        left = refundable(locked)
        if amount <= ZERO:
            raise RefundRefused(_("Le montant à rembourser doit être positif."))
        if amount > left:
            raise RefundRefused(
                _("Au plus %(left)s peuvent encore être remboursés sur cette commande.")
                % {"left": money(left, locked.currency)}
            )
        row = Refund.objects.create(
            order=locked,
            payment=payment,
            request_key=request_key,
            amount=amount,
            currency=payment.currency,
            reason=reason[:300],
            lines=lines or [],
            by=by,
        )
    try:
        reference = _provider_for(payment).refund(payment, amount=amount, request_key=request_key)
    except StripeFailure as failure:
        Refund.objects.filter(pk=row.pk).update(status=Refund.Status.FAILED, error=failure.user_message[:300])
        services.record_event(
            order,
            OrderEvent.Type.REFUND_FAILED,
            _("Remboursement refusé : %(why)s") % {"why": failure.user_message},
        )
        raise RefundRefused(failure.user_message) from None
    row.status, row.provider_reference = Refund.Status.SUCCEEDED, reference
    row.save(update_fields=["status", "provider_reference"])
    services.record_event(
        order,
        OrderEvent.Type.REFUND,
        _("Remboursement de %(amount)s par %(by)s (%(reference)s).")
        % {"amount": money(amount, row.currency), "by": by or "?", "reference": reference},
        amount=str(amount),
        reference=reference,
        by=by,
    )
    _credit_note(order, row)
    if notify:
        _email(order, "refund", row)
    return row


def _credit_note(order: Order, row: Refund) -> None:
    """The money given back has its credit note (AV-…), once per refund, against the order's invoice."""
    if not order.invoices.exists():  # paid before invoices existed: nothing to credit
        return
    note = issue_credit_note(order, amount=row.amount, reference=f"refund-{row.pk}", reason=row.reason)
    services.record_event(
        order, OrderEvent.Type.CREDIT_NOTE, _("Avoir %(number)s émis.") % {"number": note.number}
    )


def _email(order: Order, kind: str, row: Refund | None) -> None:
    refund_id = row.pk if row else None
    transaction.on_commit(lambda: queue.job("send_order_email")(order.pk, kind, refund_id))


def unstoppable_supplier(order: Order) -> list[str]:
    """What would keep a cancellation from stopping the supplier orders now (nothing is stopped)."""
    problems: list[str] = []
    for _receiver, answer in unstoppable_fulfilment.send(sender=Order, order_id=order.pk):
        problems.extend(answer or [])
    return problems


def stop_supplier(order: Order, *, by: str) -> list[str]:
    """Ask the supplier side to stop this order; the sentences of what it could not stop."""
    problems: list[str] = []
    for _receiver, answer in stop_fulfilment.send(sender=Order, order_id=order.pk, by=by):
        problems.extend(answer or [])
    return problems


@dataclass
class Outcome:
    done: bool
    message: str
    problems: list[str] = field(default_factory=list)
    refund: Refund | None = None


def refund_in_full_or_part(
    order: Order,
    *,
    amount: Decimal,
    by: str,
    request_key: str,
    reason: str = "",
    lines: list[dict] | None = None,
) -> Outcome:
    """The admin's "Rembourser": refund, then, when nothing is left to refund, stop the supplier order."""
    row = refund(order, amount=amount, by=by, request_key=request_key, reason=reason, lines=lines)
    order.refresh_from_db()
    problems = stop_supplier(order, by=by) if is_fully_refunded(order) else []
    message = _("Remboursement de %(amount)s enregistré (%(reference)s).") % {
        "amount": money(row.amount, row.currency),
        "reference": row.provider_reference,
    }
    return Outcome(True, message, problems, row)


def cancel_order(order: Order, *, by: str, request_key: str, reason: str = "") -> Outcome:
    """Cancel before the supplier order is paid: stop it at the supplier first, then cancel, then refund in full.

    A supplier order that can no longer be stopped (already paid there) refuses the cancellation: the page
    offers a refund at the shop's cost instead.
    """
    order.refresh_from_db()
    if order.status == Order.Status.CANCELLED:
        return Outcome(False, _("Cette commande est déjà annulée."))
    if order.status in (Order.Status.SHIPPED, Order.Status.DELIVERED):
        return Outcome(
            False,
            _("La commande est déjà expédiée : elle ne peut plus être annulée. Remboursez-la si besoin."),
        )
    problems = stop_supplier(order, by=by)
    if problems:
        return Outcome(
            False, _("Annulation impossible : la commande fournisseur ne peut plus être arrêtée."), problems
        )
    services.cancel(order, reason=reason or _("Commande annulée par %(by)s.") % {"by": by or "?"}, by=by)
    row = None
    left = refundable(order)
    paid_in_kamri = refundable_payment(order) is not None
    if left > ZERO and paid_in_kamri:
        row = refund(order, amount=left, by=by, request_key=request_key, reason=_("Annulation"), notify=False)
    _email(order, "cancellation", row)
    message = _("Commande annulée.")
    if row is not None:
        message += " " + _("Remboursement de %(amount)s effectué (%(reference)s).") % {
            "amount": money(row.amount, row.currency),
            "reference": row.provider_reference,
        }
    elif left > ZERO:  # paid outside KAMRI (marked paid by hand): nothing here can give the money back
        message += " " + _(
            "Aucun paiement n'est enregistré dans KAMRI pour cette commande : remboursez le client par le moyen "
            "qui a servi à payer."
        )
    return Outcome(True, message, [], row)
