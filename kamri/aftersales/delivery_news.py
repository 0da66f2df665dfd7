"""Delivery news for the customer: out for delivery, delivered, and "pas de nouvelles du transporteur depuis
N jours" (KAMRI_NO_CARRIER_NEWS_DAYS), each at most once per parcel, in the order's language.

The parcel steps arrive in the order's timeline ("parcel" events written by the supplier app, with CJ's
LOGISTIC status: 10 out for delivery, 12 delivered); the order reaching DELIVERED counts as delivered too.
The shipping e-mail itself stays kamri.orders.notifications.send_shipping_email.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from kamri.aftersales import emails
from kamri.aftersales.models import CustomerRequest
from kamri.core import queue
from kamri.orders.models import Order, OrderEvent
from kamri.orders.tracking import tracking_for

OUT_FOR_DELIVERY, DELIVERED = 10, 12
NEWS = {OUT_FOR_DELIVERY: "out_for_delivery", DELIVERED: "delivered"}


def event_type(kind: str, parcel: str) -> str:
    return f"email_{kind}_{parcel}"[:40]


def deliver_email(
    order_id: int,
    kind: str,
    event_type: str,
    *,
    request_id: int | None = None,
    reply: str = "",
    by: str = "",
    parcels: list[str] | None = None,
) -> bool:
    request = CustomerRequest.objects.filter(pk=request_id, order_id=order_id).first() if request_id else None
    extra: dict = {"parcels": parcels or []}
    if request is not None:
        extra["request"] = request
    if reply:
        extra.update(reply=reply, by=by)
    if kind == "no_news":
        extra["days"] = settings.KAMRI_NO_CARRIER_NEWS_DAYS
    return emails.send(order_id, kind, event_type, **extra)


def _queue(order_id: int, kind: str, parcel: str) -> None:
    queue.job("send_aftersales_email")(order_id, kind, event_type(kind, parcel), parcels=[parcel])


def _parcels_of(event: OrderEvent) -> list[str]:
    number = str((event.data or {}).get("number") or "")
    if number:
        return [number]
    return [p["number"] for p in tracking_for(event.order)]


def on_timeline(event: OrderEvent) -> None:
    """A new timeline line: a parcel step or the order delivered may call for a delivery news e-mail."""
    if event.type == "parcel":
        kind = NEWS.get((event.data or {}).get("status"))
    elif event.type == "status" and (event.data or {}).get("status") == Order.Status.DELIVERED:
        kind = "delivered"
    else:
        return
    if kind is None:
        return
    sent = set(event.order.events.filter(type__startswith=f"email_{kind}_").values_list("type", flat=True))
    for parcel in _parcels_of(event):
        if event_type(kind, parcel) not in sent:
            transaction.on_commit(lambda p=parcel: _queue(event.order_id, kind, p))


def silent_parcels(now=None) -> list[tuple[int, str]]:
    """(order id, parcel number) of shipped, undelivered parcels without carrier news for N days, not yet told."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KAMRI_NO_CARRIER_NEWS_DAYS)
    orders = (
        Order.objects.filter(status=Order.Status.SHIPPED)
        .annotate(last_news=Max("events__created_at", filter=_news_filter()))
        .filter(last_news__lt=cutoff)
    )
    out = []
    for order in orders[:500]:
        sent = set(order.events.filter(type__startswith="email_no_news_").values_list("type", flat=True))
        for parcel in tracking_for(order):
            if event_type("no_news", parcel["number"]) not in sent:
                out.append((order.pk, parcel["number"]))
    return out


def _news_filter() -> Q:
    return Q(events__type="parcel") | Q(events__type="status", events__data__status=Order.Status.SHIPPED)


def send_no_news() -> int:
    count = 0
    for order_id, parcel in silent_parcels():
        count += int(deliver_email(order_id, "no_news", event_type("no_news", parcel), parcels=[parcel]))
    return count


def carrier_history(order: Order) -> list[OrderEvent]:
    """Every carrier step of the order, newest first (the customer's page shows them all)."""
    return list(order.events.filter(type="parcel").order_by("-created_at", "-id"))
