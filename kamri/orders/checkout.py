"""Placing an order from a cart.

The browser only ever says *which* variants and *how many*; prices, availability and stock are read from
the database here, and re-checked inside the transaction that creates the order and takes the stock, so
two buyers cannot both get the last unit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.catalog.models import Variant, has_stock
from kamri.catalog.texts import line_title
from kamri.core.templatetags.kamri import money
from kamri.orders.addresses import ShippingAddress, address_errors
from kamri.orders.countries import house_number_required, tax_id_required
from kamri.orders.models import Order, OrderEvent, OrderLine
from kamri.orders.services import record_event
from kamri.orders.shipping import ShippingQuote, quote_shipping
from kamri.orders.vat import included_vat, rate_for

MAX_LINE_QUANTITY = 99


def orderable(stock: int) -> int:
    """The most of a variant one line may hold: its stock, at most MAX_LINE_QUANTITY, never below 0."""
    return max(0, min(stock, MAX_LINE_QUANTITY))


ZERO = Decimal("0.00")


class CheckoutError(Exception):
    """The order cannot be placed; `problems` are sentences for the customer, in their language."""

    def __init__(self, problems: list[str], *, code: str = "invalid"):
        self.problems = problems
        self.code = code
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class QuoteLine:
    variant_id: int
    variant: Variant | None
    quantity: int
    unit_price: Decimal
    problem: str = ""

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def max_quantity(self) -> int:
        if self.variant is None:
            return 0
        return orderable(self.variant.stock)


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine] = field(default_factory=list)
    currency: str = ""
    # Set by `with_shipping` for a delivery country (kamri.orders.shipping and vat hold the rules).
    country: str = ""
    shipping_quote: ShippingQuote | None = None
    vat_rate: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines if not line.problem), ZERO)

    @property
    def shipping(self) -> Decimal:
        amount = self.shipping_quote.amount if self.shipping_quote else None
        return amount if amount is not None else ZERO

    @property
    def shipping_problem(self) -> str:
        return self.shipping_quote.problem if self.shipping_quote else ""

    @property
    def vat(self) -> Decimal:
        """The VAT the TTC total contains, at the delivery country's rate."""
        return included_vat(self.total, self.vat_rate)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


def line_problem(variant: Variant | None, quantity: int) -> str:
    """Why this line cannot be bought as it is, or "" when it can."""
    if variant is None or not variant.is_offered:
        return _("Cet article n'est plus disponible.")
    if not has_stock(variant.stock):
        return _("Cet article est épuisé.")
    if quantity > variant.stock:
        return _("Quantité indisponible : il n'en reste que %(n)d en stock.") % {"n": variant.stock}
    if quantity > MAX_LINE_QUANTITY:
        return _("%(n)d exemplaires au maximum par article.") % {"n": MAX_LINE_QUANTITY}
    return ""


def clean_items(items: Mapping[int, int]) -> dict[int, int]:
    """{variant_id: quantity} as a browser or a session may hold it: ids and quantities that are whole numbers,
    quantities above 0; anything else is dropped."""
    cleaned: dict[int, int] = {}
    for key, value in items.items():
        try:
            variant_id, quantity = int(key), int(value)
        except (TypeError, ValueError):
            continue
        if quantity > 0:
            cleaned[variant_id] = quantity
    return cleaned


def _build_quote(items: dict[int, int], variants: Mapping[int, Variant]) -> Quote:
    """The lines as the locked rows say (inside place_order's transaction)."""
    return _lines_quote(items, variants)


def _lines_quote(items: dict[int, int], variants: Mapping[int, Variant]) -> Quote:
    lines = []
    for variant_id, quantity in items.items():
        variant = variants.get(variant_id)
        problem = line_problem(variant, quantity)
        if variant is not None:
            name = str(variant)
            problem = f"{name} : {problem}" if problem else ""
        lines.append(
            QuoteLine(
                variant_id=variant_id,
                variant=variant,
                quantity=quantity,
                unit_price=variant.price if variant is not None else ZERO,
                problem=problem,
            )
        )
    return Quote(lines=lines, currency=settings.KAMRI_STORE_CURRENCY)


def with_shipping(current: Quote, country: str) -> Quote:
    """The quote with its delivery to `country` priced (shop rules on the supplier's freight) and its VAT."""
    country = (country or "").upper()
    lines = [(line.variant, line.quantity) for line in current.lines if line.variant and not line.problem]
    shipping = quote_shipping(lines, country, current.subtotal) if lines else None
    return replace(current, country=country, shipping_quote=shipping, vat_rate=rate_for(country))


def quote(items: Mapping[int, int], country: str = "") -> Quote:
    """Current prices and availability of a cart's {variant_id: quantity}, read from the database; with a
    delivery country, its shipping and VAT too."""
    cleaned = clean_items(items)
    variants = Variant.objects.select_related("product").in_bulk(list(cleaned))
    current = _lines_quote(cleaned, variants)
    return with_shipping(current, country) if country else current


