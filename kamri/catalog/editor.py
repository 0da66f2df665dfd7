"""Saving KAMRI's product editor: texts in both languages (sanitized), images, option names, prices, status.

Prices: a variant with a typed price keeps it (`price_fixed`: no rule, import or CJ cost change moves it);
a variant left blank follows the product's pricing rule, computed by kamri.catalog.pricing as everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from kamri.catalog import rules
from kamri.catalog.models import Category, Product, ProductImage, Variant
from kamri.catalog.pricing import PricingRule
from kamri.catalog.texts import mark_texts_edited, stored_description

TEXT_FIELDS = ("title", "title_en", "seo_title", "seo_description", "seo_title_en", "seo_description_en")


@dataclass
class ProductChanges:
    texts: dict[str, str]
    status: str
    category: Category | None
    images: list[str]
    option_labels: dict
    rule: PricingRule | None
    prices: dict[int, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class SaveOutcome:
    repriced: int  # variants whose price the rule changed


def save_product(product: Product, changes: ProductChanges) -> SaveOutcome:
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        for name in TEXT_FIELDS:
            setattr(product, name, changes.texts.get(name, ""))
        product.description = stored_description(changes.texts.get("description", ""))
        product.description_en = stored_description(changes.texts.get("description_en", ""))
        product.status, product.category = changes.status, changes.category
        product.option_labels = changes.option_labels
        product.image_url = changes.images[0] if changes.images else ""
        mark_texts_edited(product)
        product.save()
        product.images.all().delete()
        ProductImage.objects.bulk_create(
            ProductImage(product=product, url=url, position=index)
            for index, url in enumerate(changes.images[1:], 1)
        )
        variants = list(Variant.objects.select_for_update().filter(product=product))
        for variant in variants:
            price, compare = changes.prices.get(variant.pk, (None, None))
            if price is not None:
                variant.price, variant.compare_at_price, variant.price_fixed = price, compare, True
                variant.save(update_fields=["price", "compare_at_price", "price_fixed"])
            elif changes.rule is not None and variant.price_fixed:  # price emptied: back to the rule
                variant.price_fixed = False
                variant.save(update_fields=["price_fixed"])
        repriced = 0
        if changes.rule is not None:  # stores the rule, then reprices every variant it prices
            _taken, repriced = rules.apply_rule([product], changes.rule)
    return SaveOutcome(repriced=repriced)
