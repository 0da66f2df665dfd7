"""Synchroniser les coûts CJ des produits importés (repricing ou approbation)."""

from django.core.management.base import BaseCommand

from kamri.cj.management.sync_command import run_with_progress
from kamri.cj.sync import price_sync


class Command(BaseCommand):
    help = "Synchroniser les coûts CJ des produits importés (repricing ou approbation)."

    def handle(self, *args, **options):
        run_with_progress(
            self,
            start=lambda: price_sync.start(enqueue=False),
            run=price_sync.run,
            desc="Prix CJ",
            unit="produit",
        )
