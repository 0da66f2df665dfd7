"""What a cart's delivery costs the customer, and when it arrives.

The shop knows nothing of its suppliers: a supplier app registers a *freight provider* (the CJ app does at
ready(), as it listens to `order_paid`) that prices the parcel of the cart's lines it fulfils. The shop's
own rules (the Livraison page: `ShippingRule`, an ordered list per zone) turn that cost into a price.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.catalog.models import Variant
from kamri.core.templatetags.kamri import money
from kamri.orders.countries import country_name
from kamri.orders.models_billing import ShippingRule
from kamri.orders.vat import EU_COUNTRIES

ZERO = Decimal("0.00")
EVERYWHERE = "*"
EU_ZONE = "EU"


@dataclass(frozen=True)
class FreightQuote:
    """A supplier's price for the parcel of the lines it ships (store currency) and its transit time."""

    cost: Decimal
    carrier: str
    transit_days: tuple[int, int] | None
    origin: str


class FreightUnavailable(Exception):
    """The supplier could not be asked right now (outage, quota): the next rule is the fallback."""


class NotShippable(Exception):
    """The supplier offers no carrier to this country for these lines: the cart cannot be delivered there."""


FreightProvider = Callable[[Sequence[tuple[Variant, int]], str], FreightQuote | None]
_providers: list[FreightProvider] = []


def register_freight_provider(provider: FreightProvider) -> None:
    """`provider(lines, country)` prices the lines it fulfils (None when it fulfils none of them)."""
    if provider not in _providers:
        _providers.append(provider)


def supplier_freight(lines: Sequence[tuple[Variant, int]], country: str) -> FreightQuote | None:
    """The suppliers' freight for these lines, summed; None when no supplier ships any of them."""
    quotes = [quote for provider in _providers if (quote := provider(lines, country.upper())) is not None]
    if not quotes:
        return None
    spans = [quote.transit_days for quote in quotes if quote.transit_days]
    return FreightQuote(
        cost=sum((quote.cost for quote in quotes), ZERO),
        carrier=", ".join(quote.carrier for quote in quotes),
        transit_days=(max(s[0] for s in spans), max(s[1] for s in spans)) if spans else None,
        origin=", ".join(quote.origin for quote in quotes),
    )


def delivery_window(
    transit_days: tuple[int, int] | None, *, today: date | None = None
) -> tuple[date, date] | None:
    """Order today: the supplier prepares it (KAMRI_HANDLING_DAYS), then the carrier's transit days."""
    if not transit_days:
        return None
    start = (today or timezone.localdate()) + timedelta(days=settings.KAMRI_HANDLING_DAYS)
    return start + timedelta(days=transit_days[0]), start + timedelta(days=transit_days[1])


#: The list a shop starts with (and uses while it has saved none): free above 50, else the carrier's rate
#: + 10 %, else — the carrier cannot be asked — a 6.90 flat rate.
DEFAULT_RULES: tuple[dict, ...] = (
    {"zone": EVERYWHERE, "position": 1, "kind": "free_above", "threshold": Decimal("50")},
    {"zone": EVERYWHERE, "position": 2, "kind": "quote", "markup_percent": Decimal("10")},
    {"zone": EVERYWHERE, "position": 3, "kind": "flat", "amount": Decimal("6.90")},
)


def saved_or_default_rules() -> list[ShippingRule]:
    """The saved rules, and the default list for "everywhere" while none is saved for it (a country's own
    rule never leaves the rest of the world without a price)."""
    rules = list(ShippingRule.objects.all())
    if not any(rule.zone == EVERYWHERE for rule in rules):
        rules += [ShippingRule(**fields) for fields in DEFAULT_RULES]
    return rules


def rules_for(country: str) -> list[ShippingRule]:
    """The country's own list, else the EU's (for an EU country), else the list for everywhere."""
    code = (country or "").upper()
    zones = [code, *([EU_ZONE] if code in EU_COUNTRIES else []), EVERYWHERE]
    rules = [rule for rule in saved_or_default_rules() if rule.zone in zones]
    for zone in zones:
        chosen = [rule for rule in rules if rule.zone == zone]
        if chosen:
            return sorted(chosen, key=lambda rule: (rule.position, rule.pk or 0))
    return []


def marked_up(cost: Decimal, markup_percent: Decimal) -> Decimal:
    """Supplier cost × (1 + markup), rounded up to the next ten cents (never below the cost)."""
    raw = cost * (Decimal("1") + markup_percent / Decimal("100"))
    return (Decimal(math.ceil(raw * 10)) / 10).quantize(ZERO)


