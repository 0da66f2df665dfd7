"""The supplier's after-sales deadlines, one place for KAMRI (the customer's form and the CJ dispute both ask).

CJ's refund, resend and returns policy (shared/ANCHORS.md, CJ transaction policy; Zendrop states the same):
an order is late ("en retard") 45 days after shipping to the US, 110 to Brazil, 60 elsewhere; a parcel that
tracking shows delivered is never refunded as "not received"; damage, wrong or missing items are reported within
30 days of delivery, with photos. The sandbox (cjsandbox/disputes.py) enforces the same numbers as CJ would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kamri.orders.models import Order, OrderEvent

LATE_DAYS = {"US": 45, "BR": 110}
LATE_DAYS_ELSEWHERE = 60
DAMAGE_WINDOW_DAYS = 30
#: A deadline this close (days) shows on the Problèmes panel.
APPROACHING_DAYS = 7

NOT_RECEIVED = "not_received"
AFTER_DELIVERY = ("damaged", "wrong_item", "missing_item", "return")


def late_days(country: str) -> int:
    return LATE_DAYS.get((country or "").upper(), LATE_DAYS_ELSEWHERE)


def _status_time(order: Order, status: str) -> datetime | None:
    event = (
        order.events.filter(type=OrderEvent.Type.STATUS, data__status=status).order_by("created_at").first()
    )
    return event.created_at if event else None


@dataclass(frozen=True)
class Deadlines:
    shipped_at: datetime | None
    delivered_at: datetime | None
    late_days: int
    late_from: date | None  # the day the parcel counts as late for the supplier
    damage_until: date | None  # the last day to report damage, a wrong or a missing item

    @property
    def is_late(self) -> bool:
        return bool(self.late_from and not self.delivered_at and timezone.localdate() >= self.late_from)


def _from_times(country: str, shipped: datetime | None, delivered: datetime | None) -> Deadlines:
    days = late_days(country)
    local = timezone.localtime
    return Deadlines(
        shipped_at=shipped,
        delivered_at=delivered,
        late_days=days,
        late_from=(local(shipped) + timedelta(days=days)).date() if shipped else None,
        damage_until=(local(delivered) + timedelta(days=DAMAGE_WINDOW_DAYS)).date() if delivered else None,
    )


def deadlines(order: Order) -> Deadlines:
    return _from_times(
        order.country, _status_time(order, Order.Status.SHIPPED), _status_time(order, Order.Status.DELIVERED)
    )


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def refusal(order: Order, kind: str, *, today: date | None = None) -> str | None:
    """Why the supplier would refuse this request now (a French sentence that says when it becomes possible),
    or None when it would accept it."""
    today = today or timezone.localdate()
    if not order.is_paid or order.status == Order.Status.CANCELLED:
        return _("Cette commande n'est pas payée ou a été annulée : aucune réclamation n'est possible.")
    d = deadlines(order)
    if kind == NOT_RECEIVED:
        if d.delivered_at or order.status == Order.Status.DELIVERED:
            return _(
                "Le suivi indique que le colis a été livré : il ne peut plus être déclaré non reçu. S'il manque un "
                "article ou s'il est abîmé, choisissez ce motif."
            )
        if not d.shipped_at:
            return _(
                "Votre commande n'est pas encore expédiée : le numéro de suivi vous sera envoyé par e-mail."
            )
        if today < d.late_from:
            return _(
                "Votre colis est encore dans les délais du transporteur (%(days)s jours après l'expédition) : s'il "
                "n'est toujours pas arrivé, vous pourrez le signaler à partir du %(date)s."
            ) % {"days": d.late_days, "date": _day(d.late_from)}
        return None
    if kind in AFTER_DELIVERY:
        if not d.delivered_at:
            return _(
                "Ce motif concerne un colis livré : attendez la livraison ou choisissez « Colis non reçu »."
            )
        if today > d.damage_until:
            return _(
                "Le délai de %(days)s jours après la livraison est passé depuis le %(date)s : cette réclamation ne "
                "peut plus être acceptée."
            ) % {"days": DAMAGE_WINDOW_DAYS, "date": _day(d.damage_until)}
        return None
    return _("Motif inconnu.")


def _first_status(status: str) -> Min:
    return Min(
        "events__created_at", filter=Q(events__type=OrderEvent.Type.STATUS, events__data__status=status)
    )


def approaching(
    today: date | None = None, *, within: int = APPROACHING_DAYS
) -> list[tuple[Order, str, date]]:
    """Shipped orders whose late day or damage window falls within `within` days: (order, which, day), soonest
    first. Two aggregate queries' worth of work, whatever the number of orders."""
    today = today or timezone.localdate()
    oldest = timezone.now() - timedelta(days=max(LATE_DAYS.values()) + within + 1)
    delivered_since = timezone.now() - timedelta(days=DAMAGE_WINDOW_DAYS + within + 1)
    # Only orders with a status change inside the windows can qualify: found from the events' date index, so
    # the aggregate below reads a few orders, not every shipped order of the shop's history.
    recent = OrderEvent.objects.filter(
        type=OrderEvent.Type.STATUS, created_at__gte=min(oldest, delivered_since)
    )
    candidates = (
        Order.objects.filter(pk__in=recent.values("order_id"))
        .filter(status__in=[Order.Status.SHIPPED, Order.Status.DELIVERED])
        .exclude(paid_at=None)
        .annotate(
            shipped_at=_first_status(Order.Status.SHIPPED), delivered_at=_first_status(Order.Status.DELIVERED)
        )
        .filter(Q(shipped_at__gte=oldest) | Q(delivered_at__gte=delivered_since))
    )
    out: list[tuple[Order, str, date]] = []
    for order in candidates:
        d = _from_times(order.country, order.shipped_at, order.delivered_at)
        if not d.delivered_at and d.late_from and 0 <= (d.late_from - today).days <= within:
            out.append((order, "late", d.late_from))
        if d.damage_until and 0 <= (d.damage_until - today).days <= within:
            out.append((order, "damage", d.damage_until))
    return sorted(out, key=lambda item: item[2])
