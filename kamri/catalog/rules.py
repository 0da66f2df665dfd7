"""Pricing rules of supplier products, and repricing with them: the catalogue's side of a port.

The rule of an imported product is stored by its supplier's app (CJ keeps it on its product link, where the
syncs read it); that app registers a `RuleStore` here, so the catalogue edits rules without knowing CJ. The
price itself always comes from `kamri.catalog.pricing.price_for`, the shop's one formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kamri.catalog.models import Product, Variant
from kamri.catalog.pricing import Price, PricingRule, price_for
from kamri.core import money


class RuleStore(Protocol):
    def rules(self, product_ids: Iterable[int]) -> dict[int, PricingRule]:
        """The rule of each product that has one (a supplier product)."""

    def save_rule(self, product_ids: Iterable[int], rule: PricingRule) -> list[int]:
        """Store `rule` for the products that can have one; returns their ids."""


class _NoRules:
    def rules(self, product_ids: Iterable[int]) -> dict[int, PricingRule]:
        return {}

    def save_rule(self, product_ids: Iterable[int], rule: PricingRule) -> list[int]:
        return []


_store: RuleStore = _NoRules()


def register_rule_store(store: RuleStore) -> None:
    global _store
    _store = store


def rules_of(product_ids: Iterable[int]) -> dict[int, PricingRule]:
    return _store.rules(list(product_ids))


def rule_of(product: Product) -> PricingRule | None:
    return rules_of([product.pk]).get(product.pk)


def quote(variant: Variant, rule: PricingRule) -> Price | None:
    """What the rule gives for this variant's supplier cost, or None without a cost or an exchange rate."""
    if variant.cost is None:
        return None
    rate = money.rate(variant.cost_currency or "")
    if not rate:
        return None
    return price_for(variant.cost, rule, rate)


def reprice(variants: Iterable[Variant], rule: PricingRule) -> int:
    """Apply the rule to each variant whose price is not fixed by the shop; returns how many changed."""
    changed = 0
    for variant in variants:
        if variant.price_fixed:
            continue
        price = quote(variant, rule)
        if price is None or (price.price, price.compare_at) == (variant.price, variant.compare_at_price):
            continue
        variant.price, variant.compare_at_price = price.price, price.compare_at
        variant.save(update_fields=["price", "compare_at_price"])
        changed += 1
    return changed


def apply_rule(products: Iterable[Product], rule: PricingRule) -> tuple[list[Product], int]:
    """Give these products `rule` and reprice them now. Returns the products that took it (the shop's own
    products have no supplier rule) and how many variant prices changed."""
    by_id = {product.pk: product for product in products}
    taken = _store.save_rule(list(by_id), rule)
    variants = Variant.objects.filter(product_id__in=taken).select_related(None)
    return [by_id[pk] for pk in taken if pk in by_id], reprice(variants, rule)
