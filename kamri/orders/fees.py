"""A payment's fee: the provider's own figure when it gave one, else the configured estimate."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from kamri.core.money import bigint_sql, cents, half_up_sql


def estimated_fee(amount: Decimal) -> Decimal:
    """KAMRI_PAYMENT_FEE_PERCENT of the amount + KAMRI_PAYMENT_FEE_FIXED (0 for nothing paid)."""
    if amount <= 0:
        return Decimal("0.00")
    fee = amount * settings.KAMRI_PAYMENT_FEE_PERCENT / Decimal("100") + settings.KAMRI_PAYMENT_FEE_FIXED
    return cents(fee)


def estimated_fee_cents_sql(amount_cents: str) -> str:
    """`estimated_fee` as SQL over an amount in whole cents (≥ 0), giving whole cents: the same rule, for a
    report that sums it over many orders in the database (kamri.cj.reports.profit.profit_report)."""
    percent = Decimal(settings.KAMRI_PAYMENT_FEE_PERCENT)
    fixed = Decimal(settings.KAMRI_PAYMENT_FEE_FIXED)
    digits = max(0, -int(percent.as_tuple().exponent), -int(fixed.as_tuple().exponent))
    scale = 10**digits
    # fee in cents = amount_cents × percent / 100 + fixed × 100 = (amount_cents × p + f) / (100 × scale)
    p, f = int(percent * scale), int(fixed * 10_000 * scale)
    fee = half_up_sql(f"{bigint_sql(amount_cents)} * {p} + {f}", str(100 * scale))
    return f"(CASE WHEN ({amount_cents}) <= 0 THEN 0 ELSE {fee} END)"