def place_order(
    *, items: Mapping[int, int], address: ShippingAddress, expected_total: Decimal | None = None
) -> Order:
    """Create a PENDING order from {variant_id: quantity} and take the stock, all or nothing.

    `expected_total` is what the customer saw; when the database says otherwise (a price changed in the
    meantime) nothing is created and the customer is asked to look again. Raises CheckoutError.
    """
    cleaned = clean_items(items)
    if not cleaned:
        raise CheckoutError([_("Votre panier est vide.")], code="empty")
    address = address.normalized()
    invalid = address_errors(address)
    if invalid:
        raise CheckoutError(list(invalid.values()), code="address")

    # Shipping is priced before the transaction: the supplier's freight may take a network call, never
    # made while rows are locked. Inside, the lines are read again and must give the same subtotal.
    priced = quote(cleaned, address.country)
    if priced.shipping_problem:
        raise CheckoutError([priced.shipping_problem], code="shipping")
    with transaction.atomic():
        # Lock the variants' rows (PostgreSQL; SQLite serialises writers with IMMEDIATE transactions).
        locked = Variant.objects.select_for_update(of=("self",)).select_related("product")
        variants = {variant.pk: variant for variant in locked.filter(pk__in=list(cleaned)).order_by("pk")}
        current = _build_quote(cleaned, variants)
        if current.problems:
            raise CheckoutError(current.problems, code="stock")
        if current.subtotal != priced.subtotal:
            raise CheckoutError(
                [_("Les prix ont changé depuis l'affichage de votre panier : vérifiez le nouveau total.")],
                code="price_changed",
            )
        current = replace(
            current, country=priced.country, shipping_quote=priced.shipping_quote, vat_rate=priced.vat_rate
        )
        if expected_total is not None and expected_total != current.total:
            raise CheckoutError(
                [_("Les prix ont changé depuis l'affichage de votre panier : vérifiez le nouveau total.")],
                code="price_changed",
            )

        order = Order.objects.create(
            customer_name=address.customer_name,
            email=address.email,
            phone=address.phone,
            country=address.country,
            province=address.province,
            city=address.city,
            zip_code=address.zip_code,
            address1=address.address1,
            address2=address.address2,
            house_number=address.house_number if house_number_required(address.country) else "",
            tax_id=address.tax_id if tax_id_required(address.country) else "",
            currency=settings.KAMRI_STORE_CURRENCY,
            subtotal=current.subtotal,
            shipping_total=current.shipping,
            total=current.total,
            vat_rate=current.vat_rate,
            vat_total=current.vat,
            **_shipping_fields(current.shipping_quote),
            status=Order.Status.PENDING,
        )
        for line in current.lines:
            variant = line.variant
            assert variant is not None  # lines with problems were refused above
            taken = (
                Variant.objects.can_supply(line.quantity)
                .filter(pk=variant.pk)
                .update(stock=F("stock") - line.quantity)
            )
            if taken != 1:  # someone else took it between our read and our write: undo everything
                raise CheckoutError(
                    [_("%(item)s : cet article vient d'être épuisé.") % {"item": variant}], code="stock"
                )
            OrderLine.objects.create(
                order=order,
                variant=variant,
                title=line_title(variant, translation.get_language() or settings.LANGUAGE_CODE)[:300],
                sku=variant.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
            )
        record_event(
            order,
            OrderEvent.Type.CREATED,
            ngettext(
                "Commande passée sur la boutique (%(count)d article, %(total)s).",
                "Commande passée sur la boutique (%(count)d articles, %(total)s).",
                current.count,
            )
            % {"count": current.count, "total": money(current.total, order.currency)},
            source="storefront",
            lines=[{"variant": line.variant_id, "quantity": line.quantity} for line in current.lines],
        )
    return order


# --- Checkout rate limit: one visitor (client address) places at most KAMRI_CHECKOUT_MAX_ORDERS orders per
# KAMRI_CHECKOUT_WINDOW_MINUTES, so nobody can take a shop's whole stock with unpaid orders.
def _checkout_key(visitor: str) -> str:
    return "checkout-count:" + hashlib.sha256(visitor.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def checkout_allowed(visitor: str) -> bool:
    return (cache.get(_checkout_key(visitor)) or 0) < settings.KAMRI_CHECKOUT_MAX_ORDERS


def count_checkout(visitor: str) -> None:
    key = _checkout_key(visitor)
    cache.add(key, 0, timeout=settings.KAMRI_CHECKOUT_WINDOW_MINUTES * 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.KAMRI_CHECKOUT_WINDOW_MINUTES * 60)


def rate_limited_message() -> str:
    return _(
        "Trop de commandes en peu de temps depuis votre connexion : payez une commande en attente "
        "ou réessayez dans %(minutes)s minutes."
    ) % {"minutes": settings.KAMRI_CHECKOUT_WINDOW_MINUTES}


def _shipping_fields(shipping: ShippingQuote | None) -> dict:
    """What the order keeps of the delivery promised: the rule, the supplier's estimate, the window."""
    if shipping is None:
        return {}
    window = shipping.delivery
    return {
        "shipping_quote": shipping.supplier_cost,
        "shipping_rule": shipping.rule[:120],
        "shipping_carrier": shipping.carrier[:80],
        "delivery_min": window[0] if window else None,
        "delivery_max": window[1] if window else None,
    }
