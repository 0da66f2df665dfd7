"""CJ disputes opened from a customer's after-sales request (kamri.aftersales), synced until CJ decides.

Order of things, as CJ's MCP client does it: disputeProducts (lines CJ lets us choose) → disputeConfirmInfo
(reasons, refund/resend, maximum amount) → create with our own businessDisputeId. Before any CJ call the
request is checked against CJ's policy (kamri.aftersales.policy: late only after 45/60/110 days, never once
delivered, 30 days for damage), so a refusal is explained in French instead of being sent.

Idempotency: one active dispute per request (a database constraint). The row and its businessDisputeId exist
before `disputes/create` is called; a retry of a row still "sending" (timeout, crash) first looks the order's
disputes up at CJ and adopts one it does not know yet, and otherwise sends the same businessDisputeId again,
which CJ refuses to open twice.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.aftersales import policy
from kamri.aftersales import services as aftersales
from kamri.aftersales.models import CustomerRequest
from kamri.aftersales.photos import evidence_path
from kamri.cj import problems
from kamri.cj.client import CJError
from kamri.cj.client.disputes import (
    DEAL_REFUND,
    DEAL_REJECT,
    DEAL_RESEND,
    EXPECT_REFUND,
    EXPECT_RESEND,
    Dispute,
    DisputeProducts,
    DisputeRequest,
    DisputeTerms,
)
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJDispute, CJOrder, CJSettings, Problem
from kamri.core.money import cents, convert
from kamri.core.templatetags.kamri import money
from kamri.orders.models import OrderEvent
from kamri.orders.services import record_event

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 500
# The customer's motif → words to find CJ's matching reason in disputeConfirmInfo's list (CJ names them).
REASON_WORDS = {
    CustomerRequest.Kind.NOT_RECEIVED: ("not received", "delay", "logistic", "未收到"),
    CustomerRequest.Kind.DAMAGED: ("damage", "broken", "破损"),
    CustomerRequest.Kind.WRONG_ITEM: ("wrong", "错"),
    CustomerRequest.Kind.MISSING_ITEM: ("missing", "少"),
}


class DisputeRefused(Exception):
    """Not sent to CJ, or refused by CJ: a French sentence for the admin."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cj_order_of(row: CustomerRequest) -> CJOrder | None:
    return (
        CJOrder.objects.filter(order=row.order, split_from=None, state=CJOrder.State.PLACED)
        .exclude(cj_order_id=None)
        .first()
    )


def precheck(row: CustomerRequest) -> tuple[CJOrder, None] | tuple[None, str]:
    """What CJ would refuse, said before any call: (the CJ order, None) or (None, why)."""
    if row.kind == CustomerRequest.Kind.RETURN:
        return None, _(
            "Un retour souhaité par le client n'est pas un litige CJ (CJ n'accepte pas les motifs subjectifs) : "
            "remboursez le client à la réception du retour."
        )
    active = row.cj_disputes.filter(state__in=CJDispute.ACTIVE).first()
    if active is not None:
        return None, _("Un litige est déjà en cours chez CJ pour cette demande (%(id)s).") % {"id": active}
    cj_order = cj_order_of(row)
    if cj_order is None:
        return None, _("Cette commande n'a pas de commande CJ passée : aucun litige n'est possible chez CJ.")
    if (
        cj_order.placed_at
        and row.order.events.filter(type=OrderEvent.Type.ADDRESS, created_at__gt=cj_order.placed_at).exists()
    ):
        return None, _(
            "L'adresse a été corrigée après l'envoi de la commande à CJ : CJ refuse les litiges quand l'adresse "
            "de livraison était erronée. Remboursez le client à vos frais si besoin."
        )
    why = policy.refusal(row.order, row.kind)
    if why:
        return None, _("CJ refuserait ce litige : %(why)s") % {"why": why[:1].lower() + why[1:]}
    return cj_order, None


@dataclass(frozen=True)
class Draft:
    """The form CJ's answers allow, pre-filled from the customer's request."""

    cj_order: CJOrder
    products: DisputeProducts
    terms: DisputeTerms
    lines: list[tuple[str, int, Decimal, str]]  # (lineItemId, quantity, unit price USD, name)
    reason_id: int
    expect_type: int
    message: str
    image_urls: list[str]

    @property
    def amount_usd(self) -> Decimal:
        return sum((price * quantity for _line, quantity, price, _name in self.lines), Decimal("0"))


