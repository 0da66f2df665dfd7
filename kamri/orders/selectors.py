"""Read queries of orders: the admin list and its filters, and the shop's cash."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from kamri.orders import refunds
from kamri.orders.models import Hold, Order, OrderLine, Refund


def admin_order_list(*, query: str = "", status: str = "", country: str = "", paid: str = "") -> QuerySet:
    # "Articles" is what the customer bought: the sum of the quantities, not the number of lines. A subquery,
    # not a join + GROUP BY: it runs for the page's rows only, and the paginator's COUNT leaves it out.
    items = (
        OrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Sum("quantity"))
        .values("n")
    )
    orders = Order.objects.annotate(
        item_count=Coalesce(Subquery(items, output_field=IntegerField()), 0)
    ).order_by("-created_at", "-id")
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


def order_countries() -> list[str]:
    """The countries orders were placed to, sorted: the list's filter. One index seek per country (a recursive
    "next country after this one"), where DISTINCT read every order."""
    table, column = connection.ops.quote_name(Order._meta.db_table), connection.ops.quote_name("country")
    sql = (
        f"WITH RECURSIVE c(v) AS (SELECT MIN({column}) FROM {table} "  # noqa: S608 (names, no user input)
        f"UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > c.v) FROM c WHERE c.v IS NOT NULL) "
        "SELECT v FROM c WHERE v IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def paid_filter(*, since: datetime | None = None, until: datetime | None = None) -> Q:
    """The orders that make the "chiffre d'affaires encaissé": paid (at `since` or later, before `until`),
    not cancelled, whatever they contain (the shop's own products, CJ products, or both).

    The one definition of the shop's cash: the Tableau de bord sums it (as a filtered aggregate, several sums in
    one pass over the orders), the Rapport de marge splits it.
    """
    paid = Q(paid_at__isnull=False) & ~Q(status=Order.Status.CANCELLED)
    if since is not None:
        paid &= Q(paid_at__gte=since)
    if until is not None:
        paid &= Q(paid_at__lt=until)
    return paid


def paid_orders(*, since: datetime | None = None, until: datetime | None = None) -> QuerySet:
    """The orders of `paid_filter`."""
    return Order.objects.filter(paid_filter(since=since, until=until))


def paid_revenue(*, since: datetime | None = None, until: datetime | None = None) -> Decimal:
    """Sum of the totals of `paid_orders` (0 when there is none)."""
    total = paid_orders(since=since, until=until).aggregate(total=Sum("total"))["total"]
    return total if total is not None else Decimal("0")


def order_money(order: Order) -> dict:
    """What the store order page shows of payments, refunds and holds, and which actions apply."""
    left = refunds.refundable(order)
    done = refunds.refunded_quantities(order)
    can_cancel = order.status not in (Order.Status.CANCELLED, Order.Status.SHIPPED, Order.Status.DELIVERED)
    return {
        "payments": list(order.payments.all()),
        "refunds": list(order.refunds.all()),
        "refunded_total": refunds.refunded_total(order),
        "refundable": left,
        "holds": list(Hold.objects.filter(order=order)),
        "open_holds": [hold for hold in Hold.objects.filter(order=order, released_at__isnull=True)],
        "can_cancel": can_cancel,
        "cancel_refusals": refunds.unstoppable_supplier(order)
        if can_cancel
        else [],  # asked only when offered
        "can_refund": left > 0 and refunds.refundable_payment(order) is not None,
        "line_left": {line.pk: line.quantity - done.get(line.pk, 0) for line in order.lines.all()},
    }


def refunds_between(since, until) -> tuple[int, Decimal]:
    """Refunds given back in a period (by the day they were made): how many orders, how much."""
    found = Refund.objects.filter(
        status=Refund.Status.SUCCEEDED, created_at__gte=since, created_at__lt=until
    ).aggregate(orders=Count("order", distinct=True), total=Sum("amount"))
    return found["orders"] or 0, found["total"] or Decimal("0")
