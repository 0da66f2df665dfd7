"""Importing a CJ product into the KAMRI catalogue: Product + Variants + CJ links in one transaction."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from decimal import Decimal
from html import unescape

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.catalog.models import Category, Product, ProductImage, Variant
from kamri.catalog.pricing import Price, PricingRule, price_for
from kamri.cj import queue
from kamri.cj.catalog import search as catalog
from kamri.cj.client import CJProductNotFound, ProductDetail, VariantDetail
from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink
from kamri.core.text import single_line

log = logging.getLogger(__name__)


def rule_from_settings(settings_row: CJSettings | None = None) -> PricingRule:
    row = settings_row or CJSettings.load()
    return PricingRule(
        margin_percent=row.default_margin_percent,
        rounding=row.default_rounding,
        compare_at_multiplier=row.default_compare_at_multiplier,
    )


def rule_of(link: CJProductLink) -> PricingRule:
    """The pricing rule a product was imported with: the same function reprices it later."""
    return PricingRule(
        margin_percent=link.margin_percent,
        rounding=link.rounding,
        compare_at_multiplier=link.compare_at_multiplier,
    )


@dataclass(frozen=True)
class PreviewRow:
    variant: VariantDetail
    stock: int
    quote: Price | None  # None when CJ gives no price for the variant


def preview(
    product: ProductDetail,
    rule: PricingRule,
    *,
    usd_rate: Decimal,
    details=None,
    countries: list[str] | None = None,
) -> list[PreviewRow]:
    rows = []
    for variant in product.variants:
        stock_rows = details.variant_stock(variant.vid) if details else variant.inventories
        quote = price_for(variant.price, rule, usd_rate) if variant.price is not None else None
        rows.append(
            PreviewRow(variant=variant, stock=catalog.stock_total(stock_rows, countries), quote=quote)
        )
    return rows


@dataclass(frozen=True)
class ImportOutcome:
    product: Product
    created: bool
    message: str


class ImportRefused(Exception):
    """The product cannot be imported as it is (no variant with a price…). The message is for the admin."""


def _importable(pid: str) -> catalog.ProductDetails:
    """What CJ sells now under this pid (never the cached copy), or ImportRefused with the reason: a product CJ
    no longer has (1602001 on the product or the stock call) or one it no longer sells (off sale)."""
    try:
        details = catalog.product_details(pid, fresh=True)
    except CJProductNotFound as gone:
        raise ImportRefused(
            _(
                "Import refusé : CJ ne connaît plus ce produit (%(reason)s). Il a été retiré de son catalogue ; "
                "choisissez un autre produit."
            )
            % {"reason": gone.user_message}
        ) from gone
    if not details.product.on_sale:
        raise ImportRefused(
            _("Import refusé : CJ ne vend plus ce produit (hors vente). Choisissez un autre produit.")
        )
    return details


def import_product(
    *,
    pid: str,
    rule: PricingRule,
    status: str,
    category: Category | None = None,
    new_category_name: str = "",
) -> ImportOutcome:
    """Import once: a second import of the same pid creates nothing and points at the first."""
    existing = CJProductLink.objects.select_related("product").filter(pid=pid).first()
    if existing:
        return ImportOutcome(existing.product, False, _("Produit déjà importé."))
    details = _importable(pid)  # other CJ errors (rate limit, outage…) reach the caller as CJError
    settings_row = CJSettings.load()
    countries = list(settings_row.stock_countries or [])
    rows = [
        row
        for row in preview(
            details.product, rule, usd_rate=settings_row.usd_rate, details=details, countries=countries
        )
        if row.quote is not None
    ]
    if not rows:
        raise ImportRefused(_("CJ ne donne aucun prix pour les variantes de ce produit."))
    try:
        with transaction.atomic():
            if new_category_name.strip():
                category, _created = Category.objects.get_or_create(
                    name=new_category_name.strip(), parent=None
                )
            product = _create_product(details.product, rows, rule, status, category)
    except IntegrityError:  # a concurrent import of the same pid won the race
        existing = CJProductLink.objects.select_related("product").get(pid=pid)
        return ImportOutcome(existing.product, False, _("Produit déjà importé."))
    link_id = product.cj_link.pk
    transaction.on_commit(lambda: queue.subscribe_product_webhooks(link_id))
    return ImportOutcome(product, True, _("Produit importé avec %(n)s variantes.") % {"n": len(rows)})


def _create_product(
    detail: ProductDetail, rows: list[PreviewRow], rule: PricingRule, status: str, category: Category | None
) -> Product:
    images = [url for url in detail.images if url]
    description = plain_text(detail.description or "")
    product = Product.objects.create(
        title=single_line(detail.name)[:255],
        description=description,
        supplier_title=single_line(detail.name)[:500],
        supplier_description=description,
        category=category,
        status=status,
        source=Product.Source.CJ,
        image_url=images[0][:500] if images else "",
    )
    ProductImage.objects.bulk_create(
        ProductImage(product=product, url=url[:500], position=index)
        for index, url in enumerate(images[1:], 1)
    )
    link = CJProductLink.objects.create(
        product=product,
        pid=detail.pid,
        cj_sku=detail.sku or "",
        cj_name=detail.name[:500],
        cj_category=(detail.category_name or "")[:300],
        cj_description=description,
        margin_percent=rule.margin_percent,
        rounding=rule.rounding.value,
        compare_at_multiplier=rule.compare_at_multiplier,
        last_synced_at=timezone.now(),
    )
    for row in rows:
        create_variant(
            link,
            row.variant,
            row.quote,
            stock=row.stock,
            stock_by_country={
                stock.country_code: stock.total for stock in row.variant.inventories if stock.country_code
            },
        )
    return product


def create_variant(
    link: CJProductLink,
    variant: VariantDetail,
    quote: Price,
    *,
    stock: int = 0,
    stock_by_country: dict[str, int] | None = None,
) -> Variant:
    """One KAMRI variant and its CJ link (vid, cost), priced with `quote`.

    The one way a CJ variant enters the catalogue: at product import, and later for a variant CJ added to an
    imported product ("Nouvelles variantes CJ"). The vid's uniqueness makes a second creation fail.
    """
    created = Variant.objects.create(
        product=link.product,
        sku=free_sku(variant.sku or variant.vid),
        options=variant.options,
        price=quote.price,
        compare_at_price=quote.compare_at,
        cost=variant.price,
        cost_currency="USD",
        stock=stock,
        weight_g=int(variant.weight_g or 0),
        image_url=(variant.image or "")[:500],
    )
    CJVariantLink.objects.create(
        variant=created,
        product_link=link,
        vid=variant.vid,
        cj_sku=variant.sku or "",
        cost_usd=variant.price,
        stock_by_country=stock_by_country or {},
        last_synced_at=timezone.now(),
    )
    return created


def free_sku(sku: str) -> str:
    """CJ's variant SKU, made unique in KAMRI if one of the shop's own SKUs already uses it."""
    candidate, counter = sku[:100], 2
    while Variant.objects.filter(sku=candidate).exists():
        candidate, counter = f"{sku[:94]}-CJ{counter}", counter + 1
    return candidate


_TAGS = re.compile(r"<[^>]+>")
_BREAKS = re.compile(r"<\s*(br|/p|/div|/li|/h\d)\s*/?>", re.I)


def plain_text(html: str) -> str:
    """CJ descriptions are HTML: keep the words and line breaks, drop tags and scripts."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.I | re.S)
    text = unescape(_TAGS.sub("", _BREAKS.sub("\n", html)))
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)[:20000]