def _evidence(row: CustomerRequest) -> list[str]:
    return [f"{settings.KAMRI_PUBLIC_URL}{evidence_path(photo)}" for photo in row.photos.all()]


def _cj_lines(
    row: CustomerRequest, cj_order: CJOrder, products: DisputeProducts
) -> list[tuple[str, int, Decimal, str]]:
    """The request's store lines as CJ's dispute lines (by variant), only those CJ lets us choose."""
    vid_of = {str(item.get("line_id")): item.get("vid") for item in cj_order.lines}
    wanted: dict[str, int] = {}
    for item in row.lines:
        vid = vid_of.get(str(item["line_id"]))
        if vid:
            wanted[vid] = wanted.get(vid, 0) + int(item["quantity"])
    out = []
    for line in products.lines:
        if line.vid in wanted and line.can_choose and line.quantity > 0:
            out.append(
                (
                    line.line_item_id,
                    min(wanted[line.vid], line.quantity),
                    line.price_usd,
                    line.name or line.sku,
                )
            )
    return out


def _reason_for(kind: str, terms: DisputeTerms) -> int:
    words = REASON_WORDS.get(kind, ())
    for reason in terms.reasons:
        if any(word in reason.name.lower() for word in words):
            return reason.id
    return terms.reasons[0].id if terms.reasons else 0


def _cj_refusal(error: CJError) -> DisputeRefused:
    detail = f" « {error.message[:200]} »" if error.message else ""
    return DisputeRefused(
        _("CJ a refusé : %(what)s%(detail)s (code %(code)s).")
        % {"what": error.user_message, "detail": detail, "code": error.code or "—"}
    )


def prepare(row: CustomerRequest) -> Draft:
    """Ask CJ which lines, reasons and amount it accepts (two read calls), after the policy check."""
    cj_order, why = precheck(row)
    if why:
        raise DisputeRefused(why)
    client = client_for()
    try:
        products = client.dispute_products(cj_order.cj_order_id)
        lines = _cj_lines(row, cj_order, products)
        if not lines:
            raise DisputeRefused(
                _(
                    "CJ ne propose aucun des articles de la demande pour un litige (déjà en litige, ou non éligibles)."
                )
            )
        terms = client.dispute_terms(cj_order.cj_order_id, [(line, qty) for line, qty, _p, _n in lines])
    except CJError as error:
        raise _cj_refusal(error) from None
    expect = (
        EXPECT_REFUND
        if EXPECT_REFUND in terms.expect_types or not terms.expect_types
        else terms.expect_types[0]
    )
    message = f"Order {row.order.number} ({row.get_kind_display()}): {row.message}"
    return Draft(
        cj_order=cj_order,
        products=products,
        terms=terms,
        lines=lines,
        reason_id=_reason_for(row.kind, terms),
        expect_type=expect,
        message=message[:MESSAGE_LIMIT],
        image_urls=_evidence(row),
    )


def _adopt(dispute: CJDispute, known: list[Dispute]) -> bool:
    """Take CJ's id for our row: the newest dispute of the order that no other row of ours holds."""
    taken = set(
        CJDispute.objects.exclude(pk=dispute.pk).exclude(dispute_id="").values_list("dispute_id", flat=True)
    )
    fresh = [d for d in known if d.id and d.id not in taken]
    if not fresh:
        return False
    found = max(fresh, key=lambda d: d.id)
    dispute.dispute_id, dispute.state, dispute.cj_status = found.id, CJDispute.State.OPEN, found.status
    dispute.last_error = ""
    dispute.save(update_fields=["dispute_id", "state", "cj_status", "last_error", "updated_at"])
    return True


