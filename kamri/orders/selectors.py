"""Read queries of orders: the admin list and its filters."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kamri.orders.models import Order


def admin_order_list(*, query: str = "", status: str = "", country: str = "", paid: str = "") -> QuerySet:
    orders = Order.objects.annotate(line_count=Count("lines")).order_by("-created_at", "-id")
    if query:
        orders = orders.filter(
            Q(number__icontains=query) | Q(customer_name__icontains=query) | Q(email__icontains=query)
        )
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if len(country) == 2:
        orders = orders.filter(country=country.upper())
    if paid == "yes":
        orders = orders.filter(paid_at__isnull=False)
    elif paid == "no":
        orders = orders.filter(paid_at__isnull=True)
    return orders
