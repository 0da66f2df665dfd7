"""VAT: prices are shown and charged TTC; the VAT they contain is the delivery country's (OSS).

One place for the rule. Outside the EU no VAT is charged (exports; CJ's IOSS settings are not touched).
The rates are rows of `VatRate` (seeded with the standard rates, editable on the Livraison page).
"""

from __future__ import annotations

from decimal import Decimal

from kamri.core.money import bigint_sql, cents, half_up_sql
from kamri.orders.models_billing import VatRate

#: Standard rates (%) as published by the European Commission ("VAT rates in the EU", 2025-08): the seed
#: of the VatRate table (migration) and what "Rétablir les taux par défaut" puts back.
DEFAULT_RATES: dict[str, Decimal] = {
    code: Decimal(rate)
    for code, rate in {
        "AT": "20", "BE": "21", "BG": "20", "CY": "19", "CZ": "21", "DE": "19", "DK": "25", "EE": "24",
        "ES": "21", "FI": "25.5", "FR": "20", "GR": "24", "HR": "25", "HU": "27", "IE": "23", "IT": "22",
        "LT": "21", "LU": "17", "LV": "21", "MT": "18", "NL": "21", "PL": "23", "PT": "23", "RO": "21",
        "SE": "25", "SI": "22", "SK": "23",
    }.items()
}  # fmt: skip

#: The EU member states: the countries of the table above.
EU_COUNTRIES = frozenset(DEFAULT_RATES)


def rate_for(country: str) -> Decimal:
    """The VAT rate (%) charged to a delivery country: its EU rate, 0 outside the EU."""
    code = (country or "").upper()
    if code not in EU_COUNTRIES:
        return Decimal("0")
    row = VatRate.objects.filter(country=code).first()
    return row.rate if row is not None else DEFAULT_RATES[code]


def included_vat(amount_ttc: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a TTC amount: amount × rate / (100 + rate), to the cent."""
    if not rate:
        return Decimal("0.00")
    return cents(amount_ttc * rate / (Decimal("100") + rate))


def included_vat_cents_sql(amount_cents: str, rate_hundredths: str) -> str:
    """`included_vat` as SQL: an amount in whole cents (≥ 0) and a rate in hundredths of a percent (20 % is
    2000), giving whole cents: amount × rate / (10000 + rate), rounded half up (0 when the rate is 0)."""
    return half_up_sql(f"{bigint_sql(amount_cents)} * ({rate_hundredths})", f"10000 + ({rate_hundredths})")


def reset_defaults() -> None:
    for code, rate in DEFAULT_RATES.items():
        VatRate.objects.update_or_create(country=code, defaults={"rate": rate})
