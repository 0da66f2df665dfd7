"""The shop's freight provider for CJ lines (kamri.orders.shipping): CJ's freightCalculate, cached.

Same warehouse rule and carrier rule as the CJ orders placed later (orders.placement.first_warehouse and
choose_logistic), so what the checkout quoted is what the CJ order will pick.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.core.cache import cache

from kamri.catalog.models import Variant
from kamri.cj.client import CJError, FreightOption
from kamri.cj.connection.account import NotConfigured, client_for, require_account
from kamri.cj.models import CJSettings, CJVariantLink
from kamri.cj.orders.placement import choose_logistic, first_warehouse
from kamri.core.money import to_store
from kamri.orders.shipping import FreightQuote, FreightUnavailable, NotShippable

log = logging.getLogger(__name__)

QUOTE_CACHE_SECONDS = 3600
_NO_ROUTE = "no-route"


def _cache_key(fingerprint: str, origin: str, destination: str, wanted: list[tuple[str, int]]) -> str:
    body = f"{fingerprint}|{origin}>{destination}|" + ",".join(f"{vid}x{qty}" for vid, qty in sorted(wanted))
    return "cj-freight:" + hashlib.sha256(body.encode()).hexdigest()[:40]


def cj_options(origin: str, destination: str, wanted: list[tuple[str, int]]) -> list[FreightOption]:
    """CJ's carriers for this parcel (one freightCalculate per parcel and hour). Raises CJError."""
    try:
        account = require_account()
    except NotConfigured as error:
        raise FreightUnavailable(str(error)) from error
    key = _cache_key(account.fingerprint, origin, destination, wanted)
    cached = cache.get(key)
    if cached == _NO_ROUTE:
        return []
    if cached is not None:
        return cached
    options = client_for(account).freight_quote(origin, destination, wanted)
    cache.set(key, options or _NO_ROUTE, QUOTE_CACHE_SECONDS)
    return options


def cart_freight(lines: Sequence[tuple[Variant, int]], country: str) -> FreightQuote | None:
    """CJ's price and transit time for the cart's CJ lines to `country`; None when it has none."""
    links = {
        link.variant_id: link
        for link in CJVariantLink.objects.filter(variant__in=[variant for variant, _qty in lines])
    }
    wanted = [(links[variant.pk].vid, quantity) for variant, quantity in lines if variant.pk in links]
    if not wanted:
        return None
    stock = {link.vid: {code.upper(): int(units) for code, units in (link.stock_by_country or {}).items()}
             for link in links.values()}  # fmt: skip
    origin = (
        first_warehouse(
            country,
            wanted,
            {code for rows in stock.values() for code in rows},
            lambda vid, code: stock.get(vid, {}).get(code, 0),
        )
        or "CN"
    )  # the shop's own stock figures were checked already: CJ's main warehouse
    try:
        options = cj_options(origin, country, wanted)
    except CJError as error:
        log.warning("CJ freight quote %s>%s failed: %s", origin, country, type(error).__name__)
        raise FreightUnavailable(error.user_message) from error
    settings_row = CJSettings.load()
    option = choose_logistic(options, settings_row.logistic_rule, settings_row.logistic_price_cap)
    if option is None:
        raise NotShippable(country)
    cost = to_store(option.price, "USD")
    if cost is None:
        raise FreightUnavailable("no USD rate")
    return FreightQuote(
        cost=cost, carrier=option.logistic_name, transit_days=option.aging_days, origin=origin
    )
