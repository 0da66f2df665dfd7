"""The CJ side of the catalogue's rule port (kamri.catalog.rules): an imported product's pricing rule lives on
its CJ link, where the stock and price syncs read it (importing.rule_of)."""

from __future__ import annotations

from collections.abc import Iterable

from kamri.catalog.pricing import PricingRule
from kamri.cj.catalog.importing import rule_of
from kamri.cj.models import CJProductLink


class CJRuleStore:
    def rules(self, product_ids: Iterable[int]) -> dict[int, PricingRule]:
        links = CJProductLink.objects.filter(product_id__in=list(product_ids)).only(
            "product_id", "margin_percent", "rounding", "compare_at_multiplier"
        )
        return {link.product_id: rule_of(link) for link in links}

    def save_rule(self, product_ids: Iterable[int], rule: PricingRule) -> list[int]:
        links = CJProductLink.objects.filter(product_id__in=list(product_ids))
        taken = list(links.values_list("product_id", flat=True))
        links.update(
            margin_percent=rule.margin_percent,
            rounding=rule.rounding.value,
            compare_at_multiplier=rule.compare_at_multiplier,
        )
        return taken
