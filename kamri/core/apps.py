from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kamri.core"
    label = "core"
    verbose_name = "KAMRI"

    def ready(self) -> None:
        from kamri.core import audit, checks  # noqa: F401  (checks registers the deployment checks)

        audit.describe(
            {
                "core:logout": _("Se déconnecter"),
                "core:team_invite": _("Équipe — inviter un membre"),
                "core:team_role": _("Équipe — changer un rôle"),
                "core:team_active": _("Équipe — désactiver ou réactiver"),
                "core:team_link": _("Équipe — nouveau lien de mot de passe"),
            }
        )
