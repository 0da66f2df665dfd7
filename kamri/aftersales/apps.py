from django.apps import AppConfig


class AftersalesConfig(AppConfig):
    """After-sales: the customer's "Signaler un problème" requests, their photos, and the delivery news e-mails.

    It imports nothing of kamri.cj: the CJ app reads these requests and opens its disputes from them.
    """

    name = "kamri.aftersales"
    verbose_name = "Service après-vente"

    def ready(self) -> None:
        # connects the delivery news to the timeline; registers the e-mail job services enqueue (kamri.core.queue)
        from kamri.aftersales import receivers, tasks  # noqa: F401
