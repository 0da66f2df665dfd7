"""Bulk actions of the catalogue list: one status, category or pricing rule for the ticked products. Each
returns the sentence the admin reads and the products by name — both kept by the Journal d'activité."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.catalog import rules
from kamri.catalog.models import Category, Product
from kamri.catalog.pricing import PricingRule

NAMES_SHOWN = 8


@dataclass(frozen=True)
class BulkOutcome:
    message: str
    names: str  # « Lampe », « Sac » et 3 autres
    complete: bool = True  # False: some selected products were left as they were (and the message says so)


def names(products: list[Product]) -> str:
    """« Lampe », « Sac » et 3 autres: the products by title, as the journal names objects."""
    shown = ", ".join(f"« {product.title[:60]} »" for product in products[:NAMES_SHOWN])
    rest = len(products) - NAMES_SHOWN
    if rest > 0:
        shown += " " + ngettext("et %(n)s autre", "et %(n)s autres", rest) % {"n": rest}
    return shown


def _selected(ids: list[int]) -> list[Product]:
    return list(Product.objects.filter(pk__in=ids).order_by("title", "pk").only("pk", "title"))


def set_status(ids: list[int], status: str) -> BulkOutcome:
    products = _selected(ids)
    Product.objects.filter(pk__in=[product.pk for product in products]).update(status=status)
    label = dict(Product.Status.choices)[status]
    text = ngettext(
        "Statut « %(status)s » pour %(n)s produit : %(names)s.",
        "Statut « %(status)s » pour %(n)s produits : %(names)s.",
        len(products),
    ) % {"status": label, "n": len(products), "names": names(products)}
    return BulkOutcome(text, names(products))


def set_category(ids: list[int], category: Category | None) -> BulkOutcome:
    products = _selected(ids)
    Product.objects.filter(pk__in=[product.pk for product in products]).update(category=category)
    where = category.name if category else _("Sans catégorie")
    text = ngettext(
        "Catégorie « %(category)s » pour %(n)s produit : %(names)s.",
        "Catégorie « %(category)s » pour %(n)s produits : %(names)s.",
        len(products),
    ) % {"category": where, "n": len(products), "names": names(products)}
    return BulkOutcome(text, names(products))


def set_rule(ids: list[int], rule: PricingRule) -> BulkOutcome:
    """The rule for the selected supplier products, repriced now; the shop's own products (no supplier rule)
    and fixed prices are left as they are, and the sentence says so."""
    products = _selected(ids)
    with transaction.atomic():
        taken, repriced = rules.apply_rule(products, rule)
    text = ngettext(
        "Règle de prix appliquée à %(n)s produit (%(names)s) ; prix recalculés : %(v)s.",
        "Règle de prix appliquée à %(n)s produits (%(names)s) ; prix recalculés : %(v)s.",
        len(taken),
    ) % {"n": len(taken), "names": names(taken) or "—", "v": repriced}
    left = [product for product in products if product not in taken]
    if left:
        text += " " + ngettext(
            "%(n)s produit sans règle de prix fournisseur laissé tel quel : %(names)s.",
            "%(n)s produits sans règle de prix fournisseur laissés tels quels : %(names)s.",
            len(left),
        ) % {"n": len(left), "names": names(left)}
    return BulkOutcome(text, names(products), complete=not left)
