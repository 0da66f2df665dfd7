"""Synchroniser le stock des produits importés depuis CJ (un appel par produit)."""

from django.core.management.base import BaseCommand

from kamri.cj.management.sync_command import run_with_progress
from kamri.cj.sync import stock_sync


class Command(BaseCommand):
    help = "Synchroniser le stock des produits importés depuis CJ (un appel par produit)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-recent",
            action="store_true",
            help="Ignorer les produits rafraîchis récemment (webhook) pendant la demi-période.",
        )

    def handle(self, *args, **options):
        run_with_progress(
            self,
            start=lambda: stock_sync.start(skip_recent=options["skip_recent"], enqueue=False),
            run=stock_sync.run,
            desc="Stock CJ",
            unit="produit",
        )
