""" "Nouvelles variantes CJ": import a variant CJ added to an imported product, ignore it, or reopen it.

The rows come from `catalog_sync.record_new_variant` (stock and price syncs, VARIANT webhooks). Importing one
takes the product import's own pieces: the product's pricing rule (`importing.rule_of` + `price_for`), its
variant creation (`importing.create_variant`, SKU made unique), the stock rules of the syncs
(`stock_sync.by_country` + `catalog_sync.apply_stock`) and the client's key → options parser. CJ is asked at
most twice per product: the inventory, and the product detail only when a row lacks the cost, SKU or key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy

from kamri.catalog.models import Variant
from kamri.catalog.pricing import Price, price_for
from kamri.cj.catalog import importing
from kamri.cj.client import CJClient, CJError, CJProductNotFound, ProductDetail, VariantDetail
from kamri.cj.client.parse import split_variant_key
from kamri.cj.connection.account import NotConfigured, client_for
from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink, NewCJVariant
from kamri.cj.sync import catalog_sync, stock_sync
from kamri.core.templatetags.kamri import money

Status = NewCJVariant.Status


# --- Reads: the page's tabs.


def listed(status: str) -> QuerySet[NewCJVariant]:
    return (
        NewCJVariant.objects.filter(status=status)
        .select_related("product_link__product")
        .order_by("-seen_at", "-pk")
    )


def counts() -> dict[str, int]:
    """Rows per status, every status present (one query)."""
    found = dict(NewCJVariant.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: found.get(status, 0) for status in Status.values}


def count_new() -> int:
    return NewCJVariant.objects.filter(status=Status.NEW).count()


class Listed(NamedTuple):
    row: NewCJVariant
    quote: Price | None  # what it would sell at with its product's rule; None while CJ's cost is unknown
    variant: Variant | None = None  # once imported: the catalogue's variant


def priced(rows: Iterable[NewCJVariant]) -> list[Listed]:
    """The page's rows with their selling price: the catalogue's once imported, else the product rule's."""
    rows = list(rows)
    usd_rate = CJSettings.load().usd_rate
    imported = {
        link.vid: link.variant
        for link in CJVariantLink.objects.filter(
            vid__in=[row.vid for row in rows if row.status == Status.IMPORTED]
        ).select_related("variant")
    }
    return [
        Listed(
            row,
            _quote(row.cost_usd, row.product_link, usd_rate) if row.cost_usd else None,
            imported.get(row.vid),
        )
        for row in rows
    ]


def _quote(cost: Decimal, link: CJProductLink, usd_rate: Decimal) -> Price:
    return price_for(cost, importing.rule_of(link), usd_rate)


# --- Ignore and reopen.


def ignore_many(ids: Iterable[int]) -> int:
    """New rows → ignored (they leave the list, never the "Ignorées" tab). Returns how many changed."""
    return NewCJVariant.objects.filter(pk__in=list(ids), status=Status.NEW).update(status=Status.IGNORED)


def reopen(ids: Iterable[int]) -> int:
    """Ignored rows → new again. Returns how many changed."""
    return NewCJVariant.objects.filter(pk__in=list(ids), status=Status.IGNORED).update(status=Status.NEW)


# --- Import.


#: The report's counted outcomes: (its count, message level, text with plural forms chosen by "n").
_REPORT_LINES = (
    (
        "without_stock",
        "warning",
        ngettext_lazy(
            "CJ n'a pas donné le stock (%(e)s) : %(n)s variante importée avec un stock de 0, "
            "que la prochaine synchronisation du stock corrigera.",
            "CJ n'a pas donné le stock (%(e)s) : %(n)s variantes importées avec un stock de 0, "
            "que la prochaine synchronisation du stock corrigera.",
            "n",
        ),
    ),
    (
        "already",
        "info",
        ngettext_lazy(
            "%(n)s variante était déjà importée : rien de créé.",
            "%(n)s variantes étaient déjà importées : rien de créé.",
            "n",
        ),
    ),
    (
        "missing",
        "warning",
        ngettext_lazy(
            "%(n)s variante n'existe plus : son produit a été supprimé du catalogue.",
            "%(n)s variantes n'existent plus : leur produit a été supprimé du catalogue.",
            "n",
        ),
    ),
)


