from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The admin's buttons and forms, as the Journal d'activité names them (kamri.core.audit).
ACTION_LABELS = {
    "cj:settings": _("Sauvegarder la configuration CJ"),
    "cj:settings_test": _("Tester la connexion"),
    "cj:automation": _("Enregistrer les paramètres"),
    "cj:import_product": _("Importer un produit"),
    "cj:import_bulk": _("Importer la sélection"),
    "cj:sync_orders": _("Synchroniser les commandes"),
    "cj:order_address": _("Corriger l'adresse"),
    "cj:order_resubmit": _("Renvoyer à CJ"),
    "cj:webhooks_enable": _("Activer les webhooks"),
    "cj:webhooks_disable": _("Désactiver les webhooks"),
    "cj:webhooks_rotate": _("Nouvelle adresse secrète"),
    "cj:webhook_retry": _("Retraiter un webhook"),
    "cj:webhook_retry_bulk": _("Retraiter les webhooks filtrés"),
    "cj:price_change_decide": _("Décider d'un changement de prix"),
    "cj:price_changes_bulk": _("Décider de plusieurs changements de prix"),
    "cj:sync_stock": _("Synchroniser le stock"),
    "cj:sync_prices": _("Synchroniser les prix"),
    "cj:new_variant_decide": _("Importer, ignorer ou rouvrir une nouvelle variante CJ"),
    "cj:new_variants_bulk": _("Importer, ignorer ou rouvrir plusieurs nouvelles variantes CJ"),
    "cj:problems": _("Vérifier les problèmes"),
    "cj:problem_dismiss": _("Ignorer un problème"),
}


class CJConfig(AppConfig):
    name = "kamri.cj"
    label = "cj"
    verbose_name = _("CJ Dropshipping")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from kamri.cj import (
            receivers,  # noqa: F401  (connects the order_paid listener)
            tasks,  # noqa: F401  (registers the jobs kamri.cj.queue hands to services)
        )
        from kamri.cj.client import errors
        from kamri.cj.journal_names import NAMERS
        from kamri.cj.models import CJSettings
        from kamri.core import audit
        from kamri.core.money import register_rate

        register_rate("USD", lambda: CJSettings.load().usd_rate)
        from kamri.catalog.rules import register_rule_store
        from kamri.cj.catalog.product_rules import CJRuleStore

        register_rule_store(CJRuleStore())  # the catalogue's editor and bulk actions edit CJ products' rules
        from kamri.cj.orders.freight import cart_freight
        from kamri.orders.shipping import register_freight_provider

        register_freight_provider(cart_freight)  # the cart's CJ lines are priced with CJ's freight
        errors.set_translator(gettext)  # CJ error messages in the admin's language
        audit.describe(ACTION_LABELS)
        audit.name_targets(NAMERS)
