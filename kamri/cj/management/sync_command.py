"""The shared body of the `cj_sync_*` commands: a recorded job run with a terminal progress bar."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand
from tqdm import tqdm

from kamri.cj.connection.account import NotConfigured, require_account
from kamri.cj.models import SyncRun


def run_with_progress(
    command: BaseCommand, *, start: Callable[[], SyncRun], run: Callable[..., SyncRun], desc: str, unit: str
) -> None:
    try:
        require_account()
    except NotConfigured as error:
        command.stderr.write(command.style.ERROR(str(error)))
        return
    job = start()
    with tqdm(total=job.total, unit=unit, desc=desc) as bar:
        job = run(job.pk, progress=lambda _run: bar.update(1))
    if not job.finished_at:
        command.stdout.write(command.style.WARNING(f"Une synchronisation est déjà en cours (n° {job.pk})."))
        return
    for line in job.summary.get("lines", []):
        command.stdout.write(f"- {line}")
    for problem in job.summary.get("problems", []):
        command.stdout.write(command.style.WARNING(f"  {problem}"))
    if job.error:
        command.stderr.write(command.style.ERROR(job.error))
