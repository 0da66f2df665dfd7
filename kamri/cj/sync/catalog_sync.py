"""Keeping imported products true to CJ: stock, cost changes (with the approval guard), availability.

Webhooks and scheduled synchronisation both call these functions: one place per rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kamri.catalog.pricing import price_for
from kamri.cj.catalog.importing import rule_of
from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink, NewCJVariant, PriceChange
from kamri.core.money import margin_under_floor


def stock_from_rows(by_country: dict[str, int], countries: list[str] | None = None) -> int:
    """Units the shop may sell: the chosen warehouse countries, or all of them."""
    chosen = {code.upper() for code in countries or []}
    return sum(int(units) for code, units in by_country.items() if not chosen or code.upper() in chosen)


def apply_stock(link: CJVariantLink, by_country: dict[str, int], *, merge: bool = False) -> bool:
    """Store CJ's stock per warehouse and the variant's sellable stock. True when the stock changed.

    `merge` keeps countries not mentioned (a STOCK webhook may list only the warehouses that changed).
    """
    settings_row = CJSettings.load()
    with transaction.atomic():
        locked = CJVariantLink.objects.select_for_update().select_related("variant").get(pk=link.pk)
        rows = {**(locked.stock_by_country or {}), **by_country} if merge else dict(by_country)
        locked.stock_by_country = {code: int(units) for code, units in rows.items()}
        locked.last_synced_at = timezone.now()
        locked.not_found_count = 0
        locked.save(update_fields=["stock_by_country", "last_synced_at", "not_found_count"])
        stock = stock_from_rows(locked.stock_by_country, settings_row.stock_countries)
        variant = locked.variant
        if variant.stock == stock:
            return False
        variant.stock = stock
        variant.save(update_fields=["stock"])
    return True


@dataclass(frozen=True)
class CostChangeOutcome:
    kind: str  # "unchanged", "repriced", "pending"
    change: PriceChange | None = None

    @property
    def label(self) -> str:
        return {
            "unchanged": _("coût inchangé"),
            "repriced": _("nouveau coût, prix recalculé"),
            "pending": _("nouveau coût en attente d'approbation"),
            "fixed": _("nouveau coût, prix fixé par la boutique conservé"),
        }.get(self.kind, self.kind)


def apply_cost_change(link: CJVariantLink, new_cost: Decimal, *, source: str) -> CostChangeOutcome:
    """A new CJ cost: within the tolerance and above the margin floor → reprice with the product's rule;
    otherwise → a pending price change for the admin, and the selling price stays as it is."""
    new_cost = Decimal(str(new_cost)).quantize(Decimal("0.01"))
    settings_row = CJSettings.load()
    with transaction.atomic():
        locked = (
            CJVariantLink.objects.select_for_update()
            .select_related("variant", "product_link")
            .get(pk=link.pk)
        )
        old_cost = locked.cost_usd
        if new_cost == old_cost or new_cost <= 0:
            return CostChangeOutcome("unchanged")
        variant = locked.variant
        if variant.price_fixed:  # a price the shop typed: the cost is recorded, the price stays
            locked.cost_usd = variant.cost = new_cost
            locked.save(update_fields=["cost_usd"])
            variant.save(update_fields=["cost"])
            return CostChangeOutcome("fixed")
        quote = price_for(new_cost, rule_of(locked.product_link), settings_row.usd_rate)
        change_percent = (
            ((new_cost - old_cost) / old_cost * 100).quantize(Decimal("0.01")) if old_cost else Decimal("100")
        )
        margin = margin_under_floor(quote.price, quote.cost, settings_row.margin_floor_percent)
        reasons = []
        if abs(change_percent) > settings_row.price_tolerance_percent:
            reasons.append(
                _("variation du coût de %(p)s %% (tolérance %(t)s %%)")
                % {
                    "p": number_format(change_percent),
                    "t": number_format(settings_row.price_tolerance_percent),
                }
            )
        if margin is not None:
            reasons.append(
                _("marge de %(m)s %% sous le plancher de %(f)s %%")
                % {
                    "m": number_format(margin),
                    "f": number_format(settings_row.margin_floor_percent.normalize()),
                }
            )
        change = PriceChange(
            variant_link=locked,
            old_cost_usd=old_cost,
            new_cost_usd=new_cost,
            old_price=variant.price,
            new_price=quote.price,
            new_compare_at=quote.compare_at,
            change_percent=change_percent,
            reason=" ; ".join(reasons),
            source=source,
        )
        if reasons:
            PriceChange.objects.filter(variant_link=locked, status=PriceChange.Status.PENDING).update(
                status=PriceChange.Status.REJECTED, decided_at=timezone.now(), decided_by="remplacé"
            )
            change.save()
            return CostChangeOutcome("pending", change)
        change.status, change.decided_at, change.decided_by = PriceChange.Status.AUTO, timezone.now(), source
        change.save()
        _apply(locked, change)
    return CostChangeOutcome("repriced", change)


def _apply(link: CJVariantLink, change: PriceChange) -> None:
    variant = link.variant
    variant.price, variant.compare_at_price, variant.cost = (
        change.new_price,
        change.new_compare_at,
        change.new_cost_usd,
    )
    variant.save(update_fields=["price", "compare_at_price", "cost"])
    link.cost_usd = change.new_cost_usd
    link.save(update_fields=["cost_usd"])


def decide(change: PriceChange, *, approve: bool, by: str) -> bool:
    """Approve (the new price applies now) or reject (the shop keeps its price; the cost is still recorded)."""
    with transaction.atomic():
        locked = (
            PriceChange.objects.select_for_update().select_related("variant_link__variant").get(pk=change.pk)
        )
        if locked.status != PriceChange.Status.PENDING:
            return False
        locked.status = PriceChange.Status.APPROVED if approve else PriceChange.Status.REJECTED
        locked.decided_at, locked.decided_by = timezone.now(), by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        if approve:
            _apply(locked.variant_link, locked)
        else:
            link = locked.variant_link
            link.cost_usd = locked.new_cost_usd
            link.save(update_fields=["cost_usd"])
            link.variant.cost = locked.new_cost_usd
            link.variant.save(update_fields=["cost"])
    return True


def record_new_variant(
    link: CJProductLink, *, vid: str, sku: str = "", key: str = "", cost: Decimal | None = None
) -> bool:
    """A CJ variant we do not sell yet: list it for review, once. True when it (again) waits for review.

    A later sighting refreshes what the row knows (a stock sync sees only the vid; a price sync or a VARIANT
    webhook brings SKU, key and cost). A row marked imported whose variant was since deleted from the
    catalogue waits for review again. Importing or ignoring it is `new_variants`' business.
    """
    if CJVariantLink.objects.filter(vid=vid).exists():
        return False
    seen = {"sku": sku[:100], "key": key[:200], "cost_usd": cost}
    row, created = NewCJVariant.objects.get_or_create(vid=vid, defaults={"product_link": link, **seen})
    if created:
        return True
    fresher = {field: value for field, value in seen.items() if value not in ("", None)}
    reopened = row.status == NewCJVariant.Status.IMPORTED  # imported, then deleted from the catalogue
    if reopened:
        fresher["status"] = NewCJVariant.Status.NEW
    if fresher:
        NewCJVariant.objects.filter(pk=row.pk).update(**fresher)
    return reopened
