"""What customers can see: active products with at least one active variant."""

from __future__ import annotations

from django.db.models import Exists, Min, OuterRef, Q, QuerySet, Sum

from kamri.catalog.models import Category, Product, Variant


def visible_products(*, query: str = "", category: Category | None = None) -> QuerySet:
    active_variant = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    products = (
        Product.objects.filter(status=Product.Status.ACTIVE)
        .filter(Exists(active_variant))
        .annotate(
            price_from=Min("variants__price", filter=Q(variants__is_active=True)),
            stock_total=Sum("variants__stock", filter=Q(variants__is_active=True)),
        )
        .select_related("category")
        .order_by("-created_at", "-id")
    )
    if query:
        products = products.filter(Q(title__icontains=query) | Q(description__icontains=query))
    if category is not None:
        products = products.filter(Q(category=category) | Q(category__parent=category))
    return products


def storefront_categories() -> QuerySet:
    return Category.objects.filter(parent__isnull=True).order_by("position", "name")