@dataclass
class ImportReport:
    """What an import did, for the admin: one line per kind of outcome."""

    imported: list[Variant] = field(default_factory=list)
    already: int = 0  # imported before (or by a concurrent click): nothing created
    missing: int = 0  # the row is gone: its product was deleted from the catalogue
    without_stock: int = 0  # imported, but CJ's inventory could not be read: stock 0 until the next sync
    stock_error: str = ""
    refused: list[str] = field(default_factory=list)  # "<vid> : why", nothing created

    def messages(self) -> list[tuple[str, str]]:
        """(level, text) pairs; level is a django.contrib.messages method name."""
        lines: list[tuple[str, str]] = []
        if self.imported:
            lines.append(("success", self._imported_line()))
        for count_of, level, text in _REPORT_LINES:
            count = getattr(self, count_of)
            if count:
                lines.append((level, text % {"n": count, "e": self.stock_error}))
        for reason in self.refused:
            lines.append(("error", _("Variante non importée : %(r)s") % {"r": reason}))
        return lines

    def _imported_line(self) -> str:
        if len(self.imported) == 1:
            variant = self.imported[0]
            return _("Variante %(sku)s importée dans « %(p)s » au prix de %(price)s.") % {
                "sku": variant.sku,
                "p": variant.product.title,
                "price": money(variant.price, settings.KAMRI_STORE_CURRENCY),
            }
        text = ngettext(
            "%(n)s variante importée dans le catalogue.",
            "%(n)s variantes importées dans le catalogue.",
            len(self.imported),
        )
        return text % {"n": len(self.imported)}


def import_many(ids: Iterable[int]) -> ImportReport:
    """Import these rows as variants of their products. Idempotent: an imported row, or a vid already linked,
    creates nothing. A CJ failure never raises: the row is refused (detail unknown) or imported with stock 0."""
    wanted = set(ids)
    report = ImportReport()
    rows = list(
        NewCJVariant.objects.filter(pk__in=wanted).select_related("product_link__product").order_by("pk")
    )
    report.missing = len(wanted) - len(rows)
    linked = set(
        CJVariantLink.objects.filter(vid__in=[row.vid for row in rows]).values_list("vid", flat=True)
    )
    groups: dict[int, list[NewCJVariant]] = {}
    for row in rows:
        if row.status == Status.IMPORTED or row.vid in linked:
            report.already += 1
            NewCJVariant.objects.filter(pk=row.pk).update(status=Status.IMPORTED)
        else:
            groups.setdefault(row.product_link_id, []).append(row)
    if not groups:
        return report
    try:
        client: CJClient | None = client_for()
        cj_down = ""
    except NotConfigured as error:
        client, cj_down = None, str(error)
    usd_rate = CJSettings.load().usd_rate
    for group in groups.values():
        _import_product_rows(group, client, cj_down, usd_rate, report)
    return report


