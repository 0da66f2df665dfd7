""" "Synchroniser le stock": one getInventoryByPid per imported product, through the shared limiter.

The rules (sellable stock, availability, new variants) live in `catalog_sync`; this module only walks the
imported products, asks CJ once per product and records the run.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kamri.cj.client import CJError, CJProductNotFound, CJQuotaExhausted, CJRateLimited, WarehouseStock
from kamri.cj.models import CJAccount, CJProductLink, CJSettings, CJVariantLink, SyncRun
from kamri.cj.services import catalog_sync, jobs
from kamri.cj.services.connection import client_for

#: Runs still queued or running after this long are considered lost (worker killed) and no longer block.
STALE_RUN = timedelta(hours=1)


def period(settings_row: CJSettings | None = None) -> timedelta | None:
    minutes = (settings_row or CJSettings.load()).stock_sync_minutes
    return timedelta(minutes=minutes) if minutes else None


def products(*, fresher_than: timedelta | None = None) -> QuerySet[CJProductLink]:
    """Imported products to synchronise; optionally without those refreshed recently (webhook, import).

    A product is fresh when its own mark is recent, or when every one of its variants was refreshed
    recently (a STOCK webhook goes through `apply_stock`, which stamps the variant).
    """
    rows = CJProductLink.objects.all()
    if fresher_than is not None:
        cutoff = timezone.now() - fresher_than
        stale_variant = CJVariantLink.objects.filter(product_link=OuterRef("pk")).filter(
            Q(last_synced_at__isnull=True) | Q(last_synced_at__lt=cutoff)
        )
        has_variant = CJVariantLink.objects.filter(product_link=OuterRef("pk"))
        rows = rows.exclude(last_synced_at__gte=cutoff).exclude(Exists(has_variant) & ~Exists(stale_variant))
    return rows.order_by("last_synced_at", "pk")


def active_run(kind: str) -> SyncRun | None:
    """A run of this kind already queued or running (and not lost): start nothing new beside it."""
    return (
        SyncRun.objects.filter(
            kind=kind,
            status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING],
            created_at__gte=timezone.now() - STALE_RUN,
        )
        .order_by("-created_at")
        .first()
    )


def is_due(kind: str, every: timedelta | None) -> bool:
    """Whether a scheduled run of this kind should start now (the setting is read at run time)."""
    if every is None or active_run(kind) is not None:
        return False
    last = SyncRun.objects.filter(kind=kind).order_by("-created_at").first()
    if last is None:
        return True
    quota_until = parse_datetime(str((last.summary or {}).get("quota_until") or ""))
    if quota_until and timezone.now() < quota_until:
        return False  # CJ said the day's quota is spent: wait for the reset, no hammering
    # A little slack so a run every 5 minutes of the scheduler still honours "every 60 minutes".
    return last.created_at <= timezone.now() - every + timedelta(seconds=30)


def claim(run_id: int) -> SyncRun | None:
    """Take a queued run for this process (atomic): a run is never executed twice."""
    claimed = SyncRun.objects.filter(pk=run_id, status=SyncRun.Status.QUEUED).update(
        status=SyncRun.Status.RUNNING, started_at=timezone.now()
    )
    return SyncRun.objects.get(pk=run_id) if claimed else None


def start(*, skip_recent: bool = False, enqueue: bool = True) -> SyncRun:
    """Create the run row (the truth); the queue only starts it. A run already in progress is reused."""
    current = active_run(SyncRun.Kind.STOCK)
    if current is not None:
        return current
    from kamri.cj.sync_tasks import run_stock_sync

    every = period()
    fresher_than = every / 2 if skip_recent and every else None
    return jobs.create(
        SyncRun.Kind.STOCK,
        total=products(fresher_than=fresher_than).count(),
        params={
            "skip_recent": skip_recent,
            "fresher_than_s": fresher_than.total_seconds() if fresher_than else 0,
        },
        enqueue=run_stock_sync if enqueue else None,
    )


def by_country(rows: list[WarehouseStock]) -> dict[str, int]:
    """CJ's warehouse rows of one variant as {country: units} (rows without a country are not sellable)."""
    totals: dict[str, int] = {}
    for row in rows:
        if row.country_code:
            code = row.country_code.upper()
            totals[code] = totals.get(code, 0) + max(0, int(row.total))
    return totals


def variant_missing(link: CJVariantLink) -> bool:
    """CJ no longer lists this variant: it has no stock there. True when the sellable stock changed."""
    changed = catalog_sync.apply_stock(link, {})
    CJVariantLink.objects.filter(pk=link.pk).update(not_found_count=link.not_found_count + 1)
    return changed


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
    seconds = job.params.get("fresher_than_s") or 0
    rows = list(
        products(fresher_than=timedelta(seconds=seconds) if seconds else None).prefetch_related(
            "variant_links"
        )
    )
    job.total = len(rows)
    job.save(update_fields=["total"])
    counts = {
        "products": 0,
        "changed": 0,
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
        job.summary = _summary(counts, problems)
        try:
            inventory = client.inventory_by_pid(link.pid)
        except CJQuotaExhausted as quota:
            error = quota.user_message
            job.summary = {**_summary(counts, problems), "quota_until": _until(quota.retry_after_s)}
            break
        except CJProductNotFound:
            counts["not_found"] += 1
            counts["unavailable"] += int(catalog_sync.mark_not_found(link))
            jobs.step(job, ok=True, progress=progress, save_every=10)
            continue
        except CJError as failure:
            counts["errors"] += 1
            counts["rate_limited"] += int(isinstance(failure, CJRateLimited))
            problems.append(f"{link.pid} : {failure.user_message}")
            jobs.step(job, ok=False, progress=progress, save_every=10)
            continue
        catalog_sync.mark_found(link)
        known = set()
        for variant_link in link.variant_links.all():
            known.add(variant_link.vid)
            if variant_link.vid in inventory.by_variant:
                changed = catalog_sync.apply_stock(
                    variant_link, by_country(inventory.by_variant[variant_link.vid])
                )
            else:
                counts["missing_variants"] += 1
                changed = variant_missing(variant_link)
            counts["changed"] += int(changed)
        for vid in inventory.by_variant:
            if vid not in known:
                counts["new_variants"] += int(catalog_sync.record_new_variant(link, vid=vid))
        CJProductLink.objects.filter(pk=link.pk).update(last_synced_at=timezone.now())
        counts["products"] += 1
        job.summary = _summary(counts, problems)
        jobs.step(job, ok=True, progress=progress, save_every=10)
    if "quota_until" not in job.summary:
        job.summary = _summary(counts, problems)
    CJAccount.objects.update(last_sync_at=timezone.now())
    return jobs.finish(job, error=error)


def _until(seconds: float) -> str:
    return (timezone.now() + timedelta(seconds=max(60.0, seconds))).isoformat()


def _summary(counts: dict, problems: list[str]) -> dict:
    lines = [
        _("%(n)s produit(s) synchronisé(s)") % {"n": counts["products"]},
        _("%(n)s variante(s) dont le stock a changé") % {"n": counts["changed"]},
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
