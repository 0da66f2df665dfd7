"""The one money module of the shop: cents, conversion between currencies, price endings (`Rounding`) and
margin percentages. Decimal in, Decimal out; never a float. The pricing formula itself (cost → price) is
`kamri.catalog.pricing.price_for`, built from these pieces.

Conversion: suppliers register where their rates come from (the CJ app registers its USD rate), so nothing
here knows of them; an amount without a known rate converts to None, never to a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half up (0.125 → 0.13): how every money figure is stored and shown."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` × `rate` (units of the target currency for one unit of the source one), to the cent."""
    return cents(amount * rate)


# --- The same rounding inside SQL (reports that sum per-order figures in the database) ----------------
#
# SQLite keeps decimals as floating point; a figure rounded there (ROUND(1.005, 2)) may differ from `cents` by a
# cent. Converting each stored amount (at most two decimals) to whole cents first, then dividing integers with
# half-up rounding, gives `cents`' result exactly, on every database, for amounts that are never negative.
# Fragments are SQL text over column names; the integers they embed are computed by the caller, never typed by
# a person (no user input reaches them: inputs are query parameters).


def cents_sql(sql: str) -> str:
    """A stored amount with at most two decimals (money, or a rate in %) as whole hundredths (an integer)."""
    return f"CAST(ROUND(({sql}) * 100) AS BIGINT)"


def bigint_sql(sql: str) -> str:
    """An integer expression widened to 64 bits before it is multiplied: PostgreSQL computes int4 × int4 in 32 bits
    (an amount in cents × a rate overflows past 21 million cents × 100), SQLite is 64-bit anyway."""
    return f"CAST(({sql}) AS BIGINT)"


def half_up_sql(numerator: str, denominator: str) -> str:
    """numerator ÷ denominator rounded half up, both integers, numerator ≥ 0, denominator > 0."""
    return f"((2 * ({numerator}) + ({denominator})) / (2 * ({denominator})))"


def share_sql(amount: str, part: str, whole: str) -> str:
    """The part of an order-wide amount (its VAT, fee, refunds) that falls on `part` of its `whole`, in cents:
    all of it when the part is the whole (or the whole is zero), else amount × part ÷ whole rounded half up."""
    ratio = half_up_sql(f"{bigint_sql(amount)} * ({part})", whole)
    return f"(CASE WHEN ({whole}) = 0 OR ({part}) = ({whole}) THEN ({amount}) ELSE {ratio} END)"


# --- Rates of other currencies ----------------------------------------------------------------------

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
        return convert(amount, factor)


def from_store(amount: Decimal | None, currency: str) -> Decimal | None:
    """A store-currency amount in `currency` (e.g. the shopAmount CJ gets in USD), or None without a rate."""
    factor = rate(currency)
    if amount is None or not factor:
        return None
    return cents(amount / factor)


# --- Price endings ----------------------------------------------------------------------------------


class Rounding(models.TextChoices):
    """How a computed price is rounded up: the choice of the import form, the product editor, the bulk rule
    and the CJ settings (stored as these values)."""

    NONE = "none", _("Aucun (au centime)")  # to the cent
    NINETY_NINE = "99", _("x,99")  # next x.99
    NINETY = "90", _("x,90")  # next x.90
    WHOLE = "whole", _("Entier supérieur")  # next whole unit


def round_price(value: Decimal, rounding: Rounding) -> Decimal:
    """Round *up* to the chosen ending (rounding never lowers a price)."""
    if rounding == Rounding.NONE:
        return cents(value)
    if rounding == Rounding.WHOLE:
        return value.quantize(Decimal("1"), rounding=ROUND_CEILING).quantize(CENT)
    ending = Decimal("0.99") if rounding == Rounding.NINETY_NINE else Decimal("0.90")
    candidate = value.quantize(Decimal("1"), rounding=ROUND_FLOOR) + ending
    if candidate < value:
        candidate += 1
    return candidate.quantize(CENT)


# --- Margins ----------------------------------------------------------------------------------------


def margin_percent(price: Decimal, cost: Decimal) -> Decimal:
    """(price − cost) / price × 100, not rounded (compare it to a floor as it is); 0 for a price of 0."""
    return (price - cost) / price * 100 if price else Decimal("0")


def margin_under_floor(price: Decimal, cost: Decimal, floor: Decimal) -> Decimal | None:
    """THE margin-floor rule (price changes and CJ payments): the margin as shown when it is under the floor, else
    None. Compared unrounded, so 19.96 % is under a 20 % floor although the page shows 20.0 %."""
    margin = margin_percent(price, cost)
    return percent_shown(margin) if margin < floor else None


def percent_shown(value: Decimal) -> Decimal:
    """A percentage as the pages show it: one decimal (62.5 %)."""
    return value.quantize(TENTH)
