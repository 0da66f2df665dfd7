"""The customer's cart, kept in the session as {variant_id: quantity} — nothing else.

Prices, names and stock are never stored here: every display and the checkout read them again from the
database (`kamri.orders.checkout.quote`), so a tampered or stale session cannot change what is charged.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.utils.translation import gettext as _

from kamri.catalog.models import Variant
from kamri.orders.checkout import Quote, clean_items, line_problem, orderable, quote
from kamri.orders.countries import COUNTRIES, DEFAULT_COUNTRY

SESSION_KEY = "kamri_cart"
COUNTRY_KEY = "kamri_ship_to"  # the delivery country the cart is priced for (shipping, VAT)
MAX_LINES = 50


class CartError(Exception):
    """The change was refused; the message is for the customer."""


@dataclass(frozen=True)
class CartChange:
    variant: Variant
    quantity: int  # the line's quantity after the change
    capped: bool  # fewer than asked, because of the stock (or the per-line maximum)


class Cart:
    def __init__(self, session: SessionBase):
        self.session = session

    @property
    def items(self) -> dict[int, int]:
        raw = self.session.get(SESSION_KEY) or {}
        return clean_items(raw) if isinstance(raw, dict) else {}

    def _save(self, items: dict[int, int]) -> None:
        self.session[SESSION_KEY] = {str(key): value for key, value in items.items() if value > 0}
        self.session.modified = True

    @property
    def count(self) -> int:
        return sum(self.items.values())

    def __len__(self) -> int:
        return len(self.items)

    @property
    def country(self) -> str:
        country = str(self.session.get(COUNTRY_KEY) or "").upper()
        return country if country in COUNTRIES else DEFAULT_COUNTRY

    def ship_to(self, country: str) -> bool:
        """Price the cart for another delivery country; False when we do not deliver there."""
        country = (country or "").upper()
        if country not in COUNTRIES:
            return False
        self.session[COUNTRY_KEY] = country
        self.session.modified = True
        return True

    def quote(self) -> Quote:
        return quote(self.items, self.country)

    def _buyable(self, variant_id: int) -> Variant:
        variant = Variant.objects.select_related("product").filter(pk=variant_id).first()
        problem = line_problem(variant, 1)
        if problem:
            raise CartError(problem)
        assert variant is not None
        return variant

    def _set(self, variant: Variant, wanted: int) -> CartChange:
        allowed = min(wanted, orderable(variant.stock))
        items = self.items
        if variant.pk not in items and len(items) >= MAX_LINES:
            raise CartError(_("Votre panier est plein : passez d'abord cette commande."))
        items[variant.pk] = allowed
        self._save(items)
        return CartChange(variant=variant, quantity=allowed, capped=allowed < wanted)

    def add(self, variant_id: int, quantity: int = 1) -> CartChange:
        """Add `quantity` of a variant (on top of what is there), capped by the stock. Raises CartError."""
        variant = self._buyable(variant_id)
        return self._set(variant, self.items.get(variant.pk, 0) + max(1, quantity))

    def update(self, variant_id: int, quantity: int) -> CartChange | None:
        """Set a line's quantity (0 removes it), capped by the stock. Raises CartError."""
        if quantity <= 0:
            self.remove(variant_id)
            return None
        if variant_id not in self.items:
            raise CartError(_("Cet article n'est plus dans votre panier."))
        return self._set(self._buyable(variant_id), quantity)

    def remove(self, variant_id: int) -> bool:
        items = self.items
        if items.pop(variant_id, None) is None:
            return False
        self._save(items)
        return True

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)
        self.session.modified = True
