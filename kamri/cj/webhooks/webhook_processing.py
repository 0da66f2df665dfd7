"""Processing stored webhooks, one message at a time, idempotently. Unknown ids are "Ignoré", not errors."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.catalog.models import Product, Variant
from kamri.cj import queue
from kamri.cj import status as cj_status
from kamri.cj.catalog import supplier_text
from kamri.cj.client import CJError
from kamri.cj.client.webhooks import (
    Defect,
    LogisticMessage,
    MalformedMessage,
    MessageType,
    OrderMessage,
    OrderSplitMessage,
    ProductMessage,
    StockMessage,
    VariantMessage,
    parse_webhook,
)
from kamri.cj.models import (
    CJOrder,
    CJProductLink,
    CJSettings,
    CJVariantLink,
    ProfitLine,
    WebhookAttempt,
    WebhookEvent,
)
from kamri.cj.orders.order_status import apply_update
from kamri.cj.sync import catalog_sync
from kamri.core.text import storable
from kamri.orders.models import Order, OrderEvent
from kamri.orders.services import record_event

log = logging.getLogger(__name__)

RETRY_DELAYS = [30, 120, 600, 3600]  # then the event stays in "Erreur" (dead letter) until "Retraiter"
SPLIT_STATUS = {
    100: "CREATED",
    200: "UNPAID",
    300: "UNSHIPPED",
    400: "UNSHIPPED",
    500: "SHIPPED",
    600: "DELIVERED",
    700: "DELIVERED",
}


@dataclass(frozen=True)
class Outcome:
    status: str  # processed or ignored
    message: str


class Ignore(Exception):
    """The message is valid but concerns nothing KAMRI knows (an id we never imported)."""


def process(event_id: int) -> WebhookEvent | None:
    """Run the handler of one pending (or retried) event. Safe to call twice: only one run applies it."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.status not in (WebhookEvent.Status.PENDING, WebhookEvent.Status.ERROR):
            return event
        if (
            event.status == WebhookEvent.Status.ERROR
            and event.next_attempt_at
            and event.next_attempt_at > (timezone.now())
        ):
            return event
        event.attempts += 1
        started = time.perf_counter()
        try:
            with (
                transaction.atomic()
            ):  # a failing handler rolls back its own writes, never the attempt record
                outcome = _dispatch(event)
        except Ignore as reason:
            outcome = Outcome(WebhookEvent.Status.IGNORED, str(reason))
        except MalformedMessage as flaw:
            log.info("webhook %s rejected: %s", event.pk, flaw)
            _rejected(event, flaw, started)
            return event
        except Exception as error:
            log.warning("webhook %s failed: %s", event.pk, error, exc_info=True)
            _failed(event, error, started)
            return event
        # the result may quote CJ's values (a type with a NUL from a "\u0000" escape): stored as any database can
        event.status, event.result = outcome.status, storable(outcome.message[:500])
        event.processed_at, event.next_attempt_at, event.last_error = timezone.now(), None, ""
        event.save()
        WebhookAttempt.objects.create(event=event, ok=True, duration_ms=_ms(started))
    return event


def _failed(event: WebhookEvent, error: Exception, started: float) -> None:
    message = storable(
        explain_failure(error)[:2000]
    )  # the technical detail is in the server log (log.warning)
    event.status, event.last_error = WebhookEvent.Status.ERROR, message
    retry = event.attempts - 1
    event.next_attempt_at = (
        timezone.now() + timedelta(seconds=RETRY_DELAYS[retry]) if retry < len(RETRY_DELAYS) else None
    )
    event.save()
    WebhookAttempt.objects.create(event=event, ok=False, error=message, duration_ms=_ms(started))


def _rejected(event: WebhookEvent, flaw: MalformedMessage, started: float) -> None:
    """Refused once and for all: the same body would fail the same way, so no retry and no dead letter."""
    message = storable(explain_malformed(flaw)[:2000])
    event.status, event.last_error, event.result = WebhookEvent.Status.REJECTED, message, ""
    event.processed_at, event.next_attempt_at = timezone.now(), None
    event.save()
    WebhookAttempt.objects.create(event=event, ok=False, error=message, duration_ms=_ms(started))


