"""Commandes CJ, their detail and timeline, "Renvoyer", "Synchroniser les commandes", "Suivi des colis"."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kamri.cj import status as cj_status
from kamri.cj.client import CJError
from kamri.cj.connection.account import NotConfigured
from kamri.cj.forms import AddressForm, TrackingForm
from kamri.cj.models import CJOrder, CJSettings, SyncRun
from kamri.cj.orders import cj_payment, order_sync, tracking
from kamri.cj.orders import placement as orders
from kamri.cj.selectors import OrderFilters, cj_orders, to_pay_summary
from kamri.core import audit
from kamri.core.listing import paginate
from kamri.orders.models import Order, OrderEvent


def order_list(request):
    filters = OrderFilters.from_params(request.GET)
    rows = cj_orders(filters)
    page, keep = paginate(request, rows)
    attention = CJOrder.objects.filter(state=CJOrder.State.NEEDS_ATTENTION).count()
    return render(
        request,
        "cj/orders.html",
        {
            "page": page,
            "keep": keep,
            "states": CJOrder.State.choices,
            "store_statuses": Order.Status.choices,
            "cj_statuses": cj_status.ALL_CJ_STATUSES,
            "status_rows": cj_status.status_rows(),
            "filters": filters.as_dict(),
            "attention": attention,
            "to_pay": to_pay_summary(),
            "payment_mode": CJSettings.load().get_payment_mode_display(),
            "last_sync": SyncRun.objects.filter(kind=SyncRun.Kind.ORDERS).first(),
        },
    )


def _detail(request, row: CJOrder, form: AddressForm):
    return render(
        request,
        "cj/order_detail.html",
        {
            "row": row,
            "order": row.order,
            "form": form,
            "events": row.order.events.all(),
            "attempts": row.attempt_log.all(),
            "lines": row.order.lines.select_related("variant__cj_link"),
            "can_resubmit": row.state in (CJOrder.State.NEEDS_ATTENTION, CJOrder.State.FAILED),
            "can_pay": row.state == CJOrder.State.TO_PAY and cj_payment.may_still_pay_or_stop(row),
        },
    )


def order_detail(request, pk: int):
    row = get_object_or_404(CJOrder.objects.select_related("order"), pk=pk)
    return _detail(
        request, row, AddressForm(instance=row.order, declare_without_ioss=row.declare_without_ioss)
    )


@require_POST
def update_address(request, pk: int):
    row = get_object_or_404(CJOrder.objects.select_related("order"), pk=pk)
    form = AddressForm(request.POST, instance=row.order, declare_without_ioss=row.declare_without_ioss)
    if not form.is_valid():
        audit.refused_form(request, form)
        return _detail(request, row, form)
    form.save()
    row.order.events.create(
        type=OrderEvent.Type.ADDRESS,
        message=_("Adresse de livraison corrigée par %(by)s.") % {"by": request.user.get_username()},
    )
    without_ioss = bool(form.cleaned_data.get("declare_without_ioss"))
    if "declare_without_ioss" in form.fields and without_ioss != row.declare_without_ioss:
        orders.choose_ioss_declaration(row, without_ioss=without_ioss, by=request.user.get_username())
    if row.state in (CJOrder.State.NEEDS_ATTENTION, CJOrder.State.FAILED):
        messages.success(
            request, _("Adresse enregistrée. Cliquez sur « Renvoyer » pour repasser la commande.")
        )
    elif row.state == CJOrder.State.PLACED:
        messages.warning(
            request,
            _(
                "Adresse enregistrée chez KAMRI. La commande est déjà chez CJ : "
                "modifiez aussi l'adresse dans votre compte CJ."
            ),
        )
    else:
        messages.success(request, _("Adresse enregistrée : elle sera utilisée à l'envoi de la commande."))
    return redirect(reverse("cj:order_detail", args=[pk]))


@require_POST
def resubmit(request, pk: int):
    row = get_object_or_404(CJOrder, pk=pk)
    if orders.resubmit(row, by=request.user.get_username()):
        messages.success(request, _("Commande renvoyée : elle part chez CJ dans quelques secondes."))
    else:
        messages.info(request, _("Cette commande n'attend pas d'être renvoyée."))
    return redirect(reverse("cj:order_detail", args=[pk]))


@require_POST
def pay_now(request, pk: int):
    """ "Payer maintenant": pay this CJ order (the existing one, never a second) from the CJ balance."""
    row = get_object_or_404(CJOrder.objects.select_related("order"), pk=pk)
    _pay(request, [row])
    return redirect(reverse("cj:order_detail", args=[pk]))


@require_POST
def pay_selection(request):
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()][:200]
    rows = list(cj_payment.to_pay().filter(pk__in=ids).select_related("order"))
    if not rows:
        messages.info(request, _("Cochez au moins une commande à payer."))
    else:
        _pay(request, rows)
    return redirect(reverse("cj:orders") + "?state=to_pay")


def _pay(request, rows: list[CJOrder]) -> None:
    try:
        paid, reasons = cj_payment.pay_many(rows, by=request.user.get_username())
    except NotConfigured as problem:
        messages.error(request, str(problem))
        return
    if paid:
        messages.success(
            request,
            ngettext("%(n)s commande payée chez CJ.", "%(n)s commandes payées chez CJ.", paid) % {"n": paid},
        )
    for reason in reasons[:5]:
        messages.error(request, reason)
    if not paid and not reasons:
        messages.info(request, _("Rien à payer : la commande est déjà payée chez CJ ou ne peut plus l'être."))


@require_POST
def sync_orders(request):
    job = order_sync.start()
    messages.info(
        request,
        ngettext(
            "Synchronisation lancée pour %(n)s commande.",
            "Synchronisation lancée pour %(n)s commandes.",
            job.total,
        )
        % {"n": job.total},
    )
    return redirect(reverse("cj:sync_run", args=[job.pk]))


def parcel_tracking(request):
    form = TrackingForm(request.GET or None)
    entered, parcels, error = None, [], ""
    if request.GET and form.is_valid():
        entered = tracking.parse_numbers(form.cleaned_data["numbers"])
        if not entered.valid:
            error = _("Aucun numéro de suivi valide (lettres, chiffres et tirets, 4 à 64 caractères).")
        else:
            try:
                parcels = tracking.track(entered.valid)
            except NotConfigured as problem:
                error = str(problem)
            except CJError as problem:
                error = problem.user_message
    return render(
        request,
        "cj/tracking.html",
        {"form": form, "entered": entered, "parcels": parcels, "error": error},
    )


def sync_runs(request):
    page, keep = paginate(request, SyncRun.objects.all())
    return render(request, "cj/sync_runs.html", {"page": page, "keep": keep})
