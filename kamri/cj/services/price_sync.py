""" "Synchroniser les prix": one product/query per imported product; cost changes go through the guard.

`catalog_sync.apply_cost_change` decides (reprice within the tolerance, or wait for approval); this module
walks the imported products, records the run, and lists the changes waiting in "Changements de prix".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.cj.client import CJError, CJProductNotFound, CJQuotaExhausted, CJRateLimited
from kamri.cj.models import CJAccount, CJProductLink, CJSettings, PriceChange, SyncRun
from kamri.cj.services import catalog_sync, jobs
from kamri.cj.services.connection import client_for
from kamri.cj.services.stock_sync import active_run, claim, variant_missing


def period(settings_row: CJSettings | None = None) -> timedelta | None:
    minutes = (settings_row or CJSettings.load()).price_sync_minutes
    return timedelta(minutes=minutes) if minutes else None


def products() -> QuerySet[CJProductLink]:
    return CJProductLink.objects.order_by("pk")


def start(*, scheduled: bool = False, enqueue: bool = True) -> SyncRun:
    """Create the run row (the truth); the queue only starts it. A run already in progress is reused."""
    current = active_run(SyncRun.Kind.PRICES)
    if current is not None:
        return current
    from kamri.cj.sync_tasks import run_price_sync

    return jobs.create(
        SyncRun.Kind.PRICES,
        total=products().count(),
        params={"scheduled": scheduled},
        enqueue=run_price_sync if enqueue else None,
    )


def run(run_id: int, *, progress: jobs.Progress | None = None) -> SyncRun:
    job = claim(run_id)
    if job is None:
        return SyncRun.objects.get(pk=run_id)
    try:
        return _run(job, progress)
    except Exception as failure:  # a bug must not leave the run "running" forever
        job.summary = {**(job.summary or {}), "lines": [_("Interrompue par une erreur inattendue.")]}
        jobs.finish(job, error=_("Erreur inattendue : %(e)s") % {"e": type(failure).__name__})
        raise


def _run(job: SyncRun, progress: jobs.Progress | None) -> SyncRun:
    rows = list(products().prefetch_related("variant_links"))
    job.total = len(rows)
    job.save(update_fields=["total"])
    counts = {
        "products": 0,
        "repriced": 0,
        "pending": 0,
        "unchanged": 0,
        "not_found": 0,
        "unavailable": 0,
        "new_variants": 0,
        "missing_variants": 0,
        "errors": 0,
        "rate_limited": 0,
    }
    problems: list[str] = []
    client = client_for()
    error = ""
    for link in rows:
        try:
            detail = client.get_product(pid=link.pid, with_inventory=False)
        except CJQuotaExhausted as quota:
            error = quota.user_message
            job.summary = {
                **_summary(counts, problems),
                "quota_until": (
                    timezone.now() + timedelta(seconds=max(60.0, quota.retry_after_s))
                ).isoformat(),
            }
            break
        except CJProductNotFound:
            counts["not_found"] += 1
            counts["unavailable"] += int(catalog_sync.mark_not_found(link))
            job.summary = _summary(counts, problems)
            jobs.step(job, ok=True, progress=progress, save_every=10)
            continue
        except CJError as failure:
            counts["errors"] += 1
            counts["rate_limited"] += int(isinstance(failure, CJRateLimited))
            problems.append(f"{link.pid} : {failure.user_message}")
            job.summary = _summary(counts, problems)
            jobs.step(job, ok=False, progress=progress, save_every=10)
            continue
        catalog_sync.mark_found(link)
        ours = {variant_link.vid: variant_link for variant_link in link.variant_links.all()}
        listed = set()
        for variant in detail.variants:
            if not variant.vid:
                continue
            listed.add(variant.vid)
            variant_link = ours.get(variant.vid)
            if variant_link is None:
                counts["new_variants"] += int(
                    catalog_sync.record_new_variant(
                        link,
                        vid=variant.vid,
                        sku=variant.sku or "",
                        key=variant.key or "",
                        cost=variant.price,
                    )
                )
                continue
            if variant.price is None:
                continue
            outcome = catalog_sync.apply_cost_change(variant_link, variant.price, source="sync")
            counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
        for vid, variant_link in ours.items():
            if vid not in listed:
                counts["missing_variants"] += 1
                variant_missing(variant_link)
        counts["products"] += 1
        job.summary = _summary(counts, problems)
        jobs.step(job, ok=True, progress=progress, save_every=10)
    if "quota_until" not in (job.summary or {}):
        job.summary = _summary(counts, problems)
    CJAccount.objects.update(last_sync_at=timezone.now())
    return jobs.finish(job, error=error)


def _summary(counts: dict, problems: list[str]) -> dict:
    lines = [
        _("%(n)s produit(s) synchronisé(s)") % {"n": counts["products"]},
        _("%(n)s variante(s) repricée(s) automatiquement") % {"n": counts["repriced"]},
        _("%(n)s changement(s) de prix en attente d'approbation") % {"n": counts["pending"]},
        _("%(n)s produit(s) introuvable(s) chez CJ, dont %(u)s rendu(s) indisponible(s)")
        % {"n": counts["not_found"], "u": counts["unavailable"]},
    ]
    if counts["missing_variants"]:
        lines.append(
            _("%(n)s variante(s) retirée(s) par CJ (stock mis à 0)") % {"n": counts["missing_variants"]}
        )
    if counts["new_variants"]:
        lines.append(_("%(n)s nouvelle(s) variante(s) CJ à examiner") % {"n": counts["new_variants"]})
    lines.append(_("%(n)s erreur(s)") % {"n": counts["errors"]})
    return {**counts, "lines": lines, "problems": problems[:50]}


# --- "Changements de prix en attente": reads and the admin's decisions.


def pending() -> QuerySet[PriceChange]:
    return (
        PriceChange.objects.filter(status=PriceChange.Status.PENDING)
        .select_related("variant_link__variant__product", "variant_link__product_link")
        .order_by("-created_at", "-id")
    )


def history() -> QuerySet[PriceChange]:
    return (
        PriceChange.objects.exclude(status=PriceChange.Status.PENDING)
        .select_related("variant_link__variant__product")
        .order_by("-decided_at", "-id")
    )


def pending_count() -> int:
    return PriceChange.objects.filter(status=PriceChange.Status.PENDING).count()


def decide_many(ids: Iterable[int], *, approve: bool, by: str) -> int:
    """Approve or reject several pending changes; returns how many were decided (others were already)."""
    decided = 0
    for change in PriceChange.objects.filter(pk__in=list(ids), status=PriceChange.Status.PENDING):
        decided += int(catalog_sync.decide(change, approve=approve, by=by))
    return decided
