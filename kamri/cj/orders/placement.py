"""Placing CJ orders for paid store orders: an outbox row first, then an idempotent job.

Never two CJ orders for one store order: the CJ `orderNumber` is our order number, fixed forever; a job that
may have reached CJ before (timeout, 5xx, crash) looks the order up by that number before creating anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kamri.cj import queue
from kamri.cj.catalog import search as catalog
from kamri.cj.client import (
    CJAuthThrottled,
    CJDuplicateOrder,
    CJError,
    CJInsufficientBalance,
    CJOrderNotFound,
    CJQuotaExhausted,
    CJRateLimited,
    CJUnavailable,
    FreightOption,
    OrderRequest,
    OrderRequestLine,
    RemoteOrder,
)
from kamri.cj.connection import points_budget
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJOrder, CJOrderAttempt, CJSettings, ProfitLine
from kamri.cj.orders import cj_payment, ioss, order_problems
from kamri.cj.orders.cj_payment import (
    expected_amount,
    is_paid_status,
    may_still_pay_or_stop,  # noqa: F401 - the one rule, re-exported
    sweep_paying,
)
from kamri.cj.orders.countries import english_name
from kamri.cj.orders.preflight import check_address, check_declaration, province_for_cj
from kamri.cj.selectors import CJ_LINE
from kamri.cj.sync import freshness
from kamri.core.money import from_store
from kamri.orders.models import Order, OrderEvent
from kamri.orders.services import record_event

log = logging.getLogger(__name__)

RETRY_DELAYS = [30, 60, 120, 300, 600, 1800, 3600]  # seconds, then the row fails and waits for "Renvoyer"
STALE_PLACING = timedelta(minutes=5)


def cj_order_number(order: Order) -> str:
    """Derived from our order number and never changed (CJ's only idempotency key, max 50 characters)."""
    return order.number[:50]


@dataclass(frozen=True)
class MappedLine:
    vid: str
    sku: str
    quantity: int
    line_id: int
    pid: str


def mapped_lines(order: Order) -> tuple[list[MappedLine], list[str], bool]:
    """(CJ lines, problems, whether the order has anything from CJ at all)."""
    lines, problems, has_cj = [], [], False
    for line in order.lines.filter(CJ_LINE).select_related(
        "variant__product", "variant__cj_link__product_link"
    ):
        variant = line.variant
        has_cj = True
        link = getattr(variant, "cj_link", None)
        if link is None:
            problems.append(
                _("L'article « %(title)s » n'est relié à aucune variante CJ (vid).") % {"title": line.title}
            )
            continue
        lines.append(
            MappedLine(link.vid, link.cj_sku or variant.sku, line.quantity, line.pk, link.product_link.pid)
        )
    return lines, problems, has_cj


def queue_for_order(order_id: int) -> CJOrder | None:
    """Outbox row for a paid order with CJ lines (none otherwise); the job runs after the configured delay."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not order.is_paid or order.status == Order.Status.CANCELLED:
        return None
    _lines, _problems, has_cj = mapped_lines(order)
    if not has_cj:
        return None
    delay = CJSettings.load().order_delay_minutes
    with transaction.atomic():
        row, created = CJOrder.objects.get_or_create(
            order=order,
            split_from=None,
            defaults={
                "order_number": cj_order_number(order),
                "next_attempt_at": timezone.now() + timedelta(minutes=delay),
            },
        )
        if created:
            record_event(
                order,
                OrderEvent.Type.CJ,
                _("Commande CJ mise en file d'attente (%(n)s).") % {"n": row.order_number},
            )
            transaction.on_commit(lambda: _enqueue(row.pk, delay * 60))
    return row


def _enqueue(pk: int, delay_s: float = 0) -> None:
    queue.place_cj_order(pk, delay_s=delay_s)


def place(pk: int) -> CJOrder:
    """One attempt at placing a queued CJ order. Safe to run twice, or concurrently: only one proceeds."""
    with transaction.atomic():
        row = CJOrder.objects.select_for_update().select_related("order").get(pk=pk)
        if row.state != CJOrder.State.QUEUED:
            return row
        if row.order.status == Order.Status.CANCELLED:
            row.state = CJOrder.State.CANCELLED
            row.save(update_fields=["state", "updated_at"])
            return row
        recovering = row.attempts > 0
        row.state, row.attempts = CJOrder.State.PLACING, row.attempts + 1
        row.save(update_fields=["state", "attempts", "updated_at"])
    try:
        with points_budget.spending(points_budget.ORDERS):  # orders go first: never held for points
            _attempt(row, recovering)
    except Exception:  # never leave a row in "placing" because of a bug or a lost connection
        log.exception("CJ order %s: unexpected error", row.order_number)
        _retry_later(
            row,
            _(
                "Erreur inattendue pendant l'envoi à CJ (détail dans les journaux du serveur) : KAMRI réessaiera "
                "automatiquement."
            ),
        )
    row.refresh_from_db()
    return row


def _attempt(row: CJOrder, recovering: bool) -> None:
    client = client_for()
    if recovering and _recover(row, client):
        return
    order = row.order
    lines, problems, _has_cj = mapped_lines(order)
    declaration = check_declaration(order, row, [line.line_id for line in lines])
    problems = check_address(order).problems + declaration.problems + problems
    if not lines and not problems:
        problems.append(_("Aucun article CJ à commander."))
    if problems:
        _needs_attention(row, problems)
        return
    try:
        origin, option, stock_problems = _route(client, order, lines)
    except CJError as error:
        _handle_cj_error(row, error, stage=_("préparation"))
        return
    if stock_problems or option is None:
        _needs_attention(
            row,
            stock_problems
            or [
                _("Aucun transporteur CJ ne livre %(country)s pour ces articles.")
                % {"country": order.country}
            ],
        )
        return
    request = _order_request(order, row, lines, origin, option)
    row.logistic_name, row.from_country, row.freight_usd = option.logistic_name, origin, option.price
    row.lines = [
        {"vid": line.vid, "sku": line.sku, "quantity": line.quantity, "line_id": line.line_id}
        for line in lines
    ]
    try:
        created = client.create_order(request)
    except CJDuplicateOrder:
        _log(row, "duplicate", _("CJ connaît déjà ce numéro de commande : rattachement."))
        if not _recover(row, client):
            _retry_later(row, _("Commande en double signalée par CJ, introuvable pour l'instant."))
        return
    except CJUnavailable as error:
        # The order may exist at CJ although the answer was lost (ghost order): look it up before anything else.
        _log(row, "unavailable", error.user_message)
        if not _recover(row, client):
            _retry_later(row, error.user_message)
        return
    except CJError as error:
        _handle_cj_error(row, error, stage=_("création"))
        return
    if created.intercept_reasons or created.logistics_miss:
        _intercepted(row, created)
        return
    _mark_placed(
        row,
        cj_order_id=created.order_id,
        status=created.status or "CREATED",
        product_amount=created.product_amount,
        postage_amount=created.postage_amount,
        order_amount=created.order_amount,
        pay_url=created.cj_pay_url or "",
        how=_("créée"),
    )
    _pay_if_automatic(row)


# CJ gives interception codes without a list; the messages it sends are shown next to the French advice.
INTERCEPT_ADVICE = {
    "1001": _lazy(
        "stock insuffisant dans l'entrepôt choisi : attendez le réassort ou changez d'entrepôt dans MyCJ"
    ),
    "1002": _lazy("transporteur indisponible pour cette destination : choisissez-en un autre dans MyCJ"),
}


def intercept_reasons_fr(created) -> list[str]:
    """CJ's interception reasons in French, each with what to do."""
    reasons = []
    for reason in created.intercept_reasons:
        advice = INTERCEPT_ADVICE.get(str(reason.code or ""))
        reasons.append(
            _("CJ a intercepté la commande (code %(code)s, « %(message)s ») : %(advice)s.")
            % {
                "code": reason.code or "?",
                "message": reason.message or "",
                "advice": advice
                or _("ouvrez la commande dans MyCJ pour lever le blocage, puis « Renvoyer »"),
            }
        )
    if created.logistics_miss and not any("1002" == str(r.code) for r in created.intercept_reasons):
        reasons.append(
            _(
                "CJ signale une logistique manquante (logisticsMiss) : le transporteur choisi ne dessert pas "
                "cette adresse ; choisissez-en un autre dans MyCJ puis « Renvoyer »."
            )
        )
    return reasons


def _intercepted(row: CJOrder, created) -> None:
    """Intercepted at creation: the CJ order exists (linked, never paid) and waits in "À traiter"."""
    CJOrder.objects.filter(pk=row.pk).update(
        cj_order_id=created.order_id or None,
        cj_status=created.status or "CREATED",
        order_amount_usd=created.order_amount,
        product_amount_usd=created.product_amount,
        postage_amount_usd=created.postage_amount,
        pay_url=(created.cj_pay_url or "")[:500],
        logistic_name=row.logistic_name,
        from_country=row.from_country,
        freight_usd=row.freight_usd,
        lines=row.lines,
    )
    ProfitLine.forget([row.order_id])  # CJ's amounts (bulk update: no signal)
    _log(row, "intercepted", " · ".join(f"{r.code}: {r.message}" for r in created.intercept_reasons))
    _needs_attention(row, intercept_reasons_fr(created))
    _refresh_attention_problem()


def _pay_if_automatic(row: CJOrder) -> None:
    row.refresh_from_db()
    if row.state == CJOrder.State.TO_PAY and CJSettings.load().payment_mode == CJSettings.PaymentMode.AUTO:
        cj_payment.pay(row, by=_("paiement automatique"))
    elif row.state == CJOrder.State.TO_PAY:
        _refresh_attention_problem()  # the manual and batch modes: the panel knows at once


def _route(client, order: Order, lines: list[MappedLine]) -> tuple[str, FreightOption | None, list[str]]:
    """Warehouse with stock for every line (destination country first, else China), then the logistic rule."""
    settings_row = CJSettings.load()
    stock_by_vid: dict[str, list] = {}
    for pid in {line.pid for line in lines}:
        inventory = client.inventory_by_pid(pid)
        freshness.checked_before_order(pid, inventory)
        stock_by_vid.update(inventory.by_variant)
    origin = first_warehouse(
        order.country,
        [(line.vid, line.quantity) for line in lines],
        {row.country_code for rows in stock_by_vid.values() for row in rows if row.country_code},
        lambda vid, country: catalog.stock_total(stock_by_vid.get(vid, []), [country]),
    )
    if origin is None:
        problems = []
        for line in lines:
            available = catalog.stock_total(stock_by_vid.get(line.vid, []))
            if available < line.quantity:
                problems.append(
                    _("Stock CJ insuffisant pour %(sku)s : disponible %(available)s, demandé %(wanted)s.")
                    % {"sku": line.sku, "available": available, "wanted": line.quantity}
                )
        return "", None, problems or [_("Aucun entrepôt CJ n'a tous les articles en stock.")]
    options = client.freight_quote(
        origin,
        order.country.upper(),
        [(line.vid, line.quantity) for line in lines],
        zip=order.zip_code or None,
    )
    return origin, choose_logistic(options, settings_row.logistic_rule, settings_row.logistic_price_cap), []


def first_warehouse(
    destination: str,
    wanted: list[tuple[str, int]],
    stocked_countries: set[str],
    available: Callable[[str, str], int],
) -> str | None:
    """The warehouse with stock for every (vid, quantity): the destination's own first, then China, then any
    other in alphabetical order; None when none has it all. The one rule for orders and cart quotes."""
    for country in dict.fromkeys([destination.upper(), "CN", *sorted(stocked_countries)]):
        if all(available(vid, country) >= quantity for vid, quantity in wanted):
            return country
    return None


def choose_logistic(options: list[FreightOption], rule: str, cap: Decimal | None) -> FreightOption | None:
    """Cheapest option; or the fastest whose price is under the cap (falling back to the cheapest)."""
    if not options:
        return None
    cheapest = min(options, key=lambda option: (option.price, _days(option)))
    if rule != CJSettings.LogisticRule.FASTEST:
        return cheapest
    affordable = [option for option in options if cap is None or option.price <= cap]
    return min(affordable, key=lambda option: (_days(option), option.price)) if affordable else cheapest


def _days(option: FreightOption) -> int:
    return option.aging_days[1] if option.aging_days else 999


def _order_request(
    order: Order, row: CJOrder, lines: list[MappedLine], origin: str, option: FreightOption
) -> OrderRequest:
    declared = ioss.declaration(order, row, CJSettings.load())
    return OrderRequest(
        order_number=row.order_number,
        shipping_country_code=order.country.upper(),
        shipping_country=english_name(order.country),
        shipping_province=province_for_cj(order),
        shipping_city=order.city,
        shipping_customer_name=order.customer_name,
        shipping_address=order.address1,
        shipping_address2=order.address2 or None,
        shipping_zip=order.zip_code or None,
        shipping_phone=order.phone,
        house_number=order.house_number or None,
        tax_id=order.tax_id or None,
        ioss_type=declared.ioss_type,
        ioss_number=declared.ioss_number,
        email=order.email or None,
        logistic_name=option.logistic_name,
        from_country_code=origin,
        pay_type=3,  # create only: KAMRI pays itself (confirmOrder → payBalance) behind its guards
        shop_amount=from_store(order.total, "USD"),
        remark=f"KAMRI {order.number}",
        products=[
            OrderRequestLine(quantity=line.quantity, vid=line.vid, store_line_item_id=str(line.line_id))
            for line in lines
        ],
    )


def _recover(row: CJOrder, client) -> bool:
    """Look the order up at CJ by our orderNumber; link it when CJ has it. False when CJ does not."""
    try:
        remote = client.get_order(row.order_number)
    except CJOrderNotFound:
        return False
    except CJError as error:
        _log(row, "lookup_failed", error.user_message)
        raise
    _mark_placed(
        row,
        cj_order_id=remote.order_id,
        status=remote.status or "CREATED",
        product_amount=remote.product_amount,
        postage_amount=remote.postage_amount,
        order_amount=remote.order_amount,
        how=_("retrouvée chez CJ par son numéro"),
        remote=remote,
    )
    _pay_if_automatic(row)
    return True


def _mark_placed(row: CJOrder, **fields) -> None:
    """Link the CJ order; a CJ id already linked to another store order is for the admin, never a crash."""
    try:
        _link_placed(row, **fields)
    except IntegrityError:
        other = CJOrder.objects.filter(cj_order_id=fields.get("cj_order_id")).exclude(pk=row.pk).first()
        _needs_attention(
            row,
            [
                _(
                    "CJ a répondu avec l'identifiant %(id)s, déjà relié à la commande %(other)s : vérifiez la commande "
                    "chez CJ avant de la renvoyer."
                )
                % {"id": fields.get("cj_order_id"), "other": other or "?"}
            ],
        )


def _link_placed(
    row: CJOrder,
    *,
    cj_order_id,
    status,
    product_amount,
    postage_amount,
    order_amount,
    how,
    pay_url: str = "",
    remote: RemoteOrder | None = None,
) -> None:
    with transaction.atomic():
        locked = CJOrder.objects.select_for_update().get(pk=row.pk)
        # Created is not placed: CJ ships only once paid, so an unpaid order waits in "À payer chez CJ".
        paid = is_paid_status(status) or locked.paid_at is not None
        locked.state = CJOrder.State.PLACED if paid else CJOrder.State.TO_PAY
        locked.pay_url = (pay_url or locked.pay_url)[:500]
        locked.cj_order_id = cj_order_id or locked.cj_order_id
        locked.cj_status = status
        locked.product_amount_usd = product_amount
        locked.postage_amount_usd = postage_amount
        locked.order_amount_usd = order_amount
        locked.logistic_name = row.logistic_name or (remote.logistic_name if remote else "") or ""
        locked.from_country, locked.freight_usd, locked.lines = row.from_country, row.freight_usd, row.lines
        locked.expected_amount_usd = expected_amount(locked)
        locked.reasons, locked.last_error, locked.next_attempt_at = [], "", None
        locked.placed_at = locked.placed_at or timezone.now()
        locked.save()
        _log(locked, "placed" if paid else "created", how)
        template = (
            _("Commande CJ %(how)s : %(id)s, transporteur %(logistic)s.")
            if paid
            else _("Commande CJ %(how)s : %(id)s, transporteur %(logistic)s ; à payer chez CJ.")
        )
        record_event(
            locked.order,
            OrderEvent.Type.CJ,
            template % {"how": how, "id": locked.cj_order_id or "?", "logistic": locked.logistic_name or "—"},
            cj_order_id=locked.cj_order_id,
            cj_status=status,
        )


def _needs_attention(row: CJOrder, problems: list[str]) -> None:
    CJOrder.objects.filter(pk=row.pk).update(
        state=CJOrder.State.NEEDS_ATTENTION,
        reasons=problems,
        last_error=problems[0][:500],
        next_attempt_at=None,
        updated_at=timezone.now(),
    )
    ProfitLine.forget([row.order_id])
    _log(row, "needs_attention", " · ".join(problems))
    record_event(
        row.order,
        OrderEvent.Type.CJ,
        _("Commande CJ à traiter : %(reasons)s") % {"reasons": " · ".join(problems)},
        reasons=problems,
    )


def _retry_later(row: CJOrder, message: str, *, after_s: float | None = None) -> None:
    row.refresh_from_db()
    if after_s is None and row.attempts > len(RETRY_DELAYS):
        CJOrder.objects.filter(pk=row.pk).update(
            state=CJOrder.State.FAILED, last_error=message[:500], reasons=[message], updated_at=timezone.now()
        )
        ProfitLine.forget([row.order_id])
        _log(row, "failed", message)
        record_event(
            row.order,
            OrderEvent.Type.CJ,
            _("Échec de la commande CJ après %(n)s tentatives : %(m)s") % {"n": row.attempts, "m": message},
        )
        return
    delay = after_s if after_s is not None else RETRY_DELAYS[max(0, row.attempts - 1)]
    CJOrder.objects.filter(pk=row.pk).update(
        state=CJOrder.State.QUEUED,
        last_error=message[:500],
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
        updated_at=timezone.now(),
    )
    ProfitLine.forget([row.order_id])
    _log(row, "retry", _("%(m)s — nouvel essai dans %(s)s s") % {"m": message, "s": int(delay)})
    transaction.on_commit(lambda: _enqueue(row.pk, delay))


def _handle_cj_error(row: CJOrder, error: CJError, *, stage: str) -> None:
    if isinstance(error, (CJQuotaExhausted, CJAuthThrottled)):
        # Both end at a known time (quota reset, CJ's next allowed token request): wait for it.
        _retry_later(row, error.user_message, after_s=error.retry_after_s + 1)
    elif isinstance(error, (CJRateLimited, CJUnavailable)):
        _retry_later(row, error.user_message)
    elif isinstance(error, CJInsufficientBalance):
        _needs_attention(
            row, [_("Solde CJ insuffisant : rechargez le solde CJ puis cliquez sur « Renvoyer ».")]
        )
    else:
        _needs_attention(
            row,
            [
                _("CJ a refusé la commande (%(stage)s) : %(reason)s")
                % {"stage": stage, "reason": error.user_message}
            ],
        )


def _log(row: CJOrder, outcome: str, message: str) -> None:
    CJOrderAttempt.objects.create(cj_order_id=row.pk, outcome=outcome, message=message[:500])


def choose_ioss_declaration(row: CJOrder, *, without_ioss: bool, by: str) -> None:
    """The admin's IOSS choice for one EU parcel (above 150 € IOSS cannot apply), kept on the timeline."""
    CJOrder.objects.filter(pk=row.pk).update(declare_without_ioss=without_ioss)
    row.declare_without_ioss = without_ioss
    message = (
        _("Déclaration sans IOSS choisie par %(by)s pour ce colis.")
        if without_ioss
        else _("Déclaration IOSS des Paramètres rétablie par %(by)s pour ce colis.")
    )
    record_event(row.order, OrderEvent.Type.CJ, message % {"by": by})


def resubmit(row: CJOrder, *, by: str = "") -> bool:
    """ "Renvoyer": a row waiting for attention (or failed) goes back to the queue, now."""
    with transaction.atomic():
        locked = CJOrder.objects.select_for_update().get(pk=row.pk)
        if locked.state not in (CJOrder.State.NEEDS_ATTENTION, CJOrder.State.FAILED):
            return False
        locked.state, locked.next_attempt_at, locked.reasons = CJOrder.State.QUEUED, timezone.now(), []
        locked.save(update_fields=["state", "next_attempt_at", "reasons", "updated_at"])
        record_event(
            locked.order, OrderEvent.Type.CJ, _("Commande CJ renvoyée par %(by)s.") % {"by": by or "admin"}
        )
        transaction.on_commit(lambda: _enqueue(locked.pk))
        transaction.on_commit(_refresh_attention_problem)
    return True


def sweep() -> int:
    """Re-enqueue what the queue may have lost: due rows, and rows stuck in "placing" by a dead worker."""
    sweep_paying()
    now = timezone.now()
    stale = CJOrder.objects.filter(state=CJOrder.State.PLACING, updated_at__lt=now - STALE_PLACING)
    stale.update(state=CJOrder.State.QUEUED, next_attempt_at=now, updated_at=now)
    due = list(
        CJOrder.objects.filter(state=CJOrder.State.QUEUED, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for pk in due:
        _enqueue(pk)
    return len(due)


def _refresh_attention_problem() -> None:
    """The dashboard's "à traiter" alert follows the queue at once, not at the next health check."""
    order_problems.check_orders(settings_row=CJSettings.load(), now=timezone.now())


#: CJ statuses in which deleteOrder is accepted (CJ's docs: "CREATED or IN_CART only")
CJ_DELETABLE = ("CREATED", "IN_CART")
NOT_SENT = (CJOrder.State.QUEUED, CJOrder.State.NEEDS_ATTENTION, CJOrder.State.FAILED)


def may_still_stop(row: CJOrder) -> bool:
    """May this CJ order still be stopped, i.e. is it not paid at CJ? Not sent yet, waiting in "À payer" (every
    row `may_still_pay_or_stop` would pay), or still CREATED / IN_CART at CJ."""
    if row.paid_at is not None:
        return False
    return (
        row.state in NOT_SENT
        or row.state == CJOrder.State.TO_PAY
        or (row.state == CJOrder.State.PLACED and row.cj_status in CJ_DELETABLE)
    )


def stop_for_order(order_id: int, *, by: str = "") -> list[str]:
    """A cancelled or refunded store order never ships: stop every CJ order of it that is not paid at CJ.

    Not sent yet → cancelled here; CREATED / IN_CART at CJ → deleteOrder, then cancelled here. Answers the
    French sentences of what could not be stopped (paid at CJ, being sent right now, CJ refusing).
    """
    problems: list[str] = []
    for pk in (
        CJOrder.objects.filter(order_id=order_id)
        .exclude(state=CJOrder.State.CANCELLED)
        .values_list("pk", flat=True)
    ):
        problem = _stop_one(pk, by=by)
        if problem:
            problems.append(problem)
    return problems


def why_not_stoppable(row: CJOrder) -> str:
    """The sentence that keeps this CJ order from being stopped now, or "" (one rule for the order page's
    warning and for the cancellation itself)."""
    if row.state in (CJOrder.State.PLACING, CJOrder.State.PAYING):
        return _("La commande CJ %(n)s est en cours d'envoi : réessayez dans une minute.") % {
            "n": row.order_number
        }
    if not may_still_stop(row):
        return _(
            "La commande CJ %(n)s est déjà payée chez CJ (statut %(status)s) : elle ne peut plus y être annulée. "
            "Remboursez le client à vos frais ; pour récupérer la somme auprès de CJ, ouvrez un litige "
            "(après-vente) chez CJ une fois le colis reçu ou perdu."
        ) % {"n": row.order_number, "status": row.cj_status or "?"}
    return ""


def unstoppable_for_order(order_id: int) -> list[str]:
    """What `stop_for_order` would answer now, without stopping anything (the store order page asks)."""
    rows = CJOrder.objects.filter(order_id=order_id).exclude(state=CJOrder.State.CANCELLED)
    return [reason for reason in (why_not_stoppable(row) for row in rows) if reason]


def _stop_one(pk: int, *, by: str) -> str:
    with transaction.atomic():
        row = CJOrder.objects.select_for_update().select_related("order").get(pk=pk)
        reason = why_not_stoppable(row)
        if reason:
            return reason
        if row.cj_order_id:  # created at CJ (placed, waiting to be paid, or intercepted): delete it there
            try:
                client_for().delete_order(row.cj_order_id)
            except CJOrderNotFound:
                pass  # already gone at CJ: nothing left to stop
            except CJError as error:
                return _("CJ refuse de supprimer la commande %(n)s : %(reason)s") % {
                    "n": row.order_number,
                    "reason": error.user_message,
                }
            row.cj_status = "CANCELLED"
            how = _("supprimée chez CJ (deleteOrder)")
        else:
            how = _("retirée de la file d'attente")
        row.state, row.next_attempt_at = CJOrder.State.CANCELLED, None
        row.save(update_fields=["state", "cj_status", "next_attempt_at", "updated_at"])
        _log(row, "cancelled", how)
        record_event(
            row.order,
            OrderEvent.Type.CJ,
            _("Commande CJ %(n)s arrêtée : %(how)s (par %(by)s).")
            % {"n": row.order_number, "how": how, "by": by or "?"},
        )
    return ""