def explain_malformed(flaw: MalformedMessage) -> str:
    """The client's MalformedMessage as the admin reads it in the journal: what is wrong, then what happens."""
    words = {
        Defect.MISSING: _("%(field)s est absent du message"),
        Defect.NOT_AN_ID: _("%(field)s n'est pas un identifiant : « %(value)s »"),
        Defect.EMPTY: _("%(field)s est vide"),
        Defect.NOT_A_NUMBER: _("%(field)s n'est pas un nombre : « %(value)s »"),
        Defect.NOT_WHOLE: _("%(field)s n'est pas un nombre entier : « %(value)s »"),
        Defect.NEGATIVE: _("%(field)s est négatif : « %(value)s »"),
        Defect.TOO_LARGE: _("%(field)s est trop grand : « %(value)s »"),
        Defect.NOT_A_LIST: _("%(field)s n'est pas une liste : « %(value)s »"),
        Defect.NOT_AN_OBJECT: _("%(field)s n'est pas un objet : « %(value)s »"),
    }
    reason = words[flaw.defect] % {"field": flaw.field, "value": flaw.value or ""}
    return _(
        "%(reason)s. Message %(type)s rejeté, sans nouvel essai (le même contenu échouerait encore) : rien n'a "
        "été appliqué ; les synchronisations planifiées reliront ces données chez CJ."
    ) % {"reason": reason, "type": flaw.topic}


def explain_failure(error: Exception) -> str:
    """Why a webhook could not be applied, as the admin reads it in the journal and on the Webhooks card: a French
    sentence with the next step, never a Python exception name."""
    retried = _(
        "KAMRI réessaie automatiquement ; si l'erreur persiste, utilisez « Retraiter » après correction."
    )
    if isinstance(error, CJError):
        return f"{error.user_message}. {retried}"
    if isinstance(error, ArithmeticError):  # decimal.InvalidOperation among them
        reason = _(
            "CJ a envoyé un nombre illisible (prix, stock ou quantité) : le message n'a pas été appliqué."
        )
    elif isinstance(error, ValueError | KeyError | TypeError | AttributeError):
        reason = _("Le message de CJ est incomplet ou mal formé : il n'a pas été appliqué.")
    elif isinstance(error, DatabaseError):
        reason = _("La base de données était occupée : le message n'a pas encore été appliqué.")
    else:
        reason = _(
            "Erreur inattendue pendant le traitement : le message n'a pas été appliqué (détail dans les "
            "journaux du serveur)."
        )
    return f"{reason} {retried}"


def _ms(started: float) -> Decimal:
    return Decimal(str(round((time.perf_counter() - started) * 1000, 1)))


def _dispatch(event: WebhookEvent) -> Outcome:
    message = parse_webhook(event.raw_body)  # MalformedMessage: rejected by process()
    handler = HANDLERS.get(message.type)
    if handler is None or message.payload is None:
        raise Ignore(_("Type de message non géré : %(type)s.") % {"type": message.type})
    return handler(message.payload)


def _processed(text: str) -> Outcome:
    return Outcome(WebhookEvent.Status.PROCESSED, text)


# --- PRODUCT / VARIANT / STOCK ------------------------------------------------------------------------


def handle_product(message: ProductMessage) -> Outcome:
    link = CJProductLink.objects.select_related("product").filter(pid=message.pid).first()
    if link is None:
        raise Ignore(_("Produit CJ inconnu de KAMRI : %(pid)s.") % {"pid": message.pid})
    product, done = link.product, []
    followed = supplier_text.record_cj_text(link, name=message.name, description_html=message.description)
    done += [_("titre") if field == "title" else _("description") for field in followed]
    if message.sell_price is not None:
        variant_links = list(link.variant_links.all())
        if len(variant_links) == 1:
            outcome = catalog_sync.apply_cost_change(variant_links[0], message.sell_price, source="webhook")
            done.append(_("prix (%(kind)s)") % {"kind": outcome.kind})
    off_sale = message.off_sale and product.status == Product.Status.ACTIVE
    if off_sale and CJSettings.load().off_sale_action == CJSettings.OffSaleAction.DEACTIVATE:
        product.status = Product.Status.INACTIVE
        done.append(_("désactivé (retiré de la vente chez CJ)"))
    product.save()
    link.last_synced_at = timezone.now()
    link.save(update_fields=["last_synced_at"])
    return _processed(_("Produit mis à jour : %(what)s.") % {"what": ", ".join(done) or _("rien à changer")})


def handle_variant(message: VariantMessage) -> Outcome:
    link = CJVariantLink.objects.select_related("variant").filter(vid=message.vid).first()
    if link is None:
        product_link = _product_of_variant_sku(message.sku or "")
        if product_link:
            catalog_sync.record_new_variant(
                product_link,
                vid=message.vid,
                sku=message.sku or "",
                key=message.key or "",
                cost=message.sell_price,
            )
            return _processed(_("Nouvelle variante CJ %(vid)s notée pour revue.") % {"vid": message.vid})
        raise Ignore(_("Variante CJ inconnue de KAMRI : %(vid)s.") % {"vid": message.vid})
    done = []
    if message.sell_price is not None:
        outcome = catalog_sync.apply_cost_change(link, message.sell_price, source="webhook")
        done.append(outcome.label)
    if message.active is not None and link.variant.is_active != message.active:
        Variant.objects.filter(pk=link.variant_id).update(is_active=message.active)
        done.append(_("activée") if message.active else _("désactivée"))
    return _processed(
        _("Variante mise à jour : %(what)s.") % {"what": ", ".join(done) or _("rien à changer")}
    )