def rule_label(rule: ShippingRule) -> str:
    currency = settings.KAMRI_STORE_CURRENCY
    if rule.kind == ShippingRule.Kind.FREE_ABOVE:
        return _("Offerte dès %(amount)s") % {"amount": money(rule.threshold, currency)}
    if rule.kind == ShippingRule.Kind.QUOTE:
        return _("Tarif du transporteur + %(markup)s %%") % {"markup": f"{rule.markup_percent.normalize():f}"}
    if rule.kind == ShippingRule.Kind.FLAT:
        return _("Forfait %(amount)s") % {"amount": money(rule.amount, currency)}
    return _("Offerte")


def customer_rule_label(rule: ShippingRule) -> str:
    """The rule as the customer reads it beside the price: "Offerte dès 50 €", "Forfait 4,90 €"; nothing for the
    carrier's rate, whose markup is the shop's business, not the customer's."""
    return "" if rule.kind == ShippingRule.Kind.QUOTE else rule_label(rule)


@dataclass(frozen=True)
class ShippingQuote:
    amount: Decimal | None  # None: the cart cannot be delivered there (see `problem`)
    rule: str = ""  # the admin's words (stored on the order)
    shown: str = ""  # the customer's words beside the price (customer_rule_label)
    supplier_cost: Decimal | None = None
    carrier: str = ""
    delivery: tuple[date, date] | None = None
    problem: str = ""  # blocks the order
    notice: str = ""  # said beside the price (a fallback rule applied)

    @property
    def is_free(self) -> bool:
        return self.amount is not None and not self.amount


def quote_shipping(
    lines: Sequence[tuple[Variant, int]], country: str, subtotal: Decimal, *, today: date | None = None
) -> ShippingQuote:
    """The first rule of the country's list that applies; a supplier that cannot ship there blocks the cart."""
    unavailable = False
    freight = None
    try:
        freight = supplier_freight(lines, country)
    except NotShippable:
        return ShippingQuote(
            amount=None,
            problem=_(
                "Notre transporteur ne livre pas ces articles en %(country)s : choisissez un autre pays "
                "de livraison ou retirez-les du panier."
            )
            % {"country": country_name(country)},
        )
    except FreightUnavailable:
        unavailable = True
    common = {
        "supplier_cost": freight.cost if freight else None,
        "carrier": freight.carrier if freight else "",
        "delivery": delivery_window(freight.transit_days if freight else None, today=today),
    }
    for rule in rules_for(country):
        if rule.kind == ShippingRule.Kind.FREE_ABOVE:
            if subtotal >= rule.threshold:
                return ShippingQuote(
                    amount=ZERO, rule=rule_label(rule), shown=customer_rule_label(rule), **common
                )
            continue
        if rule.kind == ShippingRule.Kind.QUOTE:
            if unavailable:  # never a silent zero: the next rule is the fallback
                continue
            # No supplier ships these lines (the shop's own products): no carrier cost to pass on.
            cost = freight.cost if freight else ZERO
            return ShippingQuote(
                amount=marked_up(cost, rule.markup_percent),
                rule=rule_label(rule),
                shown=customer_rule_label(rule),
                **common,
            )
        notice = (
            _("Le tarif du transporteur est momentanément indisponible : le tarif standard s'applique.")
            if unavailable
            else ""
        )
        amount = rule.amount if rule.kind == ShippingRule.Kind.FLAT else ZERO
        return ShippingQuote(
            amount=amount, rule=rule_label(rule), shown=customer_rule_label(rule), notice=notice, **common
        )
    if unavailable:
        problem = _("Le tarif de livraison est momentanément indisponible : réessayez dans quelques minutes.")
    else:
        problem = _("Aucun tarif de livraison n'est défini pour %(country)s : contactez-nous.") % {
            "country": country_name(country)
        }
    return ShippingQuote(amount=None, problem=problem, **common)


def product_delivery(
    variant: Variant, country: str, *, today: date | None = None
) -> tuple[date, date] | None:
    """The window shown on a product page (one unit to the default country); None when it cannot be said."""
    try:
        freight = supplier_freight([(variant, 1)], country)
    except (NotShippable, FreightUnavailable):
        return None
    return delivery_window(freight.transit_days if freight else None, today=today)
