"""Paiements (Stripe keys, hold rules) and the store order's actions. Thin: rules live in services."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kamri.core import audit, crypto, queue
from kamri.orders import holds, refunds, stripe_gateway, stripe_webhooks, views
from kamri.orders.address_forms import OrderAddressForm
from kamri.orders.models import Hold, Order, PaymentSettings
from kamri.orders.notifications import ORDER_EMAILS
from kamri.orders.payment_forms import NoteForm, RefundForm, StripeKeysForm
from kamri.orders.services import record_event


def _who(request) -> str:
    return request.user.get_username() if request.user.is_authenticated else ""


def _settings_page(request, form: StripeKeysForm, current: PaymentSettings, status: int = 200):
    return render(
        request,
        "orders/payments_settings.html",
        {
            "form": form,
            "current": current,
            "masked_secret": crypto.mask(current.secret_key) if current.secret_key_encrypted else "",
            "masked_webhook": crypto.mask(current.webhook_secret) if current.webhook_secret_encrypted else "",
            "masked_publishable": crypto.mask(current.publishable_key, 6),
            "webhook_url": f"{settings.KAMRI_PUBLIC_URL}{reverse('stripe_webhook')}",
            "api_base": settings.KAMRI_STRIPE_API_BASE,
            "provider": settings.KAMRI_PAYMENT_PROVIDER,
        },
        status=status,
    )


def payment_settings(request):
    current = PaymentSettings.load()
    if request.method != "POST":
        return _settings_page(request, StripeKeysForm(current=current), current)
    form = StripeKeysForm(request.POST, current=current)
    if not form.is_valid():
        return _settings_page(request, form, current, status=400)
    secret, publishable, webhook = form.keys()
    if "test" in request.POST:
        ok, message = stripe_gateway.check_keys(secret, publishable, webhook)
        current.checked_at, current.check_ok, current.check_message = timezone.now(), ok, message[:300]
        # a test saves no key: only its verdict (the whole default row the first time)
        current.save(
            update_fields=None
            if current._state.adding
            else ["checked_at", "check_ok", "check_message", "updated_at"]
        )
        (messages.success if ok else messages.error)(request, message)
        return _settings_page(request, form, current, status=200 if ok else 400)
    if form.cleaned_data["secret_key"].strip():
        current.set_secret_key(secret)
    if form.cleaned_data["webhook_secret"].strip():
        current.set_webhook_secret(webhook)
    current.publishable_key = publishable
    current.hold_amount_above = form.cleaned_data["hold_amount_above"]
    current.hold_first_order_above = form.cleaned_data["hold_first_order_above"]
    current.hold_on_elevated_risk = form.cleaned_data["hold_on_elevated_risk"]
    current.hold_on_flagged_address = form.cleaned_data["hold_on_flagged_address"]
    current.save()
    messages.success(request, _("Réglages de paiement enregistrés."))
    return redirect("payments:settings")


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe's signed webhook: 400 unless signed with our secret, 200 fast, the work in the worker."""
    status, row = stripe_webhooks.receive(request.body, request.headers.get("Stripe-Signature", ""))
    if row is not None:
        stripe_webhooks.enqueue(row)
    return HttpResponse(status=status)


def _back(order: Order):
    return redirect("orders:order_detail", number=order.number)


def _show(request, outcome: refunds.Outcome) -> None:
    (messages.success if outcome.done else messages.error)(request, outcome.message)
    for problem in outcome.problems:
        messages.warning(request, problem)


@require_POST
def order_cancel(request, number: str):
    order = get_object_or_404(Order, number=number)
    key = request.POST.get("request_key", "")[:64] or secrets.token_hex(16)
    try:
        outcome = refunds.cancel_order(order, by=_who(request), request_key=key)
    except refunds.RefundRefused as refused:
        messages.error(
            request,
            _("Commande annulée, mais le remboursement a échoué : %(why)s") % {"why": refused.message},
        )
        return _back(order)
    _show(request, outcome)
    return _back(order)


