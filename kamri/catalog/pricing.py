"""The one pricing formula of the shop: supplier cost → selling price and compare-at price. Decimal only; cents,
conversion, price endings and margins come from kamri.core.money.

price      = round_up(cost_usd × usd_rate × (1 + margin %))     never below cost
compare_at = round_up(price × multiplier)                       only when it is above the price
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kamri.core.money import Rounding, convert, margin_percent, percent_shown, round_price


@dataclass(frozen=True)
class PricingRule:
    margin_percent: Decimal
    rounding: Rounding = Rounding.NINETY_NINE
    compare_at_multiplier: Decimal | None = None

    def __post_init__(self) -> None:
        # Accept ints and strings from forms and settings, never floats: Decimal in, Decimal out.
        object.__setattr__(self, "margin_percent", Decimal(str(self.margin_percent)))
        object.__setattr__(self, "rounding", Rounding(self.rounding))
        if self.compare_at_multiplier is not None:
            object.__setattr__(self, "compare_at_multiplier", Decimal(str(self.compare_at_multiplier)))
        if self.margin_percent < 0:
            raise ValueError("margin_percent must be ≥ 0")
        if self.compare_at_multiplier is not None and self.compare_at_multiplier <= 0:
            raise ValueError("compare_at_multiplier must be > 0")

    @classmethod
    def of(cls, values: Mapping) -> PricingRule:
        """The rule a form's cleaned data (or a job's stored parameters) holds under the fields' names:
        margin_percent, rounding (x,99 when left empty), compare_at_multiplier (none when empty)."""
        return cls(
            margin_percent=values["margin_percent"],
            rounding=values.get("rounding") or Rounding.NINETY_NINE,
            compare_at_multiplier=values.get("compare_at_multiplier") or None,
        )


@dataclass(frozen=True)
class Price:
    cost: Decimal  # in the store currency
    price: Decimal
    compare_at: Decimal | None

    @property
    def margin(self) -> Decimal:
        return self.price - self.cost

    @property
    def margin_percent_of_price(self) -> Decimal:
        return percent_shown(margin_percent(self.price, self.cost)) if self.price else Decimal("0")


def price_for(cost_usd: Decimal, rule: PricingRule, usd_rate: Decimal) -> Price:
    """Selling price in the store currency for a supplier cost in USD. Never below cost."""
    if cost_usd < 0 or usd_rate <= 0:
        raise ValueError("cost must be ≥ 0 and the exchange rate > 0")
    cost = convert(cost_usd, usd_rate)
    raw = cost_usd * usd_rate * (1 + rule.margin_percent / 100)
    price = max(round_price(raw, rule.rounding), round_price(cost, rule.rounding))
    compare_at = None
    if rule.compare_at_multiplier is not None:
        candidate = round_price(price * rule.compare_at_multiplier, rule.rounding)
        compare_at = candidate if candidate > price else None
    return Price(cost=cost, price=price, compare_at=compare_at)
