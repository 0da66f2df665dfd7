""" "Synchroniser les prix": one product/query per imported product; cost changes go through the guard.

`catalog_sync.apply_cost_change` decides (reprice within the tolerance, or wait for approval); this module
walks the imported products, records the run, and lists the changes waiting in "Changements de prix".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import QuerySet
from django.utils.translation import ngettext

from kamri.cj import jobs, queue
from kamri.cj.catalog import supplier_text
from kamri.cj.client import ProductDetail
from kamri.cj.connection import points_budget
from kamri.cj.models import CJProductLink, CJSettings, PriceChange, SyncRun
from kamri.cj.sync import catalog_sync, product_walk
from kamri.cj.sync.stock_sync import variant_missing


def period(settings_row: CJSettings | None = None) -> timedelta | None:
    minutes = (settings_row or CJSettings.load()).price_sync_minutes
    return timedelta(minutes=minutes) if minutes else None


def products() -> QuerySet[CJProductLink]:
    return CJProductLink.objects.order_by("pk")


def start(*, scheduled: bool = False, enqueue: bool = True) -> SyncRun:
    """Create the run row (the truth); the queue only starts it. A run already in progress is reused."""
    run, _created = jobs.start_once(
        SyncRun.Kind.PRICES,
        total=products().count,
        params={"scheduled": scheduled},
        enqueue=queue.run_price_sync if enqueue else None,
    )
    return run


def run(run_id: int, *, progress: jobs.Progress | None = None) -> SyncRun:
    return jobs.run(run_id, lambda job: _run(job, progress))


def _run(job: SyncRun, progress: jobs.Progress | None) -> SyncRun:
    rows = list(products().prefetch_related("variant_links"))
    job.total = len(rows)
    job.save(update_fields=["total"])
    return product_walk.walk(
        job,
        rows,
        fetch=lambda client, link: client.get_product(pid=link.pid, with_inventory=False),
        apply=_apply_prices,
        counts=product_walk.new_counts("repriced", "pending", "unchanged"),
        summarize=_summary,
        progress=progress,
        purpose=points_budget.PRICES,
    )


def _apply_prices(link: CJProductLink, detail: ProductDetail, counts: product_walk.Counts) -> None:
    supplier_text.record_from_detail(link, detail)  # CJ's text kept; the shop's edited one left alone
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
                    link, vid=variant.vid, sku=variant.sku or "", key=variant.key or "", cost=variant.price
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


def _summary(counts: product_walk.Counts, problems: list[str]) -> dict:
    specific = [
        ngettext(
            "%(n)s variante dont le prix a été ajusté automatiquement",
            "%(n)s variantes dont le prix a été ajusté automatiquement",
            counts["repriced"],
        )
        % {"n": counts["repriced"]},
        ngettext(
            "%(n)s changement de prix en attente d'approbation",
            "%(n)s changements de prix en attente d'approbation",
            counts["pending"],
        )
        % {"n": counts["pending"]},
    ]
    return product_walk.summary(counts, problems, specific)


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
