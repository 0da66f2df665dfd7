"""Order rules: statuses only move forward, payment confirms, every change lands in the timeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.catalog.models import Variant
from kamri.orders.invoices import issue_invoice
from kamri.orders.models import Order, OrderEvent
from kamri.orders.signals import payment_committed

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
        invoice = issue_invoice(locked)
        record_event(locked, "invoice", _("Facture %(number)s émise.") % {"number": invoice.number})
        transaction.on_commit(lambda: _after_payment(locked.pk))
    order.refresh_from_db()
    return True


def _after_payment(order_id: int) -> None:
    """Committed payment: kamri.orders.receivers sends the confirmation and lets the hold rules decide
    whether `order_paid` goes now or after "Libérer"."""
    payment_committed.send(sender=Order, order_id=order_id)


def cancel(order: Order, *, reason: str, by: str = "") -> bool:
    """Explicit cancellation (the only way into CANCELLED); delivered orders cannot be cancelled."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status in (Order.Status.CANCELLED, Order.Status.DELIVERED):
            return False
        previous = locked.status
        locked.status = Order.Status.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        if previous in (Order.Status.PENDING, Order.Status.CONFIRMED):  # nothing has left the warehouse
            _release_stock(locked)
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


# --- Stock reservation: checkout takes the stock (kamri.orders.checkout); an order unpaid after
# KAMRI_STOCK_RESERVATION_MINUTES is cancelled and its stock goes back on sale, once.


def _release_stock(locked: Order) -> None:
    """Give back the stock of a locked order's lines, once (stock_released_at marks it)."""
    if locked.stock_released_at is not None:
        return
    for line in locked.lines.exclude(variant=None):
        Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
    locked.stock_released_at = timezone.now()
    locked.save(update_fields=["stock_released_at", "updated_at"])


def reservation_expired_before() -> datetime:
    return timezone.now() - timedelta(minutes=settings.KAMRI_STOCK_RESERVATION_MINUTES)


def release_expired_reservations() -> int:
    """Cancel the orders still unpaid past the reservation time; their stock goes back on sale."""
    minutes = settings.KAMRI_STOCK_RESERVATION_MINUTES
    expired = Order.objects.filter(
        status=Order.Status.PENDING, paid_at=None, created_at__lt=reservation_expired_before()
    ).values_list("pk", flat=True)
    released = 0
    for pk in list(expired[:500]):
        order = Order(pk=pk)
        reason = _(
            "Paiement non reçu dans les %(minutes)s minutes : commande annulée, les articles sont remis en vente."
        ) % {"minutes": minutes}
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=pk)
            if locked.status != Order.Status.PENDING or locked.paid_at is not None:
                continue  # paid meanwhile
            released += int(cancel(order, reason=reason, by="kamri"))
    return released
