from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ORDER_ACTIONS = (
    "orders:order_mark_paid",
    "orders:order_cancel",
    "orders:order_refund",
    "orders:order_resend_email",
    "orders:order_note",
    "orders:hold_release",
)


class OrdersConfig(AppConfig):
    name = "kamri.orders"
    label = "orders"
    verbose_name = _("Commandes")

    def ready(self) -> None:
        from kamri.core import audit
        from kamri.orders import receivers, tasks  # noqa: F401  (signal receivers; the jobs kamri.core.queue hands out)

        audit.describe(
            {
                "orders:order_mark_paid": _("Marquer comme payée"),
                "shipping:rule_add": _("Ajouter une règle de livraison"),
                "shipping:rule_delete": _("Supprimer une règle de livraison"),
                "shipping:vat_rates": _("Enregistrer les taux de TVA"),
                "orders:order_cancel": _("Annuler une commande"),
                "orders:order_refund": _("Rembourser"),
                "orders:order_resend_email": _("Renvoyer un e-mail"),
                "orders:order_note": _("Ajouter une note interne"),
                "orders:hold_release": _("Libérer une commande retenue"),
                "payments:settings": _("Réglages de paiement"),
            }
        )
        audit.name_targets({name: _order_name for name in ORDER_ACTIONS})


def _order_name(kwargs) -> str:
    return gettext("Commande %(number)s") % {"number": kwargs["number"]}
