"""Synchronise every CJ order not yet final, with a terminal progress bar."""

from django.core.management.base import BaseCommand

from kamri.cj.management.sync_command import run_with_progress
from kamri.cj.orders import order_sync


class Command(BaseCommand):
    help = "Synchroniser les commandes CJ en cours (statut, suivi, transporteur)."

    def handle(self, *args, **options):
        run_with_progress(
            self,
            start=lambda: order_sync.start(enqueue=False),
            run=order_sync.run,
            desc="Commandes CJ",
            unit="commande",
        )
