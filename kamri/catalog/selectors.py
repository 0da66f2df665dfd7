"""Read queries of the catalogue: the admin list and its filters."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, QuerySet, Sum

from kamri.catalog.models import Product


def admin_product_list(
    *, query: str = "", status: str = "", source: str = "", category_id: str = ""
) -> QuerySet:
    products = (
        Product.objects.select_related("category")
        .annotate(
            variant_count=Count("variants"),
            stock_total=Sum("variants__stock"),
            price_min=Min("variants__price"),
            price_max=Max("variants__price"),
            cost_max=Max("variants__cost"),
            cost_currency=Max("variants__cost_currency"),
        )
        .order_by("-created_at", "-id")
    )
    if query:
        products = products.filter(Q(title__icontains=query) | Q(variants__sku__icontains=query)).distinct()
    if status in Product.Status.values:
        products = products.filter(status=status)
    if source in Product.Source.values:
        products = products.filter(source=source)
    if category_id.isdigit() and len(category_id) < 19:  # a database id fits in 64 bits
        products = products.filter(category_id=int(category_id))
    return products
