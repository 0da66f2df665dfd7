"""Long jobs recorded as SyncRun rows: progress the admin can watch, a summary the admin can read."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from kamri.cj.models import SyncRun

Progress = Callable[[SyncRun], None]


def create(
    kind: str, *, total: int, params: dict | None = None, enqueue: Callable[[int], object] | None = None
) -> SyncRun:
    """The row is the truth; the queue only starts it (after commit, so the worker always finds the row)."""
    run = SyncRun.objects.create(kind=kind, total=total, params=params or {})
    if enqueue is not None:
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def claim(run: SyncRun) -> bool:
    """Start a queued run; False when another worker already did (a run never executes twice)."""
    started = timezone.now()
    claimed = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=started
    )
    if claimed:
        run.status, run.started_at = SyncRun.Status.RUNNING, started
    return bool(claimed)


def take(run_id: int) -> SyncRun | None:
    """The queued run with this id, now running in this process; None when another worker took it."""
    run = SyncRun.objects.get(pk=run_id)
    return run if claim(run) else None


def step(run: SyncRun, *, ok: bool, progress: Progress | None = None, save_every: int = 1) -> None:
    if ok:
        run.done += 1
    else:
        run.failed += 1
    if (run.done + run.failed) % save_every == 0 or run.done + run.failed == run.total:
        run.save(update_fields=["done", "failed", "summary"])
    if progress:
        progress(run)


def finish(run: SyncRun, *, error: str = "") -> SyncRun:
    run.error = error
    run.status = SyncRun.Status.FAILED if error else SyncRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run