def open_dispute(
    row: CustomerRequest,
    *,
    reason_id: int,
    expect_type: int,
    message: str,
    by: str,
) -> CJDispute:
    """ "Ouvrir un litige chez CJ" (refund or resend): checked, recorded with our id, sent once."""
    existing = row.cj_disputes.filter(state=CJDispute.State.SENDING).first()
    if existing is not None:  # a previous click's answer never came back: finish that one, never a second
        return _send(existing, row, retry=True)
    draft = prepare(row)  # the policy check and CJ's current terms
    message = (message or "").strip()
    if not message:
        raise DisputeRefused(_("Écrivez le message pour CJ."))
    if len(message) > MESSAGE_LIMIT:
        raise DisputeRefused(_("Le message pour CJ dépasse %(n)s caractères.") % {"n": MESSAGE_LIMIT})
    if reason_id not in {r.id for r in draft.terms.reasons}:
        raise DisputeRefused(_("Choisissez un des motifs proposés par CJ."))
    if expect_type not in (EXPECT_REFUND, EXPECT_RESEND) or (
        draft.terms.expect_types and expect_type not in draft.terms.expect_types
    ):
        raise DisputeRefused(_("CJ ne propose pas ce résultat pour ce litige."))
    amount = cents(draft.amount_usd)
    if draft.terms.max_amount_usd and amount > draft.terms.max_amount_usd:
        raise DisputeRefused(
            _("Le montant demandé (%(amount)s) dépasse le maximum de CJ (%(max)s).")
            % {"amount": money(amount, "USD"), "max": money(draft.terms.max_amount_usd, "USD")}
        )
    reason_name = next((r.name for r in draft.terms.reasons if r.id == reason_id), "")
    try:
        with transaction.atomic():
            number = row.cj_disputes.count() + 1
            dispute = CJDispute.objects.create(
                cj_order=draft.cj_order,
                request=row,
                business_dispute_id=f"KAMRI-{row.order.number}-{row.pk}-{number}",
                expect_type=expect_type,
                reason_id=reason_id,
                reason_name=reason_name[:200],
                message=message,
                lines=[{"lineItemId": li, "quantity": q, "price": str(p)} for li, q, p, _n in draft.lines],
                image_urls=draft.image_urls,
                requested_usd=amount,
                max_usd=draft.terms.max_amount_usd or None,
                by=by,
            )
    except IntegrityError:  # two clicks at once: the other one holds the active dispute
        raise DisputeRefused(_("Un litige est déjà en cours chez CJ pour cette demande.")) from None
    return _send(dispute, row)


def _send(dispute: CJDispute, row: CustomerRequest, *, retry: bool = False) -> CJDispute:
    client = client_for()
    order_id = dispute.cj_order.cj_order_id
    if retry:
        try:  # did CJ open it last time?
            if _adopt(dispute, client.list_disputes(order_id=order_id)):
                return _opened(dispute, row)
        except CJError as error:
            raise _cj_refusal(error) from None
    request = DisputeRequest(
        business_dispute_id=dispute.business_dispute_id,
        order_id=order_id,
        reason_id=dispute.reason_id,
        expect_type=dispute.expect_type,
        message=dispute.message,
        lines=[(item["lineItemId"], int(item["quantity"]), Decimal(item["price"])) for item in dispute.lines],
        image_urls=list(dispute.image_urls),
    )
    try:
        client.create_dispute(request)
    except CJError as error:
        if error.retryable:  # outcome unknown: the row stays "sending", the next click looks first
            dispute.last_error = error.user_message[:500]
            dispute.save(update_fields=["last_error", "updated_at"])
            raise DisputeRefused(
                _(
                    "CJ n'a pas répondu : réessayez dans un instant, KAMRI vérifiera d'abord chez CJ (aucun doublon)."
                )
            ) from None
        already = "businessdisputeid" in (error.message or "").lower()  # CJ already has ours: adopt it
        if already and _adopt(dispute, client.list_disputes(order_id=order_id)):
            return _opened(dispute, row)
        refused = _cj_refusal(error)
        dispute.state, dispute.last_error = CJDispute.State.FAILED, refused.message[:500]
        dispute.save(update_fields=["state", "last_error", "updated_at"])
        record_event(row.order, OrderEvent.Type.CJ_DISPUTE, refused.message, request=row.pk)
        raise refused from None
    try:
        adopted = _adopt(dispute, client.list_disputes(order_id=order_id))
    except CJError:
        adopted = False
    if not adopted:  # opened, id not readable yet: the sync job reads it
        dispute.state = CJDispute.State.OPEN
        dispute.save(update_fields=["state", "updated_at"])
    return _opened(dispute, row)


