"""Synchroniser les coûts CJ des produits importés (repricing ou approbation)."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kamri.cj.services import price_sync
from kamri.cj.services.connection import NotConfigured, require_account


class Command(BaseCommand):
    help = "Synchroniser les coûts CJ des produits importés (repricing ou approbation)."

    def handle(self, *args, **options):
        try:
            require_account()
        except NotConfigured as error:
            self.stderr.write(self.style.ERROR(str(error)))
            return
        job = price_sync.start(enqueue=False)
        with tqdm(total=job.total, unit="produit", desc="Prix CJ") as bar:
            job = price_sync.run(job.pk, progress=lambda run: bar.update(1))
        if not job.finished_at:
            self.stdout.write(self.style.WARNING(f"Une synchronisation est déjà en cours (n° {job.pk})."))
            return
        for line in job.summary.get("lines", []):
            self.stdout.write(f"- {line}")
        for problem in job.summary.get("problems", []):
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        if job.error:
            self.stderr.write(self.style.ERROR(job.error))
