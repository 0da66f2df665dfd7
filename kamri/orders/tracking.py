"""Parcel tracking of an order, as the customer sees it.

`tracking_for` is the hook a supplier app fills: orders know nothing of CJ, but when the CJ app is
installed its supplier orders hang off `order.cj_orders` (related name), each with `track_number`,
`tracking_url` and `logistic_name`. Any other supplier app can offer the same attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from kamri.orders.models import Order


class Parcel(TypedDict):
    number: str
    url: str
    carrier: str


def _rows(related) -> Iterable:
    if related is None:
        return []
    if hasattr(related, "all"):  # a related manager
        return related.all()
    return related


def tracking_for(order: Order) -> list[Parcel]:
    """Every known parcel of the order (number, tracking URL, carrier); [] while nothing is shipped."""
    parcels: list[Parcel] = []
    seen: set[str] = set()
    for row in _rows(getattr(order, "cj_orders", None)):
        number = (getattr(row, "track_number", "") or "").strip()
        if not number or number in seen:
            continue
        seen.add(number)
        parcels.append(
            {
                "number": number,
                "url": getattr(row, "tracking_url", "") or "",
                "carrier": getattr(row, "logistic_name", "") or "",
            }
        )
    return parcels