def _opened(dispute: CJDispute, row: CustomerRequest) -> CJDispute:
    record_event(
        row.order,
        OrderEvent.Type.CJ_DISPUTE,
        _("Litige ouvert chez CJ (%(what)s, %(amount)s) : %(id)s, par %(by)s.")
        % {
            "what": dispute.get_expect_type_display().lower(),
            "amount": money(dispute.requested_usd, "USD"),
            "id": dispute.dispute_id or dispute.business_dispute_id,
            "by": dispute.by or "?",
        },
        request=row.pk,
        dispute=dispute.business_dispute_id,
    )
    aftersales.set_status(row, CustomerRequest.Status.DISPUTED, by=dispute.by)
    return dispute


# --- cancel ----------------------------------------------------------------------------------------------


def cancel_dispute(dispute: CJDispute, *, by: str) -> CJDispute:
    """ "Annuler le litige chez CJ" while CJ has not decided (the parcel turned up, a mistake in the request): CJ's
    disputes/cancel, then the request is back in "Nouvelle" for the admin to decide again. When CJ refuses or
    does not answer, CJ's current state is read back first, so the page says what CJ did."""
    if not dispute.is_active:
        raise DisputeRefused(_("Ce litige n'est plus en cours chez CJ : il ne peut plus être annulé."))
    client = client_for()
    order_id = dispute.cj_order.cj_order_id
    try:
        if not dispute.dispute_id:
            _adopt(dispute, client.list_disputes(order_id=order_id))
        if not dispute.dispute_id:
            raise DisputeRefused(
                _(
                    "CJ n'a pas encore donné le numéro de ce litige : cliquez sur « Synchroniser les litiges », "
                    "puis annulez-le."
                )
            )
        client.cancel_dispute(order_id, dispute.dispute_id)
    except CJError as error:
        refused = _cancel_failed(dispute, error)
        if refused is not None:
            raise refused from None
    else:
        dispute.state, dispute.cj_status = CJDispute.State.CANCELLED, "cancelled"
        dispute.finished_at = dispute.synced_at = timezone.now()
        dispute.last_error = ""
        dispute.save()
        record_event(
            dispute.cj_order.order,
            OrderEvent.Type.CJ_DISPUTE,
            _("Litige %(id)s annulé chez CJ par %(by)s.") % {"id": dispute.dispute_id, "by": by},
            dispute=dispute.business_dispute_id,
            by=by,
        )
    if dispute.request is not None:
        aftersales.set_status(
            dispute.request,
            CustomerRequest.Status.NEW,
            by=by,
            note=_("Le litige CJ est annulé : la demande est de nouveau à traiter."),
        )
    return dispute


def _cancel_failed(dispute: CJDispute, error: CJError) -> DisputeRefused | None:
    """Why the cancel did not happen, read from CJ's own state; None when CJ did cancel it (a lost answer)."""
    with contextlib.suppress(CJError):  # CJ unreadable too: what is stored stands
        sync_dispute(dispute)
    if dispute.state == CJDispute.State.CANCELLED:
        return None
    if not dispute.is_active:
        return DisputeRefused(
            _("CJ a déjà décidé ce litige (%(state)s) : il ne peut plus être annulé.")
            % {"state": dispute.get_state_display().lower()}
        )
    if error.retryable:
        return DisputeRefused(
            _("CJ n'a pas répondu : le litige est toujours en cours, réessayez dans un instant.")
        )
    return _cj_refusal(error)


# --- sync ------------------------------------------------------------------------------------------------


