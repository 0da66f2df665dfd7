"""A payment's fee: the provider's own figure when it gave one, else the configured estimate."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from kamri.core.money import cents


def estimated_fee(amount: Decimal) -> Decimal:
    """KAMRI_PAYMENT_FEE_PERCENT of the amount + KAMRI_PAYMENT_FEE_FIXED (0 for nothing paid)."""
    if amount <= 0:
        return Decimal("0.00")
    fee = amount * settings.KAMRI_PAYMENT_FEE_PERCENT / Decimal("100") + settings.KAMRI_PAYMENT_FEE_FIXED
    return cents(fee)
