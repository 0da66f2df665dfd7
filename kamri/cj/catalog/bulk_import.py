"""Bulk import: several CJ products with one rule, as a background job with progress and a summary."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.catalog.models import Category
from kamri.catalog.pricing import PricingRule
from kamri.cj import jobs, queue
from kamri.cj.catalog.importing import ImportRefused, import_product
from kamri.cj.client import CJError, CJQuotaExhausted
from kamri.cj.models import SyncRun


class AlreadyRunning(Exception):
    """A bulk import is already queued or running: a second one would fight it for CJ's quota."""

    def __init__(self, current: SyncRun) -> None:
        self.run = current
        super().__init__(
            _(
                "Un import groupé est déjà en cours (%(done)s sur %(total)s) : attendez sa fin, "
                "puis relancez l'import des produits restants."
            )
            % {"done": current.done + current.failed, "total": current.total}
        )


def start(*, pids: list[str], rule: PricingRule, status: str, category_id: int | None) -> SyncRun:
    """Record the job, then enqueue it once the row is committed (the row is the truth, not the queue).

    Raises AlreadyRunning while another bulk import is queued or running (two starts make one run)."""
    unique = list(dict.fromkeys(pid for pid in pids if pid))
    job, created = jobs.start_once(
        SyncRun.Kind.BULK_IMPORT,
        total=lambda: len(unique),
        params={
            "pids": unique,
            "status": status,
            "category_id": category_id,
            "margin_percent": str(rule.margin_percent),
            "rounding": rule.rounding.value,
            "compare_at_multiplier": str(rule.compare_at_multiplier) if rule.compare_at_multiplier else None,
        },
        enqueue=queue.run_bulk_import,
    )
    if not created:
        raise AlreadyRunning(job)
    return job


def refuse_if_running() -> None:
    """Raises AlreadyRunning while a bulk import is queued or running: the page says so before doing anything."""
    current = jobs.active(SyncRun.Kind.BULK_IMPORT)
    if current is not None:
        raise AlreadyRunning(current)


def run(run_id: int) -> SyncRun:
    """What the worker runs: the queued job, taken once (a second worker given the same id does nothing).

    A worker killed mid-run leaves the job "running"; the sweeper queues it again and it resumes here, skipping
    the products already in its results."""
    job = jobs.take(run_id)
    if job is None:
        return SyncRun.objects.get(pk=run_id)
    params = job.params
    rule = PricingRule.of(params)
    category = (
        Category.objects.filter(pk=params.get("category_id")).first() if params.get("category_id") else None
    )
    results: dict[str, dict] = dict(job.summary.get("results", {}))
    error = ""
    for pid in params["pids"]:
        if pid in results:  # a restarted job resumes where it stopped
            continue
        try:
            outcome = import_product(pid=pid, rule=rule, status=params["status"], category=category)
            results[pid] = {
                "ok": True,
                "created": outcome.created,
                "product_id": outcome.product.pk,
                "title": outcome.product.title,
                "message": outcome.message,
            }
            ok = True
        except CJQuotaExhausted as quota:
            results[pid] = {"ok": False, "message": quota.user_message}
            error = quota.user_message
            job.summary = _summary(results)
            jobs.step(job, ok=False)
            break
        except (CJError, ImportRefused) as failure:
            message = failure.user_message if isinstance(failure, CJError) else str(failure)
            results[pid] = {"ok": False, "message": message}
            ok = False
        job.summary = _summary(results)
        jobs.step(job, ok=ok)
    job.summary = _summary(results)
    return jobs.finish(job, error=error)


def _summary(results: dict[str, dict]) -> dict:
    created = sum(1 for r in results.values() if r.get("ok") and r.get("created"))
    already = sum(1 for r in results.values() if r.get("ok") and not r.get("created"))
    errors = sum(1 for r in results.values() if not r.get("ok"))
    return {
        "results": results,
        "lines": [
            ngettext("%(n)s produit importé", "%(n)s produits importés", created) % {"n": created},
            ngettext("%(n)s déjà importé", "%(n)s déjà importés", already) % {"n": already},
            ngettext("%(n)s erreur", "%(n)s erreurs", errors) % {"n": errors},
        ],
    }
