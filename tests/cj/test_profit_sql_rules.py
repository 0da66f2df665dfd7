"""The Rapport de marge computes fees, VAT and shares in SQL (whole cents, half up): the same results as the
Python rules the checkout uses (kamri.orders.fees.estimated_fee, kamri.orders.vat.included_vat), cent for
cent, on the edge cases (exact half cents) and on a broad sample."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection

from kamri.core.money import share_sql
from kamri.orders.fees import estimated_fee, estimated_fee_cents_sql
from kamri.orders.vat import DEFAULT_RATES, included_vat, included_vat_cents_sql

pytestmark = pytest.mark.django_db

CENT = Decimal("0.01")


def evaluate(expression: str, rows: list[tuple[int, ...]]) -> list[int]:
    """The SQL expression over columns v1, v2… of each row, in the rows' order."""
    width = len(rows[0]) + 1  # column1: the row's position
    names = ", ".join(f"column{i + 1} AS v{i}" for i in range(width))
    values = ", ".join("(" + ", ".join(["%s"] * width) + ")" for _ in rows)
    numbered = f"SELECT {names} FROM (VALUES {values}) AS t"  # noqa: S608 (placeholders only)
    params = [v for position, row in enumerate(rows) for v in (position, *row)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {expression} FROM ({numbered}) AS r ORDER BY v0", params)  # noqa: S608
        return [int(value) for (value,) in cursor.fetchall()]


def cents(amount: Decimal) -> int:
    return int(amount * 100)


def amounts() -> list[int]:
    generator = random.Random(18)
    return [0, 1, 2, 3, 5, 50, 99, 100, 101, 4550, 999_999] + [
        generator.randint(0, 2_000_000) for _ in range(300)
    ]


@pytest.mark.parametrize("rate", sorted({Decimal("0"), Decimal("5.5"), *DEFAULT_RATES.values()}))
def test_included_vat_in_sql_is_the_python_rule(rate):
    values = amounts()
    found = evaluate(included_vat_cents_sql("v1", "v2"), [(amount, cents(rate)) for amount in values])
    expected = [cents(included_vat(Decimal(amount) / 100, rate)) for amount in values]
    assert found == expected


@pytest.mark.parametrize(
    ("percent", "fixed"),
    [("1.5", "0.25"), ("2.9", "0.30"), ("0", "0"), ("1.25", "0.1"), ("3.333", "0"), ("1.4", "0.255")],
)
def test_estimated_fee_in_sql_is_the_python_rule(settings, percent, fixed):
    settings.KAMRI_PAYMENT_FEE_PERCENT, settings.KAMRI_PAYMENT_FEE_FIXED = Decimal(percent), Decimal(fixed)
    values = amounts()
    found = evaluate(estimated_fee_cents_sql("v1"), [(amount,) for amount in values])
    assert found == [cents(estimated_fee(Decimal(amount) / 100)) for amount in values]


def test_share_rounds_half_up_like_decimal():
    generator = random.Random(5)
    cases = [(1, 1, 2), (3, 1, 2), (5, 1, 10), (0, 0, 0), (7, 7, 7), (758, 1800, 3000)] + [
        (generator.randint(0, 5000), part, whole)
        for whole in (generator.randint(1, 100_000) for _ in range(300))
        for part in [generator.randint(0, whole)]
    ]
    found = evaluate(share_sql("v1", "v2", "v3"), cases)
    expected = []
    for amount, part, whole in cases:
        if not whole or part == whole:
            expected.append(amount)
        else:
            value = Decimal(amount) / 100 * (Decimal(part) / 100) / (Decimal(whole) / 100)
            expected.append(cents(value.quantize(CENT, rounding=ROUND_HALF_UP)))
    assert found == expected
