"""An imported product CJ no longer has: made unavailable at once, with a problem for the admin."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.catalog.models import Product
from kamri.cj.models import CJProductLink, CJSettings, Problem
from kamri.cj.problems import raise_problem


def mark_not_found(link: CJProductLink) -> bool:
    """CJ answered "product not found" (1602001) for an imported product: it left CJ's catalogue, so the product
    is made unavailable at once — waiting for a second answer kept selling it for a sync period. A product
    already made unavailable for it is not acted on twice. True when it was made unavailable now."""
    with transaction.atomic():
        locked = CJProductLink.objects.select_for_update().select_related("product").get(pk=link.pk)
        locked.not_found_count += 1
        locked.save(update_fields=["not_found_count"])
        if locked.not_found_count > 1:
            return False
        make_unavailable(
            locked.product,
            reason=_(
                "CJ répond « produit introuvable » : il a été retiré du catalogue CJ. Retirez-le de la boutique "
                "ou remplacez-le par un produit équivalent."
            ),
        )
    return True


def make_unavailable(product: Product, *, reason: str) -> None:
    """Per the setting: stock 0 on every variant, or the product becomes inactive."""
    if CJSettings.load().unavailable_action == CJSettings.UnavailableAction.INACTIVE:
        Product.objects.filter(pk=product.pk).update(
            status=Product.Status.INACTIVE, updated_at=timezone.now()
        )
    else:
        product.variants.update(stock=0)
    raise_problem(
        f"unavailable-{product.pk}",
        title=_("Produit indisponible chez CJ : %(t)s") % {"t": product.title},
        detail=reason,
        severity=Problem.Severity.WARNING,
        action_url=f"/admin/catalogue/{product.pk}/",
    )


def mark_found(link: CJProductLink) -> None:
    """CJ answered for the product again: the next "not found" acts at once again."""
    if link.not_found_count:
        CJProductLink.objects.filter(pk=link.pk).update(not_found_count=0)
