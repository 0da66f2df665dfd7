from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kamri.core"
    label = "core"
    verbose_name = "KAMRI"
