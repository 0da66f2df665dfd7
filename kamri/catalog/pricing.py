"""The one pricing formula of the shop: supplier cost → selling price and compare-at price. Pure, Decimal only.

price      = round_up(cost_usd × usd_rate × (1 + margin %))     never below cost
compare_at = round_up(price × multiplier)                       only when it is above the price
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum

CENT = Decimal("0.01")


class Rounding(StrEnum):
    NONE = "none"  # to the cent
    NINETY_NINE = "99"  # next x.99
    NINETY = "90"  # next x.90
    WHOLE = "whole"  # next whole unit


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
        return (self.margin / self.price * 100).quantize(Decimal("0.1")) if self.price else Decimal("0")


def round_price(value: Decimal, rounding: Rounding) -> Decimal:
    """Round *up* to the chosen ending (rounding never lowers a price)."""
    if rounding == Rounding.NONE:
        return value.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounding == Rounding.WHOLE:
        return value.quantize(Decimal("1"), rounding=ROUND_CEILING).quantize(CENT)
    ending = Decimal("0.99") if rounding == Rounding.NINETY_NINE else Decimal("0.90")
    candidate = value.quantize(Decimal("1"), rounding=ROUND_FLOOR) + ending
    if candidate < value:
        candidate += 1
    return candidate.quantize(CENT)


def price_for(cost_usd: Decimal, rule: PricingRule, usd_rate: Decimal) -> Price:
    """Selling price in the store currency for a supplier cost in USD. Never below cost."""
    if cost_usd < 0 or usd_rate <= 0:
        raise ValueError("cost must be ≥ 0 and the exchange rate > 0")
    cost = (cost_usd * usd_rate).quantize(CENT, rounding=ROUND_HALF_UP)
    raw = cost_usd * usd_rate * (1 + rule.margin_percent / 100)
    price = max(round_price(raw, rule.rounding), round_price(cost, rule.rounding))
    compare_at = None
    if rule.compare_at_multiplier is not None:
        candidate = round_price(price * rule.compare_at_multiplier, rule.rounding)
        compare_at = candidate if candidate > price else None
    return Price(cost=cost, price=price, compare_at=compare_at)