def _apply(dispute: CJDispute, found: Dispute) -> bool:
    """CJ's current answer on our row; True when CJ has decided since."""
    if not dispute.dispute_id:
        dispute.dispute_id = found.id
    dispute.cj_status, dispute.synced_at = found.status, timezone.now()
    decided = {DEAL_REFUND: CJDispute.State.REFUNDED, DEAL_RESEND: CJDispute.State.RESENT,
               DEAL_REJECT: CJDispute.State.REFUSED}.get(found.final_deal or 0)  # fmt: skip
    if found.status == "cancelled":
        decided = CJDispute.State.CANCELLED
    if decided is None or dispute.state not in CJDispute.ACTIVE:
        dispute.save(update_fields=["dispute_id", "cj_status", "synced_at", "updated_at"])
        return False
    dispute.state, dispute.finished_at = decided, timezone.now()
    dispute.credit_usd = found.money_usd if decided == CJDispute.State.REFUNDED else None
    dispute.resend_order_code = found.resend_order_code or ""
    dispute.save()
    order = dispute.cj_order.order
    if decided == CJDispute.State.REFUNDED:
        said = _("CJ a remboursé %(amount)s sur le solde CJ (litige %(id)s).") % {
            "amount": money(dispute.credit_usd, "USD"),
            "id": dispute.dispute_id,
        }
    elif decided == CJDispute.State.RESENT:
        said = _("CJ renvoie la commande (litige %(id)s, nouvelle commande CJ %(code)s).") % {
            "id": dispute.dispute_id,
            "code": dispute.resend_order_code or "—",
        }
    elif decided == CJDispute.State.REFUSED:
        said = _("CJ a refusé le litige %(id)s.") % {"id": dispute.dispute_id}
    else:
        said = _("Litige %(id)s annulé.") % {"id": dispute.dispute_id}
    record_event(
        order,
        OrderEvent.Type.CJ_DISPUTE,
        said,
        dispute=dispute.business_dispute_id,
        credit_usd=str(dispute.credit_usd or ""),
    )
    if decided == CJDispute.State.RESENT and dispute.request is not None:
        aftersales.set_status(dispute.request, CustomerRequest.Status.RESENT, by="CJ")
    return True


def sync_dispute(dispute: CJDispute) -> bool:
    client = client_for()
    order_id = dispute.cj_order.cj_order_id
    if dispute.dispute_id:
        rows = client.list_disputes(order_id=order_id, dispute_id=dispute.dispute_id)
    else:
        rows = client.list_disputes(order_id=order_id)
        _adopt(dispute, rows)
        rows = [d for d in rows if d.id == dispute.dispute_id]
    return bool(rows) and _apply(dispute, rows[0])


def sync_open() -> tuple[int, int]:
    """Every dispute still under way, read back from CJ: (checked, decided since). A CJ failure on one does not
    stop the others (it is logged and tried again next time)."""
    checked = decided = 0
    for dispute in CJDispute.objects.filter(state__in=CJDispute.ACTIVE).select_related(
        "cj_order__order", "request"
    ):
        checked += 1
        try:
            decided += int(sync_dispute(dispute))
        except CJError as error:
            log.warning("dispute %s sync failed: %s", dispute.business_dispute_id, error.user_message)
    return checked, decided


# --- the margin report -----------------------------------------------------------------------------------


def credits_between(since, until) -> tuple[int, Decimal, Decimal]:
    """CJ refunds to the balance decided in a period: (disputes, USD, in the store's currency at the shop's rate)."""
    found = CJDispute.objects.filter(
        state=CJDispute.State.REFUNDED, finished_at__gte=since, finished_at__lt=until
    ).aggregate(n=Count("id"), usd=Sum("credit_usd"))
    usd = found["usd"] or Decimal("0")
    return found["n"] or 0, usd, convert(usd, CJSettings.load().usd_rate)


# --- deadlines on the Problèmes panel --------------------------------------------------------------------

DEADLINES_PROBLEM = "aftersales_deadlines"


def check_deadlines() -> None:
    """A problem while CJ orders approach a deadline: late for CJ (a dispute becomes possible) or the end of the
    30-day damage window (after it, CJ refuses)."""
    near = policy.approaching()
    if not near:
        problems.clear_problem(DEADLINES_PROBLEM)
        return
    numbers = ", ".join(
        f"{order.number} ({formats.date_format(day, 'j F')})" for order, _which, day in near[:8]
    )
    problems.raise_problem(
        DEADLINES_PROBLEM,
        title=ngettext(
            "%(n)s commande approche d'un délai CJ (retard ou fin des 30 jours)",
            "%(n)s commandes approchent d'un délai CJ (retard ou fin des 30 jours)",
            len(near),
        )
        % {"n": len(near)},
        detail=numbers,
        severity=Problem.Severity.INFO,
        action_url=reverse("cj:aftersales"),
    )
