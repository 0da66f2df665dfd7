"""Bulk import: several CJ products with one rule, as a background job with progress and a summary."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from kamri.catalog.models import Category
from kamri.catalog.pricing import PricingRule
from kamri.cj import jobs, queue
from kamri.cj.catalog.importing import ImportRefused, import_product
from kamri.cj.client import CJError, CJQuotaExhausted
from kamri.cj.models import SyncRun


def start(*, pids: list[str], rule: PricingRule, status: str, category_id: int | None) -> SyncRun:
    """Record the job, then enqueue it once the row is committed (the row is the truth, not the queue)."""
    unique = list(dict.fromkeys(pid for pid in pids if pid))
    run = SyncRun.objects.create(
        kind=SyncRun.Kind.BULK_IMPORT,
        total=len(unique),
        params={
            "pids": unique,
            "status": status,
            "category_id": category_id,
            "margin_percent": str(rule.margin_percent),
            "rounding": rule.rounding.value,
            "compare_at_multiplier": str(rule.compare_at_multiplier) if rule.compare_at_multiplier else None,
        },
    )
    transaction.on_commit(lambda: queue.run_bulk_import(run.pk))
    return run


def run(run_id: int) -> SyncRun:
    job = SyncRun.objects.get(pk=run_id)
    if job.status in (SyncRun.Status.DONE, SyncRun.Status.FAILED):
        return job
    params = job.params
    rule = PricingRule.of(params)
    category = (
        Category.objects.filter(pk=params.get("category_id")).first() if params.get("category_id") else None
    )
    results: dict[str, dict] = dict(job.summary.get("results", {}))
    job.status, job.started_at = SyncRun.Status.RUNNING, job.started_at or timezone.now()
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "started_at", "heartbeat_at"])
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
            job.done += 1
        except CJQuotaExhausted as error:
            results[pid] = {"ok": False, "message": error.user_message}
            job.failed += 1
            job.error = error.user_message
            break
        except (CJError, ImportRefused) as error:
            message = error.user_message if isinstance(error, CJError) else str(error)
            results[pid] = {"ok": False, "message": message}
            job.failed += 1
        job.summary = _summary(results)
        jobs.save_progress(job)
    job.summary = _summary(results)
    job.status = SyncRun.Status.FAILED if job.error else SyncRun.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job


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
