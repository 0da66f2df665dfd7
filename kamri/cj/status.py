"""The one CJ → KAMRI order status table (ranked), so no status ever moves backwards; and CJ's parcel tracking
statuses in French (LOGISTIC step codes and the English texts CJ gives for them).

Guide: CREATED → PENDING, PAID → CONFIRMED, SHIPPED, DELIVERED, CANCELLED. CJ's real list adds IN_CART,
UNPAID (before payment) and UNSHIPPED (paid, waiting to ship).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kamri.orders.models import Order

# CJ status → (rank among CJ statuses, KAMRI status)
CJ_STATUS_TABLE: dict[str, tuple[int, str]] = {
    "CREATED": (0, Order.Status.PENDING),
    "IN_CART": (1, Order.Status.PENDING),
    "UNPAID": (2, Order.Status.PENDING),
    "PAID": (3, Order.Status.CONFIRMED),
    "UNSHIPPED": (3, Order.Status.CONFIRMED),
    "SHIPPED": (4, Order.Status.SHIPPED),
    "DELIVERED": (5, Order.Status.DELIVERED),
}
CANCELLED = "CANCELLED"
FINAL_CJ_STATUSES = frozenset({"DELIVERED", CANCELLED})

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


def kamri_status(cj_status: str) -> str | None:
    """KAMRI's status for a CJ status (None for unknown values, which change nothing)."""
    status = (cj_status or "").upper()
    if status == CANCELLED:
        return Order.Status.CANCELLED
    entry = CJ_STATUS_TABLE.get(status)
    return entry[1] if entry else None


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
    return CJ_STATUS_TABLE[new][0] > CJ_STATUS_TABLE[current][0]
