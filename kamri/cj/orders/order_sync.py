""" "Synchroniser les commandes": every CJ order not yet final — status, tracking, logistic — within the limiter."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.cj import jobs, queue
from kamri.cj import status as cj_status
from kamri.cj.client import CJError, CJOrderNotFound, CJQuotaExhausted
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJAccount, CJOrder, SyncRun
from kamri.cj.orders.order_status import apply_update


def in_flight(*, fresher_than: timedelta | None = None) -> QuerySet:
    """Placed CJ orders whose status can still change; optionally only those not refreshed recently."""
    rows = (
        CJOrder.objects.filter(state__in=[CJOrder.State.PLACED, CJOrder.State.NEEDS_ATTENTION])
        .exclude(cj_status__in=cj_status.FINAL_CJ_STATUSES)
        .exclude(cj_order_id__isnull=True)
    )
    if fresher_than is not None:
        cutoff = timezone.now() - fresher_than
        rows = rows.exclude(last_synced_at__gte=cutoff)
    return rows.order_by("last_synced_at", "pk")


def start(*, skip_recent: bool = False, enqueue: bool = True) -> SyncRun:
    """Record a run; the worker runs it (or the caller does, with enqueue=False). A run already queued or
    running (started in the last 10 minutes) is returned instead of starting a second one."""
    run, _created = jobs.start_once(
        SyncRun.Kind.ORDERS,
        total=in_flight(fresher_than=timedelta(minutes=10) if skip_recent else None).count,
        params={"skip_recent": skip_recent},
        enqueue=queue.run_order_sync if enqueue else None,
        within=timedelta(minutes=10),
    )
    return run


def run(run_id: int, *, progress: jobs.Progress | None = None) -> SyncRun:
    return jobs.run(run_id, lambda job: _run(job, progress))


def _run(job: SyncRun, progress: jobs.Progress | None) -> SyncRun:
    rows = list(in_flight(fresher_than=timedelta(minutes=10) if job.params.get("skip_recent") else None))
    job.total = len(rows)
    counts = {"updated": 0, "tracking": 0, "errors": 0}
    problems: list[str] = []
    client = client_for()
    error = ""
    for row in rows:
        try:
            remote = client.get_order(row.cj_order_id or row.order_number)
        except CJQuotaExhausted as quota:
            error = quota.user_message
            break
        except CJOrderNotFound:
            counts["errors"] += 1
            problems.append(_("%(n)s : introuvable chez CJ.") % {"n": row.order_number})
            jobs.step(job, ok=False, progress=progress)
            continue
        except CJError as failure:
            counts["errors"] += 1
            problems.append(f"{row.order_number} : {failure.user_message}")
            jobs.step(job, ok=False, progress=progress)
            continue
        change = apply_update(
            row,
            status=remote.status,
            track_number=remote.track_number,
            tracking_url=remote.tracking_url,
            logistic_name=remote.logistic_name,
            source="sync",
        )
        counts["updated"] += int(change.status_changed or change.tracking_found)
        counts["tracking"] += int(change.tracking_found)
        job.summary = _summary(counts, problems)
        jobs.step(job, ok=True, progress=progress)
    job.summary = _summary(counts, problems)
    CJAccount.objects.update(last_sync_at=timezone.now())
    return jobs.finish(job, error=error)


def _summary(counts: dict, problems: list[str]) -> dict:
    return {
        **counts,
        "lines": [
            ngettext("%(n)s commande mise à jour", "%(n)s commandes mises à jour", counts["updated"])
            % {"n": counts["updated"]},
            ngettext("%(n)s numéro de suivi récupéré", "%(n)s numéros de suivi récupérés", counts["tracking"])
            % {"n": counts["tracking"]},
            ngettext("%(n)s erreur", "%(n)s erreurs", counts["errors"]) % {"n": counts["errors"]},
        ],
        "problems": problems[:50],
    }
