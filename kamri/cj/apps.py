from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CJConfig(AppConfig):
    name = "kamri.cj"
    label = "cj"
    verbose_name = _("CJ Dropshipping")
