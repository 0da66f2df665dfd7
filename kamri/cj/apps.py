from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CJConfig(AppConfig):
    name = "kamri.cj"
    label = "cj"
    verbose_name = _("CJ Dropshipping")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from kamri.catalog.currency import register_rate
        from kamri.cj import receivers  # noqa: F401  (connects the order_paid listener)
        from kamri.cj.client import errors
        from kamri.cj.models import CJSettings

        register_rate("USD", lambda: CJSettings.load().usd_rate)
        errors.set_translator(gettext)  # CJ error messages in the admin's language