@require_POST
def order_refund(request, number: str):
    order = get_object_or_404(Order, number=number)
    form = RefundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Montant invalide : saisissez un nombre comme 12,50."))
        return _back(order)
    quantities = {}
    for name, value in request.POST.items():
        if name.startswith("line-") and value.strip():
            try:
                quantities[int(name[5:])] = int(value)
            except ValueError:
                messages.error(request, _("Quantité invalide : saisissez un nombre entier d'articles."))
                return _back(order)
    try:
        if quantities:
            amount, lines = refunds.lines_amount(order, quantities)
        else:
            amount, lines = form.cleaned_data["amount"] or refunds.refundable(order), None
        outcome = refunds.refund_in_full_or_part(
            order,
            amount=Decimal(amount),
            by=_who(request),
            request_key=form.cleaned_data["request_key"],
            reason=form.cleaned_data["reason"],
            lines=lines,
        )
    except refunds.RefundRefused as refused:
        messages.error(request, refused.message)
        return _back(order)
    _show(request, outcome)
    return _back(order)


@require_POST
def order_resend_email(request, number: str):
    order = get_object_or_404(Order, number=number)
    kind = request.POST.get("kind", "")
    if kind not in ORDER_EMAILS:
        messages.error(request, _("Choisissez l'e-mail à renvoyer."))
        return _back(order)
    refund = order.refunds.filter(status="succeeded").last() if kind == "refund" else None
    if kind == "refund" and refund is None:
        messages.error(
            request, _("Aucun remboursement sur cette commande : pas d'e-mail de remboursement à renvoyer.")
        )
        return _back(order)
    # sent again on purpose: a fresh key, so the once-only guard of the first e-mail still holds
    queue.job("send_order_email")(order.pk, kind, refund.pk if refund else None, secrets.token_hex(4))
    record_event(
        order, "note", _("E-mail « %(kind)s » renvoyé par %(by)s.") % {"kind": kind, "by": _who(request)}
    )
    messages.success(request, _("L'e-mail part dans un instant (file d'envoi)."))
    return _back(order)


@require_POST
def order_note(request, number: str):
    order = get_object_or_404(Order, number=number)
    form = NoteForm(request.POST)
    if form.is_valid():
        record_event(order, "note", form.cleaned_data["note"], by=_who(request))
        messages.success(request, _("Note ajoutée."))
    else:
        messages.error(request, _("La note est vide ou trop longue (2000 caractères au plus)."))
    return _back(order)


@require_POST
def hold_release(request, number: str, pk: int):
    order = get_object_or_404(Order, number=number)
    hold = get_object_or_404(Hold, pk=pk, order=order)
    try:
        released = holds.release(hold, by=_who(request))
    except holds.ReleaseRefused as refused:
        messages.error(request, refused.message)
        return _back(order)
    if released:
        messages.success(request, _("Retenue levée : %(reason)s.") % {"reason": hold.get_reason_display()})
    else:
        messages.info(request, _("Cette retenue était déjà levée."))
    return _back(order)


@require_POST
def order_address(request, number: str):
    """The held store order's address, corrected before "Libérer" (placed, the CJ order page corrects it)."""
    order = get_object_or_404(Order, number=number)
    if not holds.open_holds(order).exists():
        messages.error(
            request,
            _(
                "Cette commande n'est pas retenue : corrigez son adresse depuis sa commande CJ "
                "(« Corriger l'adresse »)."
            ),
        )
        return _back(order)
    form = OrderAddressForm(request.POST, instance=order)
    if not form.is_valid():
        audit.refused_form(request, form)
        return views.order_page(request, order, address_form=form, status=400)
    form.save()
    record_event(
        order,
        "address",
        _("Adresse de livraison corrigée par %(by)s.") % {"by": _who(request) or "?"},
        by=_who(request),
    )
    messages.success(request, _("Adresse enregistrée. Cliquez sur « Libérer » pour envoyer la commande."))
    return _back(order)
