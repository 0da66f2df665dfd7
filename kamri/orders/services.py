"""Order rules: statuses only move forward, payment confirms, every change lands in the timeline."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.orders.models import Order, OrderEvent

# KAMRI's own order statuses, ranked. CANCELLED is outside the ladder: it is only ever set explicitly.
STATUS_RANK = {
    Order.Status.PENDING: 0,
    Order.Status.CONFIRMED: 1,
    Order.Status.SHIPPED: 2,
    Order.Status.DELIVERED: 3,
}


def record_event(order: Order, type: str, message: str, **data) -> OrderEvent:
    return OrderEvent.objects.create(order=order, type=type, message=message, data=data)


def advance_status(order: Order, status: str, *, reason: str = "", source: str = "kamri", **data) -> bool:
    """Move an order forward to `status`. Never backwards, never out of CANCELLED; True when it changed."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        current = locked.status
        if current == Order.Status.CANCELLED or status == Order.Status.CANCELLED:
            return False
        if STATUS_RANK[status] <= STATUS_RANK[current]:
            return False
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        label = Order.Status(status).label
        record_event(
            locked,
            "status",
            reason or _("Statut passé à « %(status)s ».") % {"status": label},
            source=source,
            previous=current,
            status=status,
            **data,
        )
    order.status = status
    return True


def mark_paid(order: Order, *, provider: str, label: str = "", reference: str = "", by: str = "") -> bool:
    """Payment confirmed: paid_at, CONFIRMED, then (once committed) the confirmation e-mail job and the hold rules,
    which send `order_paid` unless the order is held. Paying twice does nothing."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.paid_at is not None or locked.status == Order.Status.CANCELLED:
            return False
        locked.paid_at = timezone.now()
        locked.save(update_fields=["paid_at", "updated_at"])
        record_event(
            locked,
            "payment",
            _("Paiement confirmé (%(provider)s).") % {"provider": label or provider},
            provider=provider,
            reference=reference,
            by=by,
        )
        advance_status(locked, Order.Status.CONFIRMED, reason=_("Commande payée."))
        transaction.on_commit(lambda: _after_payment(locked.pk))
    order.refresh_from_db()
    return True


def _after_payment(order_id: int) -> None:
    """Committed payment: the hold rules decide whether `order_paid` goes now or after "Libérer"."""
    from kamri.orders import holds, tasks

    order = Order.objects.get(pk=order_id)
    tasks.send_order_email(order_id, "confirmation")
    holds.hold_or_release(order)


def cancel(order: Order, *, reason: str, by: str = "") -> bool:
    """Explicit cancellation (the only way into CANCELLED); delivered orders cannot be cancelled."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (Order.Status.CANCELLED, Order.Status.DELIVERED):
            return False
        previous = locked.status
        locked.status = Order.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            locked,
            "status",
            reason or _("Commande annulée."),
            previous=previous,
            status=Order.Status.CANCELLED,
            by=by,
        )
    order.refresh_from_db()
    return True
