"""Applying what CJ says about an order (sync or webhook): forward-only statuses, tracking, shipping e-mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.cj import status as cj_status
from kamri.cj.models import CJOrder
from kamri.orders.models import Order, OrderEvent
from kamri.orders.notifications import send_shipping_email
from kamri.orders.services import advance_status, record_event
from kamri.orders.tracking import tracking_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    status_changed: bool = False
    tracking_found: bool = False
    ignored_backwards: bool = False


#: Where CJ's news came from, in the timeline's words (the stored `source` stays the code).
SOURCE_WORDS = {
    "sync": gettext_lazy("synchronisation"),
    "webhook": gettext_lazy("webhook"),
    "paiement": gettext_lazy("paiement"),
}


def apply_update(
    row: CJOrder,
    *,
    status: str | None = None,
    track_number: str | None = None,
    tracking_url: str | None = None,
    logistic_name: str | None = None,
    logistic_status: int | None = None,
    source: str,
) -> Change:
    """Record CJ's view of one order. A late or repeated message never moves anything backwards."""
    status = (status or "").upper() or None
    with transaction.atomic():
        locked = CJOrder.objects.select_for_update().select_related("order").get(pk=row.pk)
        status_changed = ignored = False
        if status:
            if cj_status.is_forward(locked.cj_status, status):
                previous, locked.cj_status, status_changed = locked.cj_status, status, True
                record_event(
                    locked.order,
                    OrderEvent.Type.CJ_STATUS,
                    _("Statut CJ : %(old)s → %(new)s (%(source)s).")
                    % {"old": previous or "—", "new": status, "source": SOURCE_WORDS.get(source, source)},
                    cj_order=locked.order_number,
                    previous=previous,
                    status=status,
                    source=source,
                )
                if status == cj_status.CANCELLED:
                    locked.state = CJOrder.State.NEEDS_ATTENTION
                    locked.reasons = [
                        _("CJ a annulé cette commande : repassez-la ou annulez la commande client.")
                    ]
            elif status != locked.cj_status:
                ignored = True
        tracking_found = bool(track_number) and track_number != locked.track_number
        if tracking_found:
            locked.track_number = track_number[:80]
            record_event(
                locked.order,
                OrderEvent.Type.TRACKING,
                _("Numéro de suivi reçu : %(n)s.") % {"n": track_number},
                track_number=track_number,
                source=source,
            )
        if tracking_url:
            locked.tracking_url = tracking_url[:500]
        if logistic_name:
            locked.logistic_name = logistic_name[:80]
        if logistic_status is not None and (locked.logistic_status or 0) < logistic_status <= 14:
            locked.logistic_status = logistic_status
        locked.last_synced_at = timezone.now()
        locked.save()
        _advance_store_order(locked, source)
    row.refresh_from_db()
    if tracking_found:
        _notify_customer(row.order)
    return Change(status_changed=status_changed, tracking_found=tracking_found, ignored_backwards=ignored)


def _advance_store_order(row: CJOrder, source: str) -> None:
    """The store order follows the furthest of its CJ orders (kamri.cj.status: CJ status, then the parcel)."""
    target = cj_status.store_status(
        row.cj_status, logistic_status=row.logistic_status, tracked=bool(row.track_number)
    )
    if target and target != row.order.status and row.order.is_paid:
        advance_status(row.order, target, source=f"cj-{source}")


def _notify_customer(order: Order) -> None:
    try:
        send_shipping_email(order, tracking_for(order))
    except Exception:
        log.exception("shipping e-mail for %s failed", order.number)
