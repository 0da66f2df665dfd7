"""Searching CJ's catalogue and reading one product's details (variants, stock, reviews, shipping)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from kamri.cj.catalog.availability import mark_not_found
from kamri.cj.client import (
    CJError,
    CJProductNotFound,
    FreightOption,
    ProductDetail,
    ProductInventory,
    RemoteCategory,
    ReviewPage,
    SearchPage,
    WarehouseStock,
)
from kamri.cj.connection.account import client_for, require_account
from kamri.cj.models import CJProductLink, CJSettings

SEARCH_CACHE_SECONDS = 600  # the same search within 10 minutes costs no CJ call (listV2 costs 50 points)
CATEGORY_CACHE_SECONDS = 24 * 3600
DETAIL_CACHE_SECONDS = 300

# (value, label, CJ orderBy, CJ sort)
SORTS = [
    ("relevance", _("Pertinence"), 0, "desc"),
    ("price_asc", _("Prix croissant"), 2, "asc"),
    ("price_desc", _("Prix décroissant"), 2, "desc"),
    ("newest", _("Nouveautés"), 3, "desc"),
    ("stock", _("Stock le plus élevé"), 4, "desc"),
    ("popular", _("Les plus listés"), 1, "desc"),
]
STOCK_COUNTRIES = ["US", "FR", "DE", "GB", "CN"]


@dataclass(frozen=True)
class SearchFilters:
    keyword: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    country: str = ""
    category_id: str = ""
    sort: str = "relevance"
    page: int = 1
    size: int = 20

    def cache_key(self, fingerprint: str) -> str:
        material = json.dumps(
            [
                fingerprint,
                self.keyword.strip().lower(),
                str(self.min_price),
                str(self.max_price),
                self.country,
                self.category_id,
                self.sort,
                self.page,
                self.size,
            ]
        )
        return "cj-search:" + hashlib.sha256(material.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class SearchOutcome:
    page: SearchPage
    imported: dict[str, int]  # CJ pid → KAMRI product id, for results already imported
    from_cache: bool


def search(filters: SearchFilters) -> SearchOutcome:
    """listV2 with CJ's exact parameters, cached for 10 minutes per (account, filters)."""
    account = require_account()
    key = filters.cache_key(account.fingerprint)
    page = cache.get(key)
    from_cache = page is not None
    if page is None:
        order_by, sort = next(((o, s) for value, _label, o, s in SORTS if value == filters.sort), (0, "desc"))
        page = client_for(account).search_products(
            keyword=filters.keyword.strip() or None,
            page=filters.page,
            size=filters.size,
            category_id=filters.category_id or None,
            country_code=filters.country or None,
            min_price=filters.min_price,
            max_price=filters.max_price,
            order_by=order_by,
            sort=sort,
        )
        cache.set(key, page, SEARCH_CACHE_SECONDS)
    pids = [item.pid for item in page.items]
    imported = dict(CJProductLink.objects.filter(pid__in=pids).values_list("pid", "product_id"))
    return SearchOutcome(page=page, imported=imported, from_cache=from_cache)


def _product_key(kind: str, fingerprint: str, pid: str) -> str:
    """A cache key for one product: the pid comes from a URL, so it is hashed (any length, any character)."""
    return f"{kind}:{fingerprint}:{hashlib.sha256(pid.encode('utf-8', 'surrogatepass')).hexdigest()[:32]}"


def categories() -> list[RemoteCategory]:
    """CJ's three-level category tree (only third-level nodes have an id), cached for a day."""
    account = require_account()
    key = f"cj-categories:{account.fingerprint}"
    tree = cache.get(key)
    if tree is None:
        tree = client_for(account).get_categories()
        cache.set(key, tree, CATEGORY_CACHE_SECONDS)
    return tree


def category_choices() -> list[tuple[str, str]]:
    """Third-level categories as (id, "First › Second › Third") for a select."""
    choices = []
    for first in categories():
        for second in first.children:
            for third in second.children:
                if third.id:
                    choices.append((third.id, f"{first.name} › {second.name} › {third.name}"))
    return choices


@dataclass
class ProductDetails:
    product: ProductDetail
    inventory: ProductInventory | None
    reviews: ReviewPage | None
    problems: list[str] = field(default_factory=list)

    def variant_stock(self, vid: str) -> list[WarehouseStock]:
        if self.inventory and vid in self.inventory.by_variant:
            return self.inventory.by_variant[vid]
        variant = next((v for v in self.product.variants if v.vid == vid), None)
        return variant.inventories if variant else []


