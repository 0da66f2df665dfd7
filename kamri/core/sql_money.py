"""Money arithmetic inside SQL, exact on every database: whole cents as integers, rounding half up.

SQLite keeps decimals as floating point; a figure rounded there (ROUND(18.535, 2)) may differ from Python's
Decimal by a cent. Converting each stored amount (at most two decimals) to whole cents first, then dividing
integers with half-up rounding, gives Decimal's ROUND_HALF_UP result exactly, for amounts that are never
negative. Fragments are SQL text over column names; the integers they embed are computed here, never typed
by a person (no parameter can carry a user's input into them).
"""

from __future__ import annotations


def cents(sql: str) -> str:
    """A stored amount with at most two decimals (a column of money or a rate in %) as whole hundredths."""
    return f"CAST(ROUND(({sql}) * 100) AS BIGINT)"


def half_up(numerator: str, denominator: str) -> str:
    """numerator ÷ denominator rounded half up, both integers, numerator ≥ 0, denominator > 0."""
    return f"((2 * ({numerator}) + ({denominator})) / (2 * ({denominator})))"


def share(amount: str, part: str, whole: str) -> str:
    """The part of an order-wide amount (its VAT, fee, refunds) that falls on `part` of its `whole`, in cents:
    all of it when the part is the whole (or the whole is zero), else amount × part ÷ whole rounded half up."""
    return f"(CASE WHEN ({whole}) = 0 OR ({part}) = ({whole}) THEN ({amount}) ELSE {half_up(f'({amount}) * ({part})', whole)} END)"
