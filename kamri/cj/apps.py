from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CJConfig(AppConfig):
    name = "kamri.cj"
    label = "cj"
    verbose_name = _("CJ Dropshipping")

    def ready(self) -> None:
        from kamri.catalog.currency import register_rate
        from kamri.cj import receivers  # noqa: F401  (connects the order_paid listener)
        from kamri.cj.models import CJSettings

        register_rate("USD", lambda: CJSettings.load().usd_rate)
