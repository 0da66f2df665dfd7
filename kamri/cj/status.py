"""The one CJ → KAMRI order status table (ranked), so no status ever moves backwards; and CJ's parcel tracking
statuses in French (LOGISTIC step codes and the English texts CJ gives for them).

The guide maps CREATED → PENDING, PAID → CONFIRMED, SHIPPED, DELIVERED, CANCELLED; CJ's real list adds IN_CART,
UNPAID (before payment to CJ) and UNSHIPPED (paid, waiting to ship). A CJ order only exists once the customer
has paid, and the payment already made the store order "Confirmée" (KAMRI's "En attente" is a store order
not paid yet). So what a store order shows is the furthest of its payment and its CJ order: CJ's statuses up
to UNSHIPPED leave it "Confirmée", SHIPPED and DELIVERED move it forward, and a cancellation by CJ leaves it
as it is (the CJ order goes "À traiter": cancelling the customer's order stays the admin's decision).

This table drives the updates (kamri.cj.orders.order_status) and is the table the Commandes page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kamri.orders.models import Order


@dataclass(frozen=True)
class CJStatusRule:
    rank: int  # CJ statuses only move to a higher rank
    store_status: str | None  # what the paid store order shows at this CJ status; None: unchanged
    meaning: Promise  # what the status says at CJ


CJ_STATUS_TABLE: dict[str, CJStatusRule] = {
    "CREATED": CJStatusRule(0, Order.Status.CONFIRMED, _("Commande créée chez CJ, pas encore payée à CJ")),
    "IN_CART": CJStatusRule(1, Order.Status.CONFIRMED, _("Dans le panier CJ, pas encore payée à CJ")),
    "UNPAID": CJStatusRule(2, Order.Status.CONFIRMED, _("En attente de paiement à CJ")),
    "PAID": CJStatusRule(3, Order.Status.CONFIRMED, _("Commande payée à CJ")),
    "UNSHIPPED": CJStatusRule(3, Order.Status.CONFIRMED, _("Payée à CJ, en préparation")),
    "SHIPPED": CJStatusRule(4, Order.Status.SHIPPED, _("Commande expédiée")),
    "DELIVERED": CJStatusRule(5, Order.Status.DELIVERED, _("Commande livrée")),
}
CANCELLED = "CANCELLED"
CANCELLED_MEANING = _("Commande annulée par CJ")
CANCELLED_EFFECT = _("Inchangé : la commande CJ passe « À traiter »")
FINAL_CJ_STATUSES = frozenset({"DELIVERED", CANCELLED})
ALL_CJ_STATUSES = [*CJ_STATUS_TABLE, CANCELLED]

# LOGISTIC webhook trackingStatus (0–14): 12 is signed/delivered; 1–11 mean the parcel is on its way.
LOGISTIC_DELIVERED = 12
LOGISTIC_IN_TRANSIT = frozenset(range(1, 12))
LOGISTIC_LABELS = {
    0: _("Aucune information"),
    1: _("Sorti de l'entrepôt"),
    2: _("Reçu par le transitaire"),
    3: _("Retourné au transitaire"),
    4: _("Expédié par le transitaire"),
    5: _("Transport international"),
    6: _("Arrivé dans le pays de destination"),
    7: _("Dédouanement en cours"),
    8: _("Dédouané"),
    9: _("Arrivé au centre de distribution"),
    10: _("En cours de livraison"),
    11: _("En attente de retrait"),
    12: _("Livré"),
    13: _("Incident de livraison"),
    14: _("Retourné à l'expéditeur"),
}


def logistic_label(code: int | None) -> str:
    """CJ's LOGISTIC trackingStatus in words ("" for a missing or unknown code)."""
    return str(LOGISTIC_LABELS.get(code, "")) if code is not None else ""


# CJ's English words for the LOGISTIC steps, in code order: the webhook's statusDesc, and trackInfo's free-text
# trackingStatus, which uses them too.
STEP_TEXTS = [
    "no information",
    "warehouse outbound",
    "forwarder inbound",
    "forwarder return",
    "forwarder outbound",
    "first-leg transport",
    "arrived destination country",
    "customs clearance started",
    "customs cleared",
    "terminal pickup",
    "out for delivery",
    "awaiting pickup",
    "delivered",
    "delivery failure",
    "returned",
]
STEP_TONES = {0: "", 3: "err", 11: "warn", 12: "ok", 13: "err", 14: "err"}  # badge tone; other steps: "info"
# trackInfo's other texts, in a parcel's life order: the step they mean, or their own (label, tone).
OTHER_TRACKING_TEXTS: dict[str, int | tuple[Promise, str]] = {
    "pending": (_("En attente de prise en charge"), ""),
    "info received": (_("Informations reçues"), ""),
    "not found": 0,
    "pick up": (_("Pris en charge par le transporteur"), "info"),
    "in transit": (_("En transit"), "info"),
    "exception": 13,
    "alert": 13,
    "undelivered": (_("Non livré"), "err"),
    "expired": (_("Suivi expiré"), "warn"),
}


def tracking_status(raw: str | None) -> tuple[str, str]:
    """(French label, badge tone) of CJ's tracking status text; a text CJ has not documented comes back as written."""
    text = (raw or "").strip()
    key = text.lower()
    meaning = STEP_TEXTS.index(key) if key in STEP_TEXTS else OTHER_TRACKING_TEXTS.get(key)
    if isinstance(meaning, int):
        return logistic_label(meaning), STEP_TONES.get(meaning, "info")
    if meaning:
        label, tone = meaning
        return str(label), tone
    return text, "info" if text else ""


def store_status(cj_status: str, *, logistic_status: int | None = None, tracked: bool = False) -> str | None:
    """The status a paid store order moves forward to (never backwards: the caller only ever advances), or
    None to leave it as it is. The parcel's own tracking can go further than CJ's order status."""
    status = (cj_status or "").upper()
    if logistic_status == LOGISTIC_DELIVERED:
        return Order.Status.DELIVERED
    if status == CANCELLED:
        return None
    rule = CJ_STATUS_TABLE.get(status)
    target = rule.store_status if rule else None
    if logistic_status in LOGISTIC_IN_TRANSIT and tracked and target in (None, Order.Status.CONFIRMED):
        return Order.Status.SHIPPED
    return target


@dataclass(frozen=True)
class StatusRow:
    cj_status: str
    meaning: str
    store_status: str | None
    store_label: str


def status_rows() -> list[StatusRow]:
    """The table shown to the admin, read from the rules above (so it is the rule, not a copy of it)."""
    rows = [
        StatusRow(name, str(rule.meaning), rule.store_status, str(Order.Status(rule.store_status).label))
        for name, rule in CJ_STATUS_TABLE.items()
    ]
    rows.append(StatusRow(CANCELLED, str(CANCELLED_MEANING), None, str(CANCELLED_EFFECT)))
    return rows


def is_known(status: str | None) -> bool:
    """A status of CJ's list (the table above and CANCELLED); anything else is not acted on."""
    return (status or "").upper() in ALL_CJ_STATUSES


def is_forward(current: str, new: str) -> bool:
    """True when CJ status `new` is later than `current` (CANCELLED is final and only replaces non-final ones)."""
    current, new = (current or "").upper(), (new or "").upper()
    if current in FINAL_CJ_STATUSES:
        return False
    if new == CANCELLED:
        return True
    if new not in CJ_STATUS_TABLE:
        return False
    if current not in CJ_STATUS_TABLE:
        return True
    return CJ_STATUS_TABLE[new].rank > CJ_STATUS_TABLE[current].rank
