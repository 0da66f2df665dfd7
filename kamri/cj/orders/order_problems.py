"""The CJ-order problems of the panel: orders waiting in "À traiter", unpaid at CJ too long, or with no tracking
number after N days. Run by the health check and at once by the outbox and the payment when their queue moves."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.cj.models import CJOrder, CJSettings, Problem
from kamri.cj.problems import clear_problem, raise_problem
from kamri.cj.selectors import to_pay

ORDERS_ATTENTION = "cj-orders-attention"
ORDERS_TO_PAY = "cj-orders-to-pay"
ORDERS_NO_TRACKING = "cj-orders-no-tracking"


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def allowed_wait(settings_row: CJSettings) -> timedelta:
    """How long an order may wait unpaid before the panel says so: none in the automatic and manual modes, the
    longest gap between two batch hours in the batch mode (plus a quarter of an hour)."""
    if settings_row.payment_mode != CJSettings.PaymentMode.BATCH or not settings_row.pay_batch_hours:
        return timedelta(0)
    hours = sorted(settings_row.pay_batch_hours)
    gaps = [(b - a) for a, b in itertools.pairwise(hours)] + [hours[0] + 24 - hours[-1]]
    return timedelta(hours=max(gaps), minutes=15)


def check_orders(*, settings_row: CJSettings, now: datetime) -> None:
    """CJ orders waiting in "À traiter"; placed orders with no tracking number after N days."""
    waiting = CJOrder.objects.filter(state=CJOrder.State.NEEDS_ATTENTION).count()
    if waiting:
        raise_problem(
            ORDERS_ATTENTION,
            title=ngettext("%(n)s commande CJ à traiter", "%(n)s commandes CJ à traiter", waiting)
            % {"n": waiting},
            detail=_(
                "Commandes KAMRI sans commande CJ : vérifiez que les produits sont CJ, l'adresse de livraison, "
                "les méthodes de livraison et les logs d'erreur, puis cliquez sur « Renvoyer »."
            ),
            severity=Problem.Severity.CRITICAL,
            action_url=_url("cj:orders", "?state=needs_attention"),
        )
    else:
        clear_problem(ORDERS_ATTENTION)
    check_orders_to_pay(settings_row=settings_row, now=now)
    days = settings_row.no_tracking_alert_days
    late = (
        CJOrder.objects.filter(
            state=CJOrder.State.PLACED, track_number="", placed_at__lt=now - timedelta(days=days)
        )
        .exclude(cj_status__in=("CANCELLED", "DELIVERED"))
        .count()
    )
    if late:
        raise_problem(
            ORDERS_NO_TRACKING,
            title=ngettext(
                "%(n)s commande CJ sans numéro de suivi après %(d)s jours",
                "%(n)s commandes CJ sans numéro de suivi après %(d)s jours",
                late,
            )
            % {"n": late, "d": days},
            detail=_(
                "Synchronisez les commandes ; si CJ n'a toujours pas expédié, contactez le support CJ "
                "et prévenez les clients concernés."
            ),
            severity=Problem.Severity.WARNING,
            action_url=_url("cj:orders", "?state=placed&cj_status=UNSHIPPED") or _url("cj:orders"),
        )
    else:
        clear_problem(ORDERS_NO_TRACKING)


def check_orders_to_pay(*, settings_row: CJSettings, now: datetime) -> None:
    """CJ ships only paid orders: one order waiting unpaid longer than the payment mode allows is a problem."""
    late = to_pay().filter(created_at__lte=now - allowed_wait(settings_row))
    count = late.count()
    if not count:
        clear_problem(ORDERS_TO_PAY)
        return
    first = late.exclude(reasons=[]).first()
    manual = settings_row.payment_mode == CJSettings.PaymentMode.MANUAL
    raise_problem(
        ORDERS_TO_PAY,
        title=ngettext(
            "%(n)s commande CJ à payer : CJ ne l'expédiera pas avant paiement",
            "%(n)s commandes CJ à payer : CJ ne les expédiera pas avant paiement",
            count,
        )
        % {"n": count},
        detail=(first.reasons[0] if first else "")
        or (
            _("Payez-les dans MyCJ (lien sur chaque commande) ou cliquez sur « Payer maintenant ».")
            if manual
            else _("Cliquez sur « Payer maintenant » dans l'onglet « À payer chez CJ ».")
        ),
        severity=Problem.Severity.CRITICAL,
        action_url=_url("cj:orders", "?state=to_pay"),
    )
