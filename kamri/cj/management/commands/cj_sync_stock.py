"""Synchroniser le stock des produits importés depuis CJ (un appel par produit)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kamri.cj.services import stock_sync
from kamri.cj.services.connection import NotConfigured, require_account


class Command(BaseCommand):
    help = "Synchroniser le stock des produits importés depuis CJ (un appel par produit)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-recent",
            action="store_true",
            help="Ignorer les produits rafraîchis récemment (webhook) pendant la demi-période.",
        )

    def handle(self, *args, **options):
        try:
            require_account()
        except NotConfigured as error:
            self.stderr.write(self.style.ERROR(str(error)))
            return
        job = stock_sync.start(skip_recent=options["skip_recent"], enqueue=False)
        with tqdm(total=job.total, unit="produit", desc="Stock CJ") as bar:
            job = stock_sync.run(job.pk, progress=lambda run: bar.update(1))
        if not job.finished_at:
            self.stdout.write(self.style.WARNING(f"Une synchronisation est déjà en cours (n° {job.pk})."))
            return
        for line in job.summary.get("lines", []):
            self.stdout.write(f"- {line}")
        for problem in job.summary.get("problems", []):
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        if job.error:
            self.stderr.write(self.style.ERROR(job.error))
