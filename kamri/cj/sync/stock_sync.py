""" "Synchroniser le stock": one getInventoryByPid per imported product, through the shared limiter.

The rules (sellable stock, availability, new variants) live in `catalog_sync`; this module only walks the
imported products, asks CJ once per product and records the run.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import ngettext

from kamri.cj import jobs, queue
from kamri.cj.client import ProductInventory, WarehouseStock
from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink, SyncRun
from kamri.cj.sync import catalog_sync, product_walk


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


def is_due(kind: str, every: timedelta | None) -> bool:
    """Whether a scheduled run of this kind should start now (the setting is read at run time)."""
    if every is None or jobs.active(kind) is not None:
        return False
    last = SyncRun.objects.filter(kind=kind).order_by("-created_at").first()
    if last is None:
        return True
    quota_until = parse_datetime(str((last.summary or {}).get("quota_until") or ""))
    if quota_until and timezone.now() < quota_until:
        return False  # CJ said the day's quota is spent: wait for the reset, no hammering
    # A little slack so a run every 5 minutes of the scheduler still honours "every 60 minutes".
    return last.created_at <= timezone.now() - every + timedelta(seconds=30)


def start(*, skip_recent: bool = False, enqueue: bool = True) -> SyncRun:
    """Create the run row (the truth); the queue only starts it. A run already in progress is reused."""
    every = period()
    fresher_than = every / 2 if skip_recent and every else None
    run, _created = jobs.start_once(
        SyncRun.Kind.STOCK,
        total=products(fresher_than=fresher_than).count,
        params={
            "skip_recent": skip_recent,
            "fresher_than_s": fresher_than.total_seconds() if fresher_than else 0,
        },
        enqueue=queue.run_stock_sync if enqueue else None,
    )
    return run


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
    return jobs.run(run_id, lambda job: _run(job, progress))


def _run(job: SyncRun, progress: jobs.Progress | None) -> SyncRun:
    seconds = job.params.get("fresher_than_s") or 0
    rows = list(
        products(fresher_than=timedelta(seconds=seconds) if seconds else None).prefetch_related(
            "variant_links"
        )
    )
    job.total = len(rows)
    job.save(update_fields=["total"])
    return product_walk.walk(
        job,
        rows,
        fetch=lambda client, link: client.inventory_by_pid(link.pid),
        apply=_apply_inventory,
        counts=product_walk.new_counts("changed"),
        summarize=_summary,
        progress=progress,
    )


def _apply_inventory(link: CJProductLink, inventory: ProductInventory, counts: product_walk.Counts) -> None:
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


def _summary(counts: product_walk.Counts, problems: list[str]) -> dict:
    changed = ngettext(
        "%(n)s variante dont le stock a changé", "%(n)s variantes dont le stock a changé", counts["changed"]
    ) % {"n": counts["changed"]}
    return product_walk.summary(counts, problems, [changed])
