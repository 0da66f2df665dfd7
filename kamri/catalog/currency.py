"""Converting supplier costs to the store's currency. Suppliers register where their rates come from,
so the catalogue needs to know nothing of them (the CJ app registers its USD rate)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

_providers: dict[str, Callable[[], Decimal]] = {}


def register_rate(currency: str, provider: Callable[[], Decimal]) -> None:
    """`provider()` returns how many store-currency units one unit of `currency` is worth."""
    _providers[currency.upper()] = provider


def rate(currency: str) -> Decimal | None:
    currency = (currency or "").upper()
    if currency == settings.KAMRI_STORE_CURRENCY:
        return Decimal("1")
    provider = _providers.get(currency)
    return provider() if provider else None


def to_store(amount: Decimal | None, currency: str) -> Decimal | None:
    """The amount in the store currency, or None when no rate is known (never a guess)."""
    return StoreConverter()(amount, currency)


class StoreConverter:
    """`to_store` for many amounts (a list page): each currency's rate is read once, not once per amount."""

    def __init__(self) -> None:
        self._rates: dict[str, Decimal | None] = {}

    def __call__(self, amount: Decimal | None, currency: str) -> Decimal | None:
        key = (currency or "").upper()
        if key not in self._rates:
            self._rates[key] = rate(key)
        factor = self._rates[key]
        if amount is None or factor is None:
            return None
        return (amount * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
