"""Paying CJ orders from the CJ balance (confirmOrder → payBalance, CJ-API.md §7.3), behind guards.

An order created at CJ waits in "À payer chez CJ" until it is paid: at once in the automatic mode, at the batch
hours, or by hand ("Payer maintenant", or in MyCJ with CJ's pay link in the manual mode). Before any payment:
CJ's balance, CJ's amount against what KAMRI expected (goods + chosen freight) within a tolerance, the margin
floor and a daily spending cap. Every payment is recorded (who, when, how much, balance after) in the order's
timeline. Idempotent: the row is claimed before paying, and CJ's status is read first, so a retry never pays twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kamri.cj.client import CJError, CJInsufficientBalance, CJQuotaExhausted, CJRateLimited, CJUnavailable
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJOrder, CJOrderAttempt, CJSettings, CJVariantLink, Problem, ProfitLine
from kamri.cj.orders import order_problems
from kamri.cj.orders.order_status import apply_update
from kamri.cj.problems import clear_problem, raise_problem
from kamri.cj.selectors import to_pay
from kamri.core.money import cents, from_store, margin_under_floor
from kamri.core.templatetags.kamri import money
from kamri.orders.models import Order, OrderEvent
from kamri.orders.services import record_event

log = logging.getLogger(__name__)

PAID_AT_CJ = {"UNSHIPPED", "SHIPPED", "DELIVERED"}
STALE_PAYING = timedelta(minutes=5)
RETRY_TRANSIENT = timedelta(minutes=1)  # the automatic mode retries a payment CJ could not take just now


@dataclass
class PayOutcome:
    paid: bool
    reasons: list[str] = field(default_factory=list)
    already: bool = False


def may_still_pay_or_stop(row: CJOrder) -> bool:
    """THE rule: a CJ order not yet paid at CJ, waiting in the outbox or in "À payer", may still be paid — or
    stopped (a refund or a cancellation stops exactly these)."""
    return (
        row.paid_at is None
        and row.state in (CJOrder.State.QUEUED, CJOrder.State.TO_PAY)
        and row.order.status != Order.Status.CANCELLED
    )


def expected_amount(row: CJOrder) -> Decimal | None:
    """What KAMRI expects CJ to charge: the CJ cost of each line plus the chosen freight (USD)."""
    if row.freight_usd is None or not row.lines:
        return None
    costs = dict(
        CJVariantLink.objects.filter(vid__in=[line["vid"] for line in row.lines]).values_list(
            "vid", "cost_usd"
        )
    )
    if any(line["vid"] not in costs for line in row.lines):
        return None
    goods = sum((costs[line["vid"]] * line["quantity"] for line in row.lines), Decimal(0))
    return cents(goods + row.freight_usd)


def paid_today_usd(now=None) -> Decimal:
    start = timezone.localtime(now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    total = CJOrder.objects.filter(paid_at__gte=start).aggregate(s=Sum("paid_amount_usd"))["s"]
    return total or Decimal(0)


def short_balance_message(required: Decimal, available: Decimal) -> str:
    return _("Solde CJ insuffisant : %(required)s requis, %(available)s disponibles") % {
        "required": money(required, "USD"),
        "available": money(available, "USD"),
    }


def guards(
    row: CJOrder,
    *,
    amount: Decimal,
    balance: Decimal,
    settings_row: CJSettings,
    goods_amount: Decimal | None = None,
) -> list[str]:
    """Every reason not to pay this order now (empty: it may be paid)."""
    reasons = []
    expected = row.expected_amount_usd
    if expected is not None:
        ceiling = expected * (1 + settings_row.pay_tolerance_percent / 100)
        if amount > cents(ceiling):
            reasons.append(
                _(
                    "Montant CJ %(amount)s au-dessus du montant attendu %(expected)s (tolérance %(tol)s %%) : "
                    "vérifiez la commande chez CJ avant de la payer."
                )
                % {
                    "amount": money(amount, "USD"),
                    "expected": money(expected, "USD"),
                    "tol": number_format(settings_row.pay_tolerance_percent.normalize()),
                }
            )
    # The product margin: what the customer paid for the goods against what CJ charges for them (the freight is
    # covered by the tolerance above).
    revenue = from_store(row.order.subtotal or row.order.total, "USD")
    goods = goods_amount if goods_amount is not None else amount
    if revenue:
        margin = margin_under_floor(revenue, goods, settings_row.margin_floor_percent)
        if margin is not None:
            reasons.append(
                _("Marge de %(m)s %% sous le plancher de %(f)s %% : vérifiez le prix de vente.")
                % {
                    "m": number_format(margin),
                    "f": number_format(settings_row.margin_floor_percent.normalize()),
                }
            )
    spent = paid_today_usd()
    if spent + amount > settings_row.daily_pay_cap_usd:
        reasons.append(
            _(
                "Plafond journalier de paiements CJ atteint (%(spent)s déjà payés aujourd'hui, plafond "
                "%(cap)s) : relevez-le dans Paramètres ou payez demain."
            )
            % {"spent": money(spent, "USD"), "cap": money(settings_row.daily_pay_cap_usd, "USD")}
        )
    if balance < amount:
        reasons.append(
            short_balance_message(amount, balance)
            + _(" : rechargez le solde CJ puis cliquez sur « Payer maintenant ».")
        )
    return reasons


def _claim(row: CJOrder) -> bool:
    """TO_PAY → PAYING, atomically: of two concurrent payers only one proceeds."""
    now = timezone.now()
    return bool(
        CJOrder.objects.filter(pk=row.pk, state=CJOrder.State.TO_PAY, paid_at__isnull=True)
        .exclude(order__status=Order.Status.CANCELLED)
        .update(state=CJOrder.State.PAYING, updated_at=now)
    )


def pay(row: CJOrder, *, by: str) -> PayOutcome:
    """Pay one CJ order waiting in "À payer" from the CJ balance (never a second CJ order, never twice)."""
    row.refresh_from_db()
    if not row.cj_order_id or not may_still_pay_or_stop(row) or row.state != CJOrder.State.TO_PAY:
        return PayOutcome(paid=False, already=row.paid_at is not None)
    if not _claim(row):
        return PayOutcome(paid=False, already=True)
    row.refresh_from_db()
    try:
        return _pay_claimed(row, by=by)
    except Exception as error:  # never leave a row "paying" because of a bug or a lost connection
        log.exception("CJ payment of %s failed", row.order_number)
        reason = (
            error.user_message
            if isinstance(error, CJError)
            else _("Erreur inattendue : %(e)s") % {"e": type(error).__name__}
        )
        transient = isinstance(error, CJUnavailable | CJRateLimited | CJQuotaExhausted)
        _blocked(
            row,
            [_("Paiement CJ impossible pour l'instant : %(r)s") % {"r": reason}],
            retry_in=RETRY_TRANSIENT if transient else None,
        )
        return PayOutcome(paid=False, reasons=[reason])


def _pay_claimed(row: CJOrder, *, by: str) -> PayOutcome:
    client = client_for()
    remote = client.get_order(row.cj_order_id)
    amount = remote.order_amount or row.order_amount_usd
    if (remote.status or "").upper() in PAID_AT_CJ:  # paid before (in MyCJ, or a lost answer): record only
        _record_paid(row, amount=amount, by=by, balance_after=None, status=remote.status.upper(), how="MyCJ")
        return PayOutcome(paid=True, already=True)
    if amount is None:
        _blocked(row, [_("CJ n'a pas donné le montant de la commande : vérifiez-la dans MyCJ.")])
        return PayOutcome(paid=False)
    settings_row = CJSettings.load()
    balance = client.get_balance().amount
    reasons = guards(
        row,
        amount=amount,
        balance=balance,
        settings_row=settings_row,
        goods_amount=remote.product_amount or row.product_amount_usd,
    )
    if reasons:
        _blocked(row, reasons)
        return PayOutcome(paid=False, reasons=reasons)
    if (remote.status or "CREATED").upper() in ("CREATED", "IN_CART"):
        client.confirm_order(row.cj_order_id)
    try:
        client.pay_balance(row.cj_order_id)
    except CJInsufficientBalance:
        reasons = [short_balance_message(amount, client.get_balance().amount)]
        _blocked(row, reasons)
        return PayOutcome(paid=False, reasons=reasons)
    except CJUnavailable:
        # The payment may have gone through although the answer was lost: CJ's status says.
        status = (client.get_order(row.cj_order_id).status or "").upper()
        if status not in PAID_AT_CJ:
            raise
    after = client.get_balance().amount
    _record_paid(row, amount=amount, by=by, balance_after=after, status="UNSHIPPED", how=_("solde CJ"))
    return PayOutcome(paid=True)


def _record_paid(
    row: CJOrder, *, amount: Decimal | None, by: str, balance_after: Decimal | None, status: str, how: str
) -> None:
    now = timezone.now()
    CJOrder.objects.filter(pk=row.pk).update(
        state=CJOrder.State.PLACED,
        paid_at=now,
        paid_amount_usd=amount,
        paid_by=by[:150],
        balance_after_usd=balance_after,
        reasons=[],
        last_error="",
        placed_at=row.placed_at or now,
        updated_at=now,
    )
    ProfitLine.forget([row.order_id])  # placed: its costs now count in the Rapport de marge
    message = _("Commande CJ %(id)s payée (%(how)s) : %(amount)s par %(by)s, solde après : %(after)s.") % {
        "id": row.cj_order_id,
        "how": how,
        "amount": money(amount, "USD"),
        "by": by,
        "after": money(balance_after, "USD") if balance_after is not None else "—",
    }
    CJOrderAttempt.objects.create(cj_order_id=row.pk, outcome="paid", message=message[:500])
    record_event(
        row.order,
        OrderEvent.Type.CJ_PAYMENT,
        message,
        cj_order_id=row.cj_order_id,
        amount_usd=str(amount) if amount is not None else None,
        balance_after_usd=str(balance_after) if balance_after is not None else None,
        by=by,
    )
    apply_update(row, status=status, source="paiement")
    _refresh_problem()


def _blocked(row: CJOrder, reasons: list[str], *, retry_in: timedelta | None = None) -> None:
    CJOrder.objects.filter(pk=row.pk).update(
        state=CJOrder.State.TO_PAY,
        next_attempt_at=timezone.now() + retry_in if retry_in else None,
        reasons=reasons,
        last_error=reasons[0][:500],
        updated_at=timezone.now(),
    )
    CJOrderAttempt.objects.create(
        cj_order_id=row.pk, outcome="pay_blocked", message=" · ".join(reasons)[:500]
    )
    record_event(
        row.order,
        OrderEvent.Type.CJ_PAYMENT,
        _("Paiement CJ retenu : %(r)s") % {"r": " · ".join(reasons)},
        reasons=reasons,
    )
    _refresh_problem()


def pay_many(rows, *, by: str) -> tuple[int, list[str]]:
    """ "Payer la sélection" and the batches: (how many were paid, the reasons of the others)."""
    paid, reasons = 0, []
    for row in rows:
        outcome = pay(row, by=by)
        paid += outcome.paid and not outcome.already
        reasons += [f"{row.order_number} : {r}" for r in outcome.reasons]
    return paid, reasons


def run_batch(*, now=None) -> tuple[int, list[str]] | None:
    """The batch mode, at each chosen hour: pay every waiting order, one summary on the problems panel."""
    settings_row = CJSettings.load()
    local = timezone.localtime(now or timezone.now())
    if (
        settings_row.payment_mode != CJSettings.PaymentMode.BATCH
        or local.hour not in settings_row.pay_batch_hours
    ):
        return None
    rows = list(to_pay().order_by("created_at"))
    paid, reasons = pay_many(rows, by=_("lot de %(h)s h") % {"h": local.hour})
    if reasons:
        raise_problem(
            "cj_pay_batch",
            title=_("Paiement par lots de %(h)s h : %(paid)s payée(s), %(left)s retenue(s)")
            % {"h": local.hour, "paid": paid, "left": len(rows) - paid},
            detail=" · ".join(reasons)[:1000],
            severity=Problem.Severity.WARNING,
            action_url=_orders_to_pay_url(),
        )
    else:
        clear_problem("cj_pay_batch")
    return paid, reasons


def sweep_paying() -> int:
    """A payer that died mid-way leaves "paying": back to "À payer" (the next payment reads CJ's status first).
    In the automatic mode, payments CJ could not take (outage, throttle) are retried once due."""
    now = timezone.now()
    CJOrder.objects.filter(state=CJOrder.State.PAYING, updated_at__lt=now - STALE_PAYING).update(
        state=CJOrder.State.TO_PAY, next_attempt_at=now, updated_at=now
    )
    if CJSettings.load().payment_mode != CJSettings.PaymentMode.AUTO:
        return 0
    due = list(to_pay().filter(state=CJOrder.State.TO_PAY, next_attempt_at__lte=now))
    paid, _reasons = pay_many(due, by=_("paiement automatique"))
    return paid


def _orders_to_pay_url() -> str:
    try:
        return reverse("cj:orders") + "?state=to_pay"
    except NoReverseMatch:
        return ""


def _refresh_problem() -> None:
    order_problems.check_orders(settings_row=CJSettings.load(), now=timezone.now())


def balance_forecast(balance: Decimal | None, *, now=None) -> dict:
    """How many days of orders the balance covers at the last 7 days' payment rate."""
    since = (now or timezone.now()) - timedelta(days=7)
    spent = CJOrder.objects.filter(paid_at__gte=since).aggregate(s=Sum("paid_amount_usd"))["s"] or Decimal(0)
    per_day = cents(spent / 7)
    waiting = to_pay().aggregate(s=Sum("order_amount_usd"))["s"] or Decimal(0)
    days = int((balance - waiting) / per_day) if balance is not None and per_day > 0 else None
    return {"per_day": per_day, "days": max(days, 0) if days is not None else None, "waiting": waiting}


def is_paid_status(status: str | None) -> bool:
    return (status or "").upper() in PAID_AT_CJ