def product_details(pid: str, *, review_page: int = 1, fresh: bool = False) -> ProductDetails:
    """product/query + getInventoryByPid + productComments. Stock and reviews failing leave a note, not a crash.

    `fresh` skips the cached product (an import must see what CJ sells now). A "product not found" from the
    product or the stock call is CJ saying the product is gone: raised, and an imported one made unavailable.
    """
    account = require_account()
    client = client_for(account)
    key = _product_key("cj-detail", account.fingerprint, pid)
    product = None if fresh else cache.get(key)
    problems: list[str] = []
    inventory = reviews = None
    try:
        if product is None:
            product = client.get_product(pid=pid, with_inventory=True)
            cache.set(key, product, DETAIL_CACHE_SECONDS)
        inventory = client.inventory_by_pid(pid)
    except CJProductNotFound:
        cache.delete(key)
        _gone_at_cj(pid)
        raise
    except CJError as error:
        if product is None:
            raise
        problems.append(_("Stock par entrepôt indisponible : %(reason)s") % {"reason": error.user_message})
    try:
        reviews = client.product_reviews(pid, page=review_page, size=10)
    except CJError as error:
        problems.append(_("Avis indisponibles : %(reason)s") % {"reason": error.user_message})
    return ProductDetails(product=product, inventory=inventory, reviews=reviews, problems=problems)


def _gone_at_cj(pid: str) -> None:
    link = CJProductLink.objects.filter(pid=pid).first()
    if link is not None:
        mark_not_found(link)


def product_reviews(pid: str, *, page: int = 1) -> ReviewPage:
    return client_for().product_reviews(pid, page=page, size=10)


def stock_total(rows: list[WarehouseStock], countries: list[str] | None = None) -> int:
    """Units available in the chosen warehouse countries (all of them when none are chosen)."""
    chosen = {code.upper() for code in countries or []}
    return sum(row.total for row in rows if not chosen or (row.country_code or "").upper() in chosen)


def ship_from_country(rows: list[WarehouseStock], destination: str) -> str:
    """Ship from the destination's own warehouse when it has stock, else from China."""
    for row in rows:
        if (row.country_code or "").upper() == destination.upper() and row.total > 0:
            return destination.upper()
    return "CN"


@dataclass(frozen=True)
class Shipping:
    destination: str
    origin: str  # the warehouse country an order to `destination` leaves from
    vid: (
        str | None
    )  # the variant the delay is quoted for (one with stock there), None when nothing is stocked


def shipping_by_destination(details: ProductDetails, destinations: list[str]) -> list[Shipping]:
    """For each destination, the warehouse an order would ship from (ship_from_country, the rule orders use)."""
    rows = details.inventory.by_country if details.inventory else []
    plan = []
    for destination in destinations:
        origin = ship_from_country(rows, destination)
        vid = next(
            (
                variant.vid
                for variant in details.product.variants
                if stock_total(details.variant_stock(variant.vid), [origin]) > 0
            ),
            None,
        )
        plan.append(Shipping(destination=destination.upper(), origin=origin, vid=vid))
    return plan


def freight_quote(
    *, vid: str, destination: str, quantity: int = 1, stock: list[WarehouseStock] | None = None
) -> tuple[str, list[FreightOption]]:
    """Shipping options for one variant to a country, cheapest first, with the warehouse they leave from."""
    origin = ship_from_country(stock or [], destination)
    options = client_for().freight_quote(origin, destination.upper(), [(vid, quantity)])
    return origin, sorted(options, key=lambda option: option.price)


def configured_stock_countries() -> list[str]:
    return list(CJSettings.load().stock_countries or [])


RATING_CACHE_SECONDS = 24 * 3600
RATING_SAMPLE = 50


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None  # mean score of the sampled reviews (CJ gives no product rating)
    total: int  # all reviews CJ has for the product
    sampled: int


def rating_summary(pid: str) -> RatingSummary:
    """The product's note: average of its latest reviews (one productComments call, cached for a day)."""
    account = require_account()
    key = _product_key("cj-rating", account.fingerprint, pid)
    summary = cache.get(key)
    if summary is None:
        page = client_for(account).product_reviews(pid, page=1, size=RATING_SAMPLE)
        scores = [review.score for review in page.items if review.score]
        average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.1")) if scores else None
        summary = RatingSummary(average=average, total=page.total, sampled=len(scores))
        cache.set(key, summary, RATING_CACHE_SECONDS)
    return summary


COUNTRY_STOCK_CACHE_SECONDS = 10 * 60  # like a search: the grid's figures are as fresh as its results


@dataclass(frozen=True)
class CountryStock:
    country: str
    units: int  # in that country's warehouses
    total: int  # in every warehouse


def country_stock(pid: str, country: str) -> CountryStock:
    """A search result's stock in the country the owner searched ("Pays : pour le stock"), beside its total:
    one getInventoryByPid call, cached for ten minutes (the grid loads it card by card as they scroll in)."""
    account = require_account()
    key = _product_key("cj-country-stock", account.fingerprint, pid)
    inventory = cache.get(key)
    if inventory is None:
        inventory = client_for(account).inventory_by_pid(pid)
        cache.set(key, inventory, COUNTRY_STOCK_CACHE_SECONDS)
    return CountryStock(
        country=country.upper(),
        units=stock_total(inventory.by_country, [country]),
        total=stock_total(inventory.by_country),
    )
