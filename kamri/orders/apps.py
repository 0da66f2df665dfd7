from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "kamri.orders"
    label = "orders"
    verbose_name = _("Commandes")

    def ready(self) -> None:
        from kamri.core import audit

        audit.describe({"orders:order_mark_paid": _("Marquer comme payée")})
        audit.name_targets({"orders:order_mark_paid": _order_name})


def _order_name(kwargs) -> str:
    from django.utils.translation import gettext

    return gettext("Commande %(number)s") % {"number": kwargs["number"]}
