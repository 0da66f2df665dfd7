"""Retours et litiges: the customers' after-sales requests, their CJ disputes and what was done (thin views)."""

from __future__ import annotations

import secrets
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kamri.aftersales import policy
from kamri.aftersales import services as aftersales
from kamri.aftersales.delivery_news import carrier_history
from kamri.aftersales.models import CustomerRequest
from kamri.aftersales.views import staff_photo_response
from kamri.cj.models import CJDispute
from kamri.cj.orders import disputes
from kamri.core.roles import may
from kamri.core.security import local_redirect_target
from kamri.orders import refunds
from kamri.orders.models import Order
from kamri.orders.tracking import tracking_for

STATUS_PARAM = "statut"


@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get(STATUS_PARAM, "")
    rows = CustomerRequest.objects.select_related("order").prefetch_related("cj_disputes")
    counts = dict(CustomerRequest.objects.values_list("status").annotate(n=Count("id")).order_by())
    if status in CustomerRequest.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    tabs = [("", _("Toutes"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in CustomerRequest.Status.choices
    ]
    return render(
        request,
        "cj/aftersales_list.html",
        {"page": page, "tabs": tabs, "status": status, "approaching": policy.approaching()[:20]},
    )


def _detail_context(request: HttpRequest, row: CustomerRequest) -> dict:
    order = row.order
    chosen = {int(item["line_id"]): int(item["quantity"]) for item in row.lines}
    try:
        refund_amount, _items = aftersales.default_refund(row)
    except refunds.RefundRefused:
        refund_amount = Decimal("0")
    return {
        "row": row,
        "order": order,
        "lines": [(line, chosen[line.pk]) for line in order.lines.all() if line.pk in chosen],
        "photos": row.photos.all(),
        "events": order.events.all(),
        "tracking": tracking_for(order),
        "carrier_history": carrier_history(order),
        "deadlines": policy.deadlines(order),
        "cj_disputes": row.cj_disputes.all(),
        "cj_order": disputes.cj_order_of(row),
        "refund_amount": refund_amount,
        "refundable": refunds.refundable(order),
        "can_refund": may(request.user, "cj:aftersales_refund", "POST"),
        "may_cancel_dispute": may(request.user, "cj:aftersales_dispute_cancel", "POST"),
        "request_key": secrets.token_hex(16),
        "open": row.status in aftersales.OPEN,
    }


@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CustomerRequest.objects.select_related("order"), pk=pk)
    return render(request, "cj/aftersales_detail.html", _detail_context(request, row))


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("cj:aftersales_detail", args=[pk]))


@require_http_methods(["GET", "HEAD", "POST"])
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Ouvrir un litige chez CJ": CJ's policy first (no call when CJ would refuse), then CJ's lines, reasons
    and maximum amount, the form pre-filled from the request; POST opens it with our businessDisputeId."""
    row = get_object_or_404(CustomerRequest.objects.select_related("order"), pk=pk)
    if request.method == "POST":
        try:
            reason_id = int(request.POST.get("reason_id") or 0)
            expect_type = int(request.POST.get("expect_type") or 0)
        except ValueError:
            reason_id = expect_type = 0
        try:
            opened = disputes.open_dispute(
                row,
                reason_id=reason_id,
                expect_type=expect_type,
                message=request.POST.get("message", ""),
                by=request.user.get_username(),
            )
        except disputes.DisputeRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(
                request,
                _("Litige ouvert chez CJ : %(id)s.")
                % {"id": opened.dispute_id or opened.business_dispute_id},
            )
        return _back(pk)
    sending = row.cj_disputes.filter(state=CJDispute.State.SENDING).first()
    _cj_order, why = (None, None) if sending else disputes.precheck(row)
    draft, refused = None, why
    if why is None and sending is None:
        try:
            draft = disputes.prepare(row)
        except disputes.DisputeRefused as error:
            refused = error.message
    return render(
        request,
        "cj/aftersales_dispute.html",
        {
            "row": row,
            "order": row.order,
            "draft": draft,
            "refused": refused,
            "sending": sending,
            "limit": disputes.MESSAGE_LIMIT,
        },
    )


@require_POST
def refund(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CustomerRequest.objects.select_related("order"), pk=pk)
    amount = None
    if request.POST.get("amount", "").strip():
        try:
            amount = Decimal(
                request.POST["amount"].strip().replace(",", ".").replace("\u202f", "").replace(" ", "")
            )
        except InvalidOperation:
            messages.error(request, _("Montant illisible : écrivez par exemple 12,50."))
            return _back(pk)
    try:
        outcome = aftersales.refund(
            row,
            by=request.user.get_username(),
            request_key=request.POST.get("request_key", ""),
            amount=amount,
        )
    except refunds.RefundRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, outcome.message)
        # "the CJ order can no longer be stopped" says nothing new once the parcel has left or CJ is disputed
        shipped = (
            row.order.status in (Order.Status.SHIPPED, Order.Status.DELIVERED) or row.cj_disputes.exists()
        )
        for problem in [] if shipped else outcome.problems:
            messages.warning(request, problem)
    return _back(pk)


@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CustomerRequest, pk=pk)
    try:
        aftersales.reply(
            row,
            message=request.POST.get("message", ""),
            by=request.user.get_username(),
            request_key=request.POST.get("request_key", "") or secrets.token_hex(8),
        )
    except aftersales.RequestRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Réponse envoyée au client par e-mail (%(email)s).") % {"email": row.order.email}
        )
    return _back(pk)


@require_POST
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(CustomerRequest, pk=pk)
    status = request.POST.get("status", "")
    if status not in (CustomerRequest.Status.REFUSED, CustomerRequest.Status.CLOSED):
        messages.error(request, _("Choisissez « Refuser » ou « Clôturer »."))
    elif aftersales.set_status(row, status, by=request.user.get_username()):
        messages.success(
            request,
            _("Demande %(ref)s : %(status)s.") % {"ref": row.reference, "status": row.get_status_display()},
        )
    else:
        messages.info(request, _("Cette demande est déjà traitée."))
    return _back(pk)


@require_POST
def cancel_dispute(request: HttpRequest, pk: int, dispute_pk: int) -> HttpResponse:
    """ "Annuler le litige chez CJ": only a dispute CJ has not decided yet."""
    row = get_object_or_404(CustomerRequest, pk=pk)
    dispute = get_object_or_404(
        CJDispute.objects.select_related("cj_order__order", "request"), pk=dispute_pk, request=row
    )
    try:
        disputes.cancel_dispute(dispute, by=request.user.get_username())
    except disputes.DisputeRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Litige %(id)s annulé chez CJ : la demande est de nouveau « Nouvelle ».") % {"id": dispute},
        )
    return _back(pk)


@require_POST
def sync(request: HttpRequest) -> HttpResponse:
    checked, decided = disputes.sync_open()
    messages.success(
        request,
        _("%(checked)s litige(s) relu(s) chez CJ, %(decided)s décidé(s) depuis.")
        % {"checked": checked, "decided": decided},
    )
    return redirect(local_redirect_target(request, request.POST.get("next"), reverse("cj:aftersales")))


@require_GET
def photo(request: HttpRequest, token: str) -> HttpResponse:
    return staff_photo_response(token)
