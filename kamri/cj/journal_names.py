"""How the Journal d'activité names the object of each CJ action (kamri.core.audit.name_targets): by what the
admin reads on the page — an order's number, a product's title — never a database id."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from kamri.cj.models import CJOrder, CJProductLink, NewCJVariant, PriceChange, Problem, WebhookEvent


def _order(kwargs: Mapping[str, object]) -> str | None:
    row = CJOrder.objects.select_related("order").filter(pk=kwargs["pk"]).first()
    return _("Commande %(number)s") % {"number": row.order.number} if row else None


def _cj_product(kwargs: Mapping[str, object]) -> str:
    link = CJProductLink.objects.select_related("product").filter(pid=kwargs["pid"]).first()
    if link is not None:
        return _("Produit « %(title)s »") % {"title": link.product.title}
    return _("Produit CJ %(pid)s") % {"pid": kwargs["pid"]}


def _webhook(kwargs: Mapping[str, object]) -> str | None:
    event = WebhookEvent.objects.filter(pk=kwargs["pk"]).only("type", "received_at").first()
    if event is None:
        return None
    return _("Webhook %(type)s reçu le %(at)s") % {
        "type": event.type or "?",
        "at": date_format(localtime(event.received_at), "SHORT_DATETIME_FORMAT"),
    }


def _price_change(kwargs: Mapping[str, object]) -> str | None:
    change = (
        PriceChange.objects.select_related("variant_link__variant__product").filter(pk=kwargs["pk"]).first()
    )
    if change is None:
        return None
    variant = change.variant_link.variant
    return _("Prix de « %(title)s » (%(sku)s)") % {"title": variant.product.title, "sku": variant.sku}


def _new_variant(kwargs: Mapping[str, object]) -> str | None:
    row = NewCJVariant.objects.select_related("product_link__product").filter(pk=kwargs["pk"]).first()
    if row is None:
        return None
    return _("Variante CJ %(sku)s de « %(title)s »") % {
        "sku": row.sku or row.vid,
        "title": row.product_link.product.title,
    }


def _problem(kwargs: Mapping[str, object]) -> str | None:
    problem = Problem.objects.filter(pk=kwargs["pk"]).only("title").first()
    return _("Problème « %(title)s »") % {"title": problem.title} if problem else None


NAMERS = {
    "cj:order_address": _order,
    "cj:order_resubmit": _order,
    "cj:import_product": _cj_product,
    "cj:webhook_retry": _webhook,
    "cj:price_change_decide": _price_change,
    "cj:new_variant_decide": _new_variant,
    "cj:problem_dismiss": _problem,
}
