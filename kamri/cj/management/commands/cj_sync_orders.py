"""Synchronise every CJ order not yet final, with a terminal progress bar."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kamri.cj.services import order_sync


class Command(BaseCommand):
    help = "Synchroniser les commandes CJ en cours (statut, suivi, transporteur)."

    def handle(self, *args, **options):
        job = order_sync.start(enqueue=False)
        with tqdm(total=job.total, unit="commande", desc="Commandes CJ") as bar:
            job = order_sync.run(job.pk, progress=lambda run: bar.update(1))
        for line in job.summary.get("lines", []):
            self.stdout.write(f"- {line}")
        for problem in job.summary.get("problems", []):
            self.stdout.write(self.style.WARNING(f"  {problem}"))
        if job.error:
            self.stderr.write(self.style.ERROR(job.error))
