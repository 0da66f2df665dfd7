"""Holds before the supplier order: typed reasons, checked once at payment, released in one click.

A held order is paid but `order_paid` is not sent: nothing is placed (or paid) at the supplier until the last
hold is released; then `order_paid` goes once, and the supplier side's own idempotency places it once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.core.templatetags.kamri import money
from kamri.core.text import storable
from kamri.orders.models import Hold, Order, Payment, PaymentSettings
from kamri.orders.refunds import may_fulfil
from kamri.orders.services import record_event
from kamri.orders.signals import hold_reasons, order_paid
from kamri.orders.stripe_gateway import ELEVATED_RISK


def _is_first_order(order: Order) -> bool:
    return (
        not Order.objects.filter(email__iexact=order.email, paid_at__isnull=False)
        .exclude(pk=order.pk)
        .exists()
    )


def reasons_for(order: Order) -> list[tuple[str, str]]:
    """Every rule that holds this order back, with a French detail."""
    rules = PaymentSettings.load()
    found: list[tuple[str, str]] = []
    if rules.hold_amount_above is not None and order.total > rules.hold_amount_above:
        found.append(
            (
                Hold.Reason.AMOUNT,
                _("Total %(total)s au-dessus du seuil %(limit)s.")
                % {
                    "total": money(order.total, order.currency),
                    "limit": money(rules.hold_amount_above, order.currency),
                },
            )
        )
    if (
        rules.hold_first_order_above is not None
        and order.total > rules.hold_first_order_above
        and _is_first_order(order)
    ):
        found.append(
            (
                Hold.Reason.FIRST_ORDER,
                _("Premier achat de %(email)s, %(total)s (seuil %(limit)s).")
                % {
                    "email": order.email,
                    "total": money(order.total, order.currency),
                    "limit": money(rules.hold_first_order_above, order.currency),
                },
            )
        )
    risky = order.payments.filter(status=Payment.Status.SUCCEEDED, risk_level__in=ELEVATED_RISK).first()
    if rules.hold_on_elevated_risk and risky is not None:
        found.append(
            (Hold.Reason.RISK, _("Stripe évalue le risque « %(level)s ».") % {"level": risky.risk_level})
        )
    found.extend(_asked(order))
    return found


def _asked(order: Order) -> list[tuple[str, str]]:
    """The reasons other apps give (`hold_reasons`), e.g. the supplier side's address pre-flight."""
    found: list[tuple[str, str]] = []
    for _receiver, answer in hold_reasons.send(sender=Order, order_id=order.pk):
        found.extend(answer or [])
    return found


class ReleaseRefused(Exception):
    """ "Libérer" refused: what holds the order is still true; `message` says what to do."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _still_true(hold: Hold) -> str:
    """A reason another app gives is asked again at release: its detail while it still holds, else ""."""
    return " ".join(detail for reason, detail in _asked(hold.order) if reason == hold.reason)


def hold_or_release(order: Order) -> bool:
    """Called once the payment is committed: hold the order (True) or send `order_paid` at once (False)."""
    reasons = reasons_for(order)
    with transaction.atomic():
        for reason, detail in reasons:
            hold, created = Hold.objects.get_or_create(
                order=order, reason=reason, defaults={"detail": storable(detail)[:500]}
            )
            if created:
                record_event(
                    order,
                    "hold",
                    _("Commande retenue : %(reason)s — %(detail)s")
                    % {"reason": hold.get_reason_display(), "detail": detail},
                    reason=reason,
                )
    if reasons:
        return True
    if may_fulfil(order):
        order_paid.send(sender=Order, order_id=order.pk)
    return False


def open_holds(order: Order):
    return order.holds.filter(released_at__isnull=True)


def release(hold: Hold, *, by: str) -> bool:
    """ "Libérer": the hold ends; when it was the last one, the paid order goes to the supplier (once).

    Raises ReleaseRefused while a reason asked of other apps (a flagged address) is still true."""
    if hold.released_at is None:
        still = _still_true(hold)
        if still and hold.reason == Hold.Reason.ADDRESS:
            raise ReleaseRefused(
                _("L'adresse est toujours signalée : %(problems)s Corrigez-la puis libérez.")
                % {"problems": still}
            )
        if still:
            raise ReleaseRefused(
                _("La retenue « %(reason)s » tient toujours : %(detail)s")
                % {"reason": hold.get_reason_display(), "detail": still}
            )
    with transaction.atomic():
        locked = Hold.objects.select_for_update().select_related("order").get(pk=hold.pk)
        if locked.released_at is not None:
            return False
        locked.released_at, locked.released_by = timezone.now(), by
        locked.save(update_fields=["released_at", "released_by"])
        order = locked.order
        record_event(
            order,
            "hold_released",
            _("Retenue levée (%(reason)s) par %(by)s.")
            % {"reason": locked.get_reason_display(), "by": by or "?"},
            reason=locked.reason,
            by=by,
        )
        if not open_holds(order).exists() and may_fulfil(order):
            transaction.on_commit(lambda: order_paid.send(sender=Order, order_id=order.pk))
    return True
