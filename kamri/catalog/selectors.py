"""Read queries of the catalogue: the admin list and its filters."""

from __future__ import annotations

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from kamri.catalog.models import Category, Product, Variant
from kamri.core.money import StoreConverter


def admin_product_list(
    *, query: str = "", status: str = "", source: str = "", category_id: str = ""
) -> QuerySet:
    # Per-product figures as subqueries, not a join + GROUP BY over every variant: they run for the page's
    # rows only (the list walks the created_at index), and the paginator's COUNT leaves them out.
    variants = Variant.objects.filter(product=OuterRef("pk")).order_by().values("product")

    def of_variants(aggregate):
        return Subquery(variants.annotate(figure=aggregate).values("figure"))

    products = (
        Product.objects.select_related("category")
        .annotate(
            variant_count=Coalesce(of_variants(Count("id")), 0),
            stock_total=of_variants(Sum("stock")),
            price_min=of_variants(Min("price")),
            price_max=of_variants(Max("price")),
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


def categories_in_tree_order() -> list[Category]:
    """Every category, depth first (a parent, then its children by position and name), each with `path`
    ("Maison › Cuisine") and `depth` set — one query, for every category select."""
    categories = list(Category.objects.order_by("position", "name", "id"))
    by_parent: dict[int | None, list[Category]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    known = {category.pk for category in categories}
    ordered: list[Category] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, names: list[str]) -> None:
        for category in by_parent.get(parent_id, []):
            if category.pk in seen:  # a cycle saved by hand in the raw admin
                continue
            seen.add(category.pk)
            category.path = " › ".join([*names, category.name])
            category.depth = len(names)
            ordered.append(category)
            walk(category.pk, [*names, category.name])

    walk(None, [])
    for category in categories:  # orphans of a cycle still appear, at the top level
        if category.pk not in seen and category.parent_id in known:
            seen.add(category.pk)
            category.path, category.depth = category.name, 0
            ordered.append(category)
    return ordered


class CategoryTreeChoices(ModelChoiceIterator):
    """Choices of a category ModelChoiceField in tree order with full paths (set by `in_tree_order(field)`)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for category in categories_in_tree_order():
            yield (ModelChoiceIteratorValue(category.pk, category), category.path)


def in_tree_order(field) -> None:
    """A category select in tree order with full paths. The widget keeps the choices it was given when the field
    got its queryset, so it is given them again (setting `field.iterator` alone left the select in id order)."""
    field.iterator = CategoryTreeChoices
    field.widget.choices = field.choices


def attach_variant_figures(products: list[Product]) -> None:
    """Cost and margin of each listed product, per variant, in the store's currency (one query for the page):
    `cost_min/cost_max` (None when a cost has no known rate), `margin_min/margin_max` over the variants that
    have both a price and a convertible cost — a range of figures some variant really has."""
    by_product: dict[int, list[Variant]] = {}
    rows = Variant.objects.filter(product__in=[product.pk for product in products]).only(
        "product_id", "price", "cost", "cost_currency"
    )
    for variant in rows:
        by_product.setdefault(variant.product_id, []).append(variant)
    to_store = StoreConverter()
    for product in products:
        costs, margins = [], []
        for variant in by_product.get(product.pk, []):
            cost = to_store(variant.cost, variant.cost_currency or "")
            if cost is None:
                continue
            costs.append(cost)
            if variant.price is not None:
                margins.append(variant.price - cost)
        product.cost_min, product.cost_max = (min(costs), max(costs)) if costs else (None, None)
        product.margin_min, product.margin_max = (min(margins), max(margins)) if margins else (None, None)
