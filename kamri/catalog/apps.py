from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The editor's actions, as the Journal d'activité names them (kamri.core.audit).
ACTION_LABELS = {
    "catalog:product_edit": _("Modifier un produit"),
    "catalog:product_bulk": _("Action groupée sur le catalogue"),
}


class CatalogConfig(AppConfig):
    name = "kamri.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from kamri.catalog.models import Product
        from kamri.core import audit

        def product_name(kwargs) -> str | None:
            product = Product.objects.filter(pk=kwargs["pk"]).only("title").first()
            return _("Produit « %(title)s »") % {"title": product.title} if product else None

        audit.describe(ACTION_LABELS)
        audit.name_targets({"catalog:product_edit": product_name})
