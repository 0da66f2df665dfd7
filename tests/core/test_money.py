"""The one money module: cents (half up), conversion with registered rates, price endings, margin %."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from kamri.catalog.forms import RuleFields
from kamri.catalog.pricing import PricingRule, price_for
from kamri.cj.models import CJSettings
from kamri.core import money
from kamri.core.money import Rounding


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("0.125", "0.13"), ("0.124", "0.12"), ("2.675", "2.68"), ("-0.125", "-0.13"), ("7", "7.00")],
)
def test_cents_round_half_up(amount, expected):
    result = money.cents(D(amount))
    assert result == D(expected)
    assert str(result) == expected  # always two decimals


def test_convert_multiplies_then_rounds_once():
    assert money.convert(D("10.00"), D("0.92")) == D("9.20")
    assert money.convert(D("3.333"), D("1.5")) == D("5.00")  # 4.9995 → 5.00, not 3.33 × 1.5
    assert money.convert(D("0.01"), D("0.5")) == D("0.01")  # 0.005 half up


def test_rates_registered_by_suppliers_and_the_store_currency(settings, monkeypatch):
    monkeypatch.setattr(money, "_providers", {})
    settings.KAMRI_STORE_CURRENCY = "EUR"
    assert money.rate("eur") == D("1")
    assert money.rate("USD") is None
    assert money.to_store(D("10"), "USD") is None  # no rate: never a guess
    money.register_rate("usd", lambda: D("0.90"))
    assert money.rate("USD") == D("0.90")
    assert money.to_store(D("10.005"), "usd") == D("9.00")  # 9.0045
    assert money.to_store(None, "USD") is None
    assert money.from_store(D("9.00"), "USD") == D("10.00")
    assert money.from_store(D("9.00"), "GBP") is None


def test_store_converter_reads_each_rate_once(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(money, "_providers", {})
    settings.KAMRI_STORE_CURRENCY = "EUR"
    money.register_rate("USD", lambda: calls.append(1) or D("2"))
    convert = money.StoreConverter()
    assert [convert(D(x), "USD") for x in ("1", "2.5", "0.004")] == [D("2.00"), D("5.00"), D("0.01")]
    assert len(calls) == 1


def test_each_rounding_rounds_up_to_its_ending():
    # the cases per ending are in tests/catalog/test_pricing.py; here every choice at once, from the same amounts
    whole = {rounding: money.round_price(D("12"), rounding) for rounding in Rounding}
    above = {rounding: money.round_price(D("12.905"), rounding) for rounding in Rounding}
    assert whole == {Rounding.NONE: D("12.00"), "99": D("12.99"), "90": D("12.90"), "whole": D("12.00")}
    assert above == {Rounding.NONE: D("12.91"), "99": D("12.99"), "90": D("13.90"), "whole": D("13.00")}


def test_one_rounding_for_the_settings_field_the_forms_and_the_formula():
    assert [value for value, _label in Rounding.choices] == ["none", "99", "90", "whole"]
    field = CJSettings._meta.get_field("default_rounding")
    assert list(field.choices) == list(Rounding.choices)
    assert list(RuleFields().fields["rounding"].choices) == list(Rounding.choices)
    assert PricingRule(D("10"), "90").rounding is Rounding.NINETY


def test_pricing_rule_of_form_data_and_job_parameters():
    rule = PricingRule.of({"margin_percent": "25", "rounding": "whole", "compare_at_multiplier": "1.50"})
    assert rule == PricingRule(D("25"), Rounding.WHOLE, D("1.5"))
    stored = PricingRule.of({"margin_percent": D("60"), "rounding": "", "compare_at_multiplier": None})
    assert stored == PricingRule(D("60"), Rounding.NINETY_NINE, None)


def test_margin_percent():
    assert money.margin_percent(D("10.00"), D("6.00")) == D("40")
    assert money.margin_percent(D("0"), D("6.00")) == D("0")  # a free price has no margin, not an error
    assert money.margin_percent(D("5.00"), D("6.00")) == D("-20")  # below cost: negative, as it is
    assert money.percent_shown(money.margin_percent(D("3.00"), D("1.00"))) == D("66.7")
    quote = price_for(D("10.00"), PricingRule(D("50"), Rounding.NONE), D("1"))
    assert quote.margin_percent_of_price == D("33.3")  # (15 − 10) / 15


def test_the_margin_floor_compares_unrounded_and_answers_the_margin_shown():
    assert money.margin_under_floor(D("100"), D("80.04"), D("20")) == D(
        "20.0"
    )  # 19.96 %: under, shown 20,0 %
    assert money.margin_under_floor(D("100"), D("80.00"), D("20")) is None  # exactly the floor
    assert money.margin_under_floor(D("0"), D("5"), D("20")) == D("0.0")  # no price: no margin
