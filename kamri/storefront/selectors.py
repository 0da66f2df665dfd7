"""What customers can see: active products with at least one active variant."""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.utils.translation import gettext, ngettext

from kamri.catalog.models import Category, Product, active_variant, has_stock


def visible_products(*, query: str = "", category: Category | None = None) -> QuerySet:
    products = (
        Product.objects.on_sale()
        .annotate(
            price_from=Min("variants__price", filter=active_variant("variants__")),
            price_to=Max("variants__price", filter=active_variant("variants__")),
            stock_total=Sum("variants__stock", filter=active_variant("variants__")),
        )
        .select_related("category")
        .order_by("-created_at", "-id")
    )
    if query:
        products = products.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(title_en__icontains=query)
            | Q(description_en__icontains=query)
        )
    if category is not None:
        products = products.filter(Q(category=category) | Q(category__parent=category))
    return products


def storefront_categories() -> list[Category]:
    """Top-level categories that have something to sell (in themselves or a child), each with `product_count`:
    the products a customer would see there — an inactive product or one without an active variant is none."""
    rows = (
        Product.objects.on_sale()
        .values("category_id", "category__parent_id")
        .order_by()
        .annotate(n=Count("pk"))
    )
    counts: dict[int, int] = {}
    for row in rows:
        top = row["category__parent_id"] or row["category_id"]
        if top is not None:
            counts[top] = counts.get(top, 0) + row["n"]
    categories = list(
        Category.objects.filter(parent__isnull=True, pk__in=counts).order_by("position", "name")
    )
    for category in categories:
        category.product_count = counts[category.pk]
    return categories


LOW_STOCK = 5  # at or below, the customer reads "Plus que N", above it only "En stock"


def is_low_stock(stock: int) -> bool:
    return has_stock(stock) and stock <= LOW_STOCK


def availability(stock: int) -> str:
    """What a customer reads about a variant's stock (product page, cart): never the supplier's exact figure."""
    if not has_stock(stock):
        return gettext("Épuisé")
    if is_low_stock(stock):
        return ngettext("Plus que %(n)s en stock", "Plus que %(n)s en stock", stock) % {"n": stock}
    return gettext("En stock")