def _import_product_rows(
    group: list[NewCJVariant], client: CJClient | None, cj_down: str, usd_rate: Decimal, report: ImportReport
) -> None:
    """The rows of one product: at most one product detail and one inventory call to CJ, then each row."""
    link = group[0].product_link
    detail, detail_error = None, cj_down
    if client is not None and any(not (row.cost_usd and row.sku and row.key) for row in group):
        try:
            detail = client.get_product(pid=link.pid, with_inventory=False)
        except CJProductNotFound as gone:  # removed at CJ: nothing of it to sell
            report.refused.extend(f"{row.vid} : {gone.user_message}" for row in group)
            return
        except CJError as error:
            detail_error = error.user_message
    ready: list[tuple[NewCJVariant, VariantDetail]] = []
    for row in group:
        variant, reason = _variant_of(row, link, detail, detail_error)
        if variant is None:
            report.refused.append(f"{row.vid} : {reason}")
        else:
            ready.append((row, variant))
    if not ready:
        return
    inventory, stock_error = None, cj_down
    if client is not None:
        try:
            inventory = client.inventory_by_pid(link.pid)
        except CJProductNotFound as gone:
            report.refused.extend(f"{row.vid} : {gone.user_message}" for row, _variant in ready)
            return
        except CJError as error:
            stock_error = error.user_message
    for row, variant in ready:
        stock = stock_sync.by_country(inventory.by_variant.get(row.vid, [])) if inventory else None
        outcome, created = _create(row, variant, _quote(variant.price, link, usd_rate), stock)
        if outcome == "already":
            report.already += 1
        elif outcome == "missing":
            report.missing += 1
        elif created is not None:
            report.imported.append(created)
        if created is not None and stock is None:
            report.without_stock += 1
            report.stock_error = stock_error


def _variant_of(
    row: NewCJVariant, link: CJProductLink, detail: ProductDetail | None, detail_error: str
) -> tuple[VariantDetail | None, str]:
    """CJ's variant: from the product detail when CJ was asked, else from what the row recorded."""
    if detail is not None:
        variant = next((item for item in detail.variants if item.vid == row.vid), None)
        if variant is None:
            return None, _("CJ ne propose plus cette variante.")
        if variant.price is None:
            return None, _("CJ ne donne pas de prix pour cette variante.")
        return variant, ""
    if not (row.cost_usd and row.sku and row.key):
        return None, _("CJ n'a pas donné le détail de la variante (%(e)s). Réessayez plus tard.") % {
            "e": detail_error
        }
    return VariantDetail(
        vid=row.vid,
        pid=link.pid,
        sku=row.sku,
        name=None,
        key=row.key,
        options=split_variant_key(row.key, _option_names(link)),
        price=row.cost_usd,
        suggested_price=None,
        weight_g=None,
        dims=None,
        image=None,
        barcode=None,
    ), ""


def _option_names(link: CJProductLink) -> list[str]:
    """The product's option names ("Color", "Size"), as its imported variants carry them."""
    for options in Variant.objects.filter(product_id=link.product_id).values_list("options", flat=True):
        if options:
            return list(options)
    return []


def _create(
    row: NewCJVariant, variant: VariantDetail, quote: Price, stock: dict[str, int] | None
) -> tuple[str, Variant | None]:
    """The variant, its CJ link and its stock, and the row marked imported, in one transaction.

    ("imported", variant); ("already", None) when it was imported meanwhile; ("missing", None) when the row
    or its product is gone.
    """
    try:
        with transaction.atomic():
            locked = NewCJVariant.objects.select_for_update().filter(pk=row.pk).first()
            if locked is None:
                return "missing", None
            if locked.status == Status.IMPORTED:
                return "already", None
            link = (
                CJProductLink.objects.select_for_update()
                .select_related("product")
                .filter(pk=locked.product_link_id)
                .first()
            )
            if link is None:
                return "missing", None
            created = importing.create_variant(link, variant, quote)
            variant_link = created.cj_link
            if stock is None:  # CJ did not say: never synchronised, so the next stock sync takes it
                CJVariantLink.objects.filter(pk=variant_link.pk).update(last_synced_at=None)
            else:
                catalog_sync.apply_stock(variant_link, stock)
                created.refresh_from_db(fields=["stock"])
            locked.status = Status.IMPORTED
            locked.save(update_fields=["status"])
    except IntegrityError:
        if not CJVariantLink.objects.filter(vid=row.vid).exists():
            raise
        NewCJVariant.objects.filter(pk=row.pk).update(status=Status.IMPORTED)  # a concurrent import won
        return "already", None
    return "imported", created
