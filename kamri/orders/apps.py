from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "kamri.orders"
    label = "orders"
    verbose_name = _("Commandes")

    def ready(self) -> None:
        from kamri.core import audit

        audit.describe(
            {
                "orders:order_mark_paid": _("Marquer comme payée"),
                "orders:order_cancel": _("Annuler une commande"),
                "orders:order_refund": _("Rembourser"),
                "orders:order_resend_email": _("Renvoyer un e-mail"),
                "orders:order_note": _("Ajouter une note interne"),
                "orders:hold_release": _("Libérer une commande retenue"),
                "payments:settings": _("Réglages de paiement"),
            }
        )