def _product_of_variant_sku(sku: str) -> CJProductLink | None:
    """CJ variant SKUs extend their product's SKU ("CJJJJTJT05843-Black"): find the product by that prefix."""
    prefix = sku.split("-", 1)[0] if sku else ""
    return CJProductLink.objects.filter(cj_sku=prefix).first() if prefix else None


def handle_stock(message: StockMessage) -> Outcome:
    stock = message.by_variant
    changed, unknown = 0, []
    links = {link.vid: link for link in CJVariantLink.objects.filter(vid__in=list(stock))}
    for vid, by_country in stock.items():
        link = links.get(vid)
        if link is None:
            unknown.append(vid)
            continue
        changed += int(catalog_sync.apply_stock(link, by_country, merge=True))
    if not links:
        raise Ignore(
            ngettext(
                "Aucune variante connue dans ce message de stock (%(n)s inconnue).",
                "Aucune variante connue dans ce message de stock (%(n)s inconnues).",
                len(unknown),
            )
            % {"n": len(unknown)}
        )
    return _processed(
        ngettext(
            "Stock mis à jour : %(n)s variante modifiée",
            "Stock mis à jour : %(n)s variantes modifiées",
            changed,
        )
        % {"n": changed}
        + ngettext(", %(n)s inconnue.", ", %(n)s inconnues.", len(unknown)) % {"n": len(unknown)}
    )


# --- ORDER / LOGISTIC / ORDERSPLIT --------------------------------------------------------------------


def _find_order(cj_order_id: str | None, order_number: str | None) -> CJOrder | None:
    if cj_order_id:
        row = CJOrder.objects.filter(cj_order_id=cj_order_id).first()
        if row:
            return row
    if order_number:
        return CJOrder.objects.filter(order_number=order_number, split_from=None).first()
    return None


def handle_order(message: OrderMessage) -> Outcome:
    row = _find_order(message.cj_order_id, message.order_number)
    if row is None:
        raise Ignore(
            _("Commande CJ inconnue de KAMRI : %(id)s.") % {"id": message.cj_order_id or message.order_number}
        )
    if (
        message.connected
        and message.cj_order_id
        and (
            row.cj_order_id != message.cj_order_id
            and not CJOrder.objects.filter(cj_order_id=message.cj_order_id).exists()
        )
    ):
        CJOrder.objects.filter(pk=row.pk).update(cj_order_id=message.cj_order_id, state=CJOrder.State.PLACED)
        ProfitLine.forget([row.order_id])
        record_event(
            row.order,
            OrderEvent.Type.CJ,
            _("CJ a rattaché la commande : identifiant %(id)s.") % {"id": message.cj_order_id},
        )
    unknown = bool(message.status) and not cj_status.is_known(message.status)
    change = apply_update(
        row,
        status=None if unknown else message.status,
        track_number=message.track_number,
        tracking_url=message.tracking_url,
        logistic_name=message.logistic_name,
        source="webhook",
    )
    if unknown and not change.tracking_found:
        raise Ignore(
            _(
                "Statut CJ inconnu « %(s)s » pour la commande %(n)s : rien n'a été modifié. La synchronisation des "
                "commandes relira son statut chez CJ."
            )
            % {"s": message.status, "n": row.order_number}
        )
    if unknown:
        return _processed(
            _("Commande %(n)s : numéro de suivi enregistré ; statut CJ inconnu « %(s)s » ignoré.")
            % {"n": row.order_number, "s": message.status}
        )
    if change.ignored_backwards:
        return _processed(_("Statut %(s)s plus ancien que celui connu : ignoré.") % {"s": message.status})
    return _processed(
        _("Commande %(n)s : statut %(s)s.") % {"n": row.order_number, "s": message.status or "—"}
    )


