"""Long jobs recorded as SyncRun rows: progress the admin can watch, a summary the admin can read."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kamri.cj import queue
from kamri.cj.models import CJSettings, SyncRun

log = logging.getLogger(__name__)

Progress = Callable[[SyncRun], None]

#: Runs still queued or running after this long are considered lost (worker killed) and no longer block.
STALE_RUN = timedelta(hours=1)


def active(kind: str, *, within: timedelta = STALE_RUN) -> SyncRun | None:
    """A run of this kind already queued or running (and not lost): start nothing new beside it."""
    return (
        SyncRun.objects.filter(
            kind=kind,
            status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING],
            created_at__gte=timezone.now() - within,
        )
        .order_by("-created_at")
        .first()
    )


def create(
    kind: str, *, total: int, params: dict | None = None, enqueue: Callable[[int], object] | None = None
) -> SyncRun:
    """The row is the truth; the queue only starts it (after commit, so the worker always finds the row)."""
    run = SyncRun.objects.create(kind=kind, total=total, params=params or {})
    if enqueue is not None:
        transaction.on_commit(lambda: enqueue(run.pk))
    return run


def start_once(
    kind: str,
    *,
    total: Callable[[], int],
    params: dict | None = None,
    enqueue: Callable[[int], object] | None = None,
    within: timedelta = STALE_RUN,
) -> tuple[SyncRun, bool]:
    """The run of this kind already queued or running, or a new one (True when created). Two starts at the same
    moment make one run: the check and the creation hold the settings row's lock (on SQLite, the immediate
    transaction's write lock)."""
    with transaction.atomic():
        CJSettings.objects.select_for_update().only("pk").get(pk=CJSettings.load().pk)
        current = active(kind, within=within)
        if current is not None:
            return current, False
        return create(kind, total=total(), params=params, enqueue=enqueue), True


def claim(run: SyncRun) -> bool:
    """Start a queued run; False when another worker already did (a run never executes twice).

    A resumed run (the sweeper queued it again) keeps the time it first started."""
    started = timezone.now()
    claimed = SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING,
        started_at=Coalesce(F("started_at"), Value(started)),
        heartbeat_at=started,
    )
    if claimed:
        run.status, run.started_at, run.heartbeat_at = (
            SyncRun.Status.RUNNING,
            run.started_at or started,
            started,
        )
    return bool(claimed)


def take(run_id: int) -> SyncRun | None:
    """The queued run with this id, now running in this process; None when another worker took it."""
    run = SyncRun.objects.get(pk=run_id)
    return run if claim(run) else None


def run(run_id: int, body: Callable[[SyncRun], SyncRun]) -> SyncRun:
    """Take the queued run (never twice) and execute it; an unexpected error fails the run, then propagates."""
    job = take(run_id)
    if job is None:
        return SyncRun.objects.get(pk=run_id)
    try:
        return body(job)
    except Exception as failure:
        job.summary = {**(job.summary or {}), "lines": [_("Interrompue par une erreur inattendue.")]}
        log.exception("sync run %s interrupted", job.pk)
        finish(
            job,
            error=_(
                "Erreur inattendue : la synchronisation s'est arrêtée (détail dans les journaux du serveur). "
                "Relancez-la ; si l'erreur revient, signalez-la."
            ),
        )
        raise failure


def step(run: SyncRun, *, ok: bool, progress: Progress | None = None, save_every: int = 1) -> None:
    if ok:
        run.done += 1
    else:
        run.failed += 1
    if (run.done + run.failed) % save_every == 0 or run.done + run.failed == run.total:
        save_progress(run)
    if progress:
        progress(run)


def save_progress(run: SyncRun) -> None:
    """Counts and summary saved with a heartbeat: the sweeper tells a live run from one a kill cut short."""
    run.heartbeat_at = timezone.now()
    run.save(update_fields=["done", "failed", "summary", "heartbeat_at"])


def finish(run: SyncRun, *, error: str = "") -> SyncRun:
    run.error = error
    run.status = SyncRun.Status.FAILED if error else SyncRun.Status.DONE
    run.finished_at = timezone.now()
    run.save()
    return run


# --- The sweeper: a worker killed mid-run leaves its row "running" (or "queued" when the queue lost the job).
RESUMABLE = (SyncRun.Kind.BULK_IMPORT,)  # skips what it already did; the syncs start afresh on their schedule


def stale_after() -> timedelta:
    return timedelta(minutes=settings.KAMRI_JOB_STALE_MINUTES)


def sweep() -> dict[str, int]:
    """Resume the runs that can go on from where they stopped, close the others with the reason."""
    limit = timezone.now() - stale_after()
    resumed = closed = 0
    lost = SyncRun.objects.filter(status=SyncRun.Status.QUEUED, created_at__lt=limit)
    for run in lost:
        if SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.QUEUED).update(created_at=timezone.now()):
            _enqueue(run.kind, run.pk)
            resumed += 1
    cut = SyncRun.objects.filter(status=SyncRun.Status.RUNNING).exclude(heartbeat_at__gte=limit)
    for run in cut.exclude(started_at__gte=limit):
        if _interrupted(run):
            resumed += 1
        else:
            closed += 1
    return {"resumed": resumed, "closed": closed}


def _interrupted(run: SyncRun) -> bool:
    where = f"{run.done + run.failed}/{run.total}"
    last = run.heartbeat_at or run.started_at or run.created_at
    when = date_format(timezone.localtime(last), "SHORT_DATETIME_FORMAT")
    if run.kind in RESUMABLE:
        note = _(
            "Interrompue à %(where)s (le worker s'est arrêté vers %(when)s), reprise là où elle s'était arrêtée."
        )
        run.interruptions = [*run.interruptions, note % {"where": where, "when": when}]
        run.status, run.heartbeat_at = SyncRun.Status.QUEUED, timezone.now()
        run.save(update_fields=["status", "interruptions", "heartbeat_at"])
        transaction.on_commit(lambda: _enqueue(run.kind, run.pk))
        log.warning("sync run %s cut at %s: resumed", run.pk, where)
        return True
    reason = _(
        "Interrompue à %(where)s : le worker s'est arrêté vers %(when)s. Rien n'est perdu de ce qui a été fait ; "
        "la prochaine synchronisation reprend l'ensemble."
    ) % {"where": where, "when": when}
    run.interruptions = [*run.interruptions, reason]
    finish(run, error=reason)
    log.warning("sync run %s cut at %s: closed", run.pk, where)
    return False


def _enqueue(kind: str, pk: int) -> None:
    runner = {
        SyncRun.Kind.BULK_IMPORT: queue.run_bulk_import,
        SyncRun.Kind.ORDERS: queue.run_order_sync,
        SyncRun.Kind.STOCK: queue.run_stock_sync,
        SyncRun.Kind.PRICES: queue.run_price_sync,
    }[kind]
    runner(pk)
