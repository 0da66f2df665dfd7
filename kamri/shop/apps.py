from django.apps import AppConfig


class ShopConfig(AppConfig):
    """The whole shop put together: `make run`'s command, which sets up and starts every app's processes.

    The one place allowed to import every app (nothing imports it), so the apps need not know each other.
    """

    name = "kamri.shop"
    verbose_name = "KAMRI"