def handle_logistic(message: LogisticMessage) -> Outcome:
    row = _find_order(message.order_id, None)
    if row is None and message.tracking_number:
        row = CJOrder.objects.filter(track_number=message.tracking_number).first()
    if row is None:
        raise Ignore(_("Colis d'une commande inconnue de KAMRI : %(id)s.") % {"id": message.order_id or "?"})
    # Two LOGISTIC messages of one parcel processed at once must not both add the same steps: lock the order.
    Order.objects.select_for_update().filter(pk=row.order_id).first()
    known = {
        (e.data.get("time"), e.data.get("status"))
        for e in row.order.events.filter(type=OrderEvent.Type.PARCEL)
    }
    for step in sorted(message.steps, key=lambda item: item.time or timezone.now()):
        key = (step.time.isoformat() if step.time else None, step.status)
        if key in known:
            continue
        known.add(key)
        where = f" — {step.location}" if step.location else ""
        said = cj_status.logistic_label(step.status) or step.status_desc or step.activity or ""
        record_event(
            row.order,
            OrderEvent.Type.PARCEL,
            f"{said}{where}".strip(" —") or "—",
            time=key[0],
            status=step.status,
            activity=step.activity,
            number=message.tracking_number or row.track_number,  # delivery news go once per parcel
        )
    apply_update(
        row,
        track_number=message.tracking_number,
        tracking_url=message.tracking_url,
        logistic_name=message.logistic_name,
        logistic_status=message.tracking_status,
        source="webhook",
    )
    return _processed(
        _("Suivi %(n)s : %(s)s.")
        % {
            "n": message.tracking_number or "—",
            "s": cj_status.logistic_label(message.tracking_status) or message.tracking_status,
        }
    )


def handle_order_split(message: OrderSplitMessage) -> Outcome:
    original = _find_order(message.original_order_id, None)
    if original is None:
        raise Ignore(_("Commande d'origine inconnue de KAMRI."))
    created = 0
    for split in message.orders:
        if CJOrder.objects.filter(cj_order_id=split.order_code).exists():
            continue
        CJOrder.objects.create(
            order=original.order,
            split_from=original,
            order_number=original.order_number,
            cj_order_id=split.order_code,
            state=CJOrder.State.PLACED,
            cj_status=SPLIT_STATUS.get(split.status_code or 0, ""),
            logistic_name=original.logistic_name,
            placed_at=timezone.now(),
            lines=[{"vid": line.vid, "quantity": line.quantity, "sku": line.sku} for line in split.lines],
        )
        created += 1
    if created:
        record_event(
            original.order, OrderEvent.Type.CJ, _("CJ a scindé la commande en %(n)s colis.") % {"n": created}
        )
    return _processed(
        ngettext(
            "%(n)s commande CJ issue de la scission.", "%(n)s commandes CJ issues de la scission.", created
        )
        % {"n": created}
    )


HANDLERS = {
    MessageType.PRODUCT: handle_product,
    MessageType.VARIANT: handle_variant,
    MessageType.STOCK: handle_stock,
    MessageType.ORDER: handle_order,
    MessageType.LOGISTIC: handle_logistic,
    MessageType.LOGISTICS: handle_logistic,
    MessageType.ORDERSPLIT: handle_order_split,
}


# --- operations ------------------------------------------------------------------------------------------


def retry(events) -> int:
    """ "Retraiter": put failed (or ignored) events back to pending and enqueue them."""
    ids = list(
        events.filter(status__in=[WebhookEvent.Status.ERROR, WebhookEvent.Status.IGNORED]).values_list(
            "pk", flat=True
        )[:5000]
    )
    WebhookEvent.objects.filter(pk__in=ids).update(status=WebhookEvent.Status.PENDING, next_attempt_at=None)
    for pk in ids:
        transaction.on_commit(lambda pk=pk: queue.process_webhook(pk))
    return len(ids)


DRAIN_BATCH = 500


def drain(batch: int = DRAIN_BATCH) -> int:
    """Process pending events oldest first. A full batch hands the rest to a new job, so one long backlog
    never holds a worker for minutes. Two drains running at once are safe: process() applies each event once."""
    ids = list(
        WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in ids:
        process(pk)
    if len(ids) == batch:
        queue.drain_webhooks()
    return len(ids)


def sweep(*, pending_older_than: timedelta = timedelta(minutes=1)) -> int:
    """Re-enqueue pending events older than a minute (lost jobs) and failed ones whose retry is due."""
    now = timezone.now()
    due = list(
        WebhookEvent.objects.filter(
            Q(status=WebhookEvent.Status.PENDING, received_at__lt=now - pending_older_than)
            | Q(status=WebhookEvent.Status.ERROR, next_attempt_at__lte=now)
        ).values_list("pk", flat=True)[:2000]
    )
    for pk in due:
        queue.process_webhook(pk)
    return len(due)


def prune(days: int | None = None) -> int:
    """Retention: processed, ignored, duplicate and rejected rows go after N days; errors are kept."""
    days = days if days is not None else CJSettings.load().webhook_retention_days
    cutoff = timezone.now() - timedelta(days=days)
    old = WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(
        status__in=[WebhookEvent.Status.ERROR, WebhookEvent.Status.PENDING]
    )
    WebhookEvent.objects.filter(duplicate_of__in=old).delete()
    deleted, _detail = old.delete()
    return deleted
