"""Read-only figures for the admin home."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from kamri.catalog.models import Product
from kamri.core.periods import Period, default_period
from kamri.orders.models import Order
from kamri.orders.selectors import paid_revenue


@dataclass(frozen=True)
class StoreOverview:
    products_total: int
    products_active: int
    products_draft: int
    products_inactive: int
    orders_by_status: dict[str, int]
    orders_total: int
    revenue_paid: Decimal  # every paid order, not cancelled, since the shop opened
    recent_period: Period  # the last 30 days, the Rapport de marge's default period
    revenue_recent: Decimal  # the same cash, over `recent_period`
    recent_orders: list[Order]


def store_overview() -> StoreOverview:
    products = Product.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(status=Product.Status.ACTIVE)),
        draft=Count("id", filter=Q(status=Product.Status.DRAFT)),
        inactive=Count("id", filter=Q(status=Product.Status.INACTIVE)),
    )
    counts = dict(Order.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    by_status = {status: counts.get(status, 0) for status in Order.Status.values}
    recent = default_period()
    since, until = recent.bounds()
    return StoreOverview(
        products_total=products["total"],
        products_active=products["active"],
        products_draft=products["draft"],
        products_inactive=products["inactive"],
        orders_by_status=by_status,
        orders_total=sum(by_status.values()),
        revenue_paid=paid_revenue(),
        recent_period=recent,
        revenue_recent=paid_revenue(since=since, until=until),
        recent_orders=list(Order.objects.order_by("-created_at")[:8]),
    )
