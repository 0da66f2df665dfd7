"""After-sales requests: the customer reports a problem, the team answers, the status follows what was done.

The supplier's deadlines (policy.py) decide whether a request is accepted; nothing here knows CJ: the CJ app
opens its disputes from these requests and moves their status through `set_status`.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from kamri.aftersales import photos, policy
from kamri.aftersales.models import CustomerRequest
from kamri.core import queue
from kamri.orders import refunds
from kamri.orders.models import Order
from kamri.orders.services import record_event

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
#: Statuses a request may still leave (the others are final).
OPEN = (CustomerRequest.Status.NEW, CustomerRequest.Status.DISPUTED)


class RequestRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def create_request(
    order: Order,
    *,
    kind: str,
    message: str,
    lines: dict[int, int],
    uploads: list,
    request_key: str,
) -> CustomerRequest:
    """The customer's "Signaler un problème": checked (deadlines, lines, photos), stored, acknowledged by e-mail.
    The same request key (a double submit) returns the same request."""
    existing = CustomerRequest.objects.filter(request_key=request_key, order=order).first()
    if existing is not None:
        return existing
    if kind not in CustomerRequest.Kind.values:
        raise RequestRefused(_("Choisissez le motif de votre demande."))
    why = policy.refusal(order, kind)
    if why:
        raise RequestRefused(why)
    message = (message or "").strip()
    if not message:
        raise RequestRefused(_("Décrivez le problème en quelques mots."))
    if len(message) > MESSAGE_LIMIT:
        raise RequestRefused(_("Votre message dépasse %(n)s caractères.") % {"n": MESSAGE_LIMIT})
    bought = {line.pk: line for line in order.lines.all()}
    chosen = []
    for line_id, quantity in lines.items():
        line = bought.get(line_id)
        if line is None or quantity <= 0:
            continue
        if quantity > line.quantity:
            raise RequestRefused(
                _("« %(title)s » : %(n)s article(s) au plus.") % {"title": line.title, "n": line.quantity}
            )
        chosen.append({"line_id": line_id, "quantity": quantity})
    if not chosen:
        raise RequestRefused(_("Cochez au moins un article concerné."))
    if kind == CustomerRequest.Kind.DAMAGED and not uploads:
        raise RequestRefused(_("Ajoutez au moins une photo de l'article endommagé."))
    checked = photos.check(uploads)  # PhotoRefused carries its own sentence
    with transaction.atomic():
        row = CustomerRequest.objects.create(
            order=order, kind=kind, message=message, lines=chosen, request_key=request_key
        )
        photos.store(row, checked)
        record_event(
            order,
            "aftersales_request",
            _("Demande après-vente %(ref)s du client : %(kind)s.")
            % {"ref": row.reference, "kind": row.get_kind_display()},
            request=row.pk,
        )
        transaction.on_commit(
            lambda: _queue_email(order.pk, "request_received", f"email_aftersales_{row.pk}", row.pk)
        )
    return row


def _queue_email(
    order_id: int, kind: str, event_type: str, request_id: int, reply: str = "", by: str = ""
) -> None:
    queue.job("send_aftersales_email")(order_id, kind, event_type, request_id=request_id, reply=reply, by=by)


def set_status(row: CustomerRequest, status: str, *, by: str, note: str = "") -> bool:
    """Move the request to `status` (from an open one), with a line in the order's timeline."""
    with transaction.atomic():
        locked = CustomerRequest.objects.select_for_update().get(pk=row.pk)
        if locked.status == status or locked.status not in OPEN:
            return False
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            locked.order,
            "aftersales_status",
            _("Demande %(ref)s : %(status)s.")
            % {"ref": locked.reference, "status": locked.get_status_display()}
            + (f" {note}" if note else ""),
            request=locked.pk,
            status=status,
            by=by,
        )
    row.status = status
    return True


def reply(row: CustomerRequest, *, message: str, by: str, request_key: str) -> None:
    """Write to the customer about their request: e-mailed once per form key, logged in the timeline."""
    message = (message or "").strip()
    if not message:
        raise RequestRefused(_("Écrivez la réponse au client."))
    if len(message) > MESSAGE_LIMIT:
        raise RequestRefused(_("La réponse dépasse %(n)s caractères.") % {"n": MESSAGE_LIMIT})
    event_type = f"email_sav_reply_{request_key[:20]}"
    transaction.on_commit(lambda: _queue_email(row.order_id, "reply", event_type, row.pk, message, by))


def refund_lines(row: CustomerRequest) -> dict[int, int]:
    """The request's lines still refundable (what was reported, capped by what is left to refund)."""
    done = refunds.refunded_quantities(row.order)
    bought = {line.pk: line.quantity for line in row.order.lines.all()}
    out = {}
    for item in row.lines:
        line_id = int(item["line_id"])
        left = bought.get(line_id, 0) - done.get(line_id, 0)
        if left > 0:
            out[line_id] = min(int(item["quantity"]), left)
    return out


def default_refund(row: CustomerRequest) -> tuple[Decimal, list[dict]]:
    """What "Rembourser le client" gives back by default: (amount, lines refunded)."""
    quantities = refund_lines(row)
    if not quantities:
        return Decimal("0"), []
    amount, items = refunds.lines_amount(row.order, quantities)
    if row.kind == CustomerRequest.Kind.NOT_RECEIVED:
        amount = refunds.refundable(row.order)
    return amount, items


def refund(
    row: CustomerRequest, *, by: str, request_key: str, amount: Decimal | None = None
) -> refunds.Outcome:
    """ "Rembourser le client": the payment provider's refund (kamri.orders.refunds: its guard, its record, its
    idempotency by key, its e-mail), for the request's lines (a parcel never received: everything still
    refundable, its delivery too) unless another amount is given; then "Remboursée"."""
    line_amount, items = default_refund(row)
    outcome = refunds.refund_in_full_or_part(
        row.order,
        amount=amount if amount is not None else line_amount,
        by=by,
        request_key=request_key,
        reason=_("Demande après-vente %(ref)s") % {"ref": row.reference},
        lines=items if amount is None else None,
    )
    set_status(row, CustomerRequest.Status.REFUNDED, by=by)
    return outcome
