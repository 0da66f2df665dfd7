"""The pricing formula: rounding, compare-at, exchange rate, tiny and huge costs, never below cost."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamri.catalog.pricing import PricingRule, Rounding, price_for, round_price


def test_the_guide_example():
    quote = price_for(D("3.20"), PricingRule(D("60"), Rounding.NINETY_NINE, D("1.5")), D("1.00"))
    assert quote.price == D("5.99")
    assert quote.compare_at == D("8.99")
    assert quote.cost == D("3.20")


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        ("5.12", Rounding.NINETY_NINE, "5.99"),
        ("5.99", Rounding.NINETY_NINE, "5.99"),
        ("6.00", Rounding.NINETY_NINE, "6.99"),
        ("6.995", Rounding.NINETY_NINE, "7.99"),
        ("5.12", Rounding.NINETY, "5.90"),
        ("5.91", Rounding.NINETY, "6.90"),
        ("5.90", Rounding.NINETY, "5.90"),
        ("5.01", Rounding.WHOLE, "6.00"),
        ("5.00", Rounding.WHOLE, "5.00"),
        ("5.125", Rounding.NONE, "5.13"),
        ("5.124", Rounding.NONE, "5.12"),
    ],
)
def test_rounding(value, rounding, expected):
    assert round_price(D(value), rounding) == D(expected)


def test_exchange_rate_applies_before_margin_and_rounding():
    quote = price_for(D("10.00"), PricingRule(D("50"), Rounding.NONE), D("0.92"))
    assert quote.cost == D("9.20")
    assert quote.price == D("13.80")


def test_tiny_cost():
    quote = price_for(D("0.01"), PricingRule(D("60"), Rounding.NINETY_NINE, D("1.5")), D("1"))
    assert quote.price == D("0.99")
    assert quote.compare_at == D("1.99")


def test_huge_cost():
    quote = price_for(D("250000.00"), PricingRule(D("35"), Rounding.WHOLE, D("1.2")), D("1.08"))
    assert quote.price == D("364500.00")
    assert quote.compare_at == D("437400.00")


def test_zero_margin_is_never_below_cost():
    quote = price_for(D("4.37"), PricingRule(D("0"), Rounding.NONE), D("1"))
    assert quote.price == D("4.37")


def test_compare_at_not_above_price_is_dropped():
    quote = price_for(D("3.00"), PricingRule(D("50"), Rounding.WHOLE, D("1.01")), D("1"))
    assert quote.price == D("5.00")
    assert quote.compare_at == D("6.00")  # 5.05 rounded up to the next whole
    same = price_for(D("3.00"), PricingRule(D("50"), Rounding.NONE, D("1.00")), D("1"))
    assert same.compare_at is None


def test_invalid_rules_are_refused():
    with pytest.raises(ValueError):
        PricingRule(D("-1"))
    with pytest.raises(ValueError):
        PricingRule(D("10"), compare_at_multiplier=D("0"))
    with pytest.raises(ValueError):
        price_for(D("1"), PricingRule(D("10")), D("0"))


money = st.decimals(min_value=D("0"), max_value=D("100000"), places=2, allow_nan=False, allow_infinity=False)


@given(
    cost=money,
    margin=st.decimals(min_value=D("0"), max_value=D("500"), places=1),
    rate=st.decimals(min_value=D("0.1"), max_value=D("10"), places=4),
    rounding=st.sampled_from(list(Rounding)),
)
def test_price_is_never_below_cost_and_always_in_cents(cost, margin, rate, rounding):
    quote = price_for(cost, PricingRule(margin, rounding, D("1.5")), rate)
    assert quote.price >= quote.cost
    assert quote.price == quote.price.quantize(D("0.01"))
    if quote.compare_at is not None:
        assert quote.compare_at > quote.price
