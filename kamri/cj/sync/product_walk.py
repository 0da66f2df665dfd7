"""One sync run over the imported products: one CJ call per product, the run row kept current.

The stock and price syncs differ only in the call they make and in what they do with CJ's answer. The rest is
here once: the day's quota (stop, and tell the scheduler when to come back), a product CJ no longer knows, a
CJ error on one product (counted, listed, the walk goes on), progress, and a bug that must not leave the run
"running" forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TypeVar

from django.utils import timezone
from django.utils.translation import ngettext

from kamri.cj import jobs
from kamri.cj.catalog import availability
from kamri.cj.client import CJClient, CJError, CJProductNotFound, CJQuotaExhausted, CJRateLimited
from kamri.cj.connection import points_budget
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJAccount, CJProductLink, SyncRun

Answer = TypeVar("Answer")
Counts = dict[str, int]
Summarize = Callable[[Counts, list[str]], dict]
COMMON_COUNTS = (
    "products",
    "not_found",
    "unavailable",
    "new_variants",
    "missing_variants",
    "errors",
    "rate_limited",
)

log = logging.getLogger(__name__)


def walk(
    job: SyncRun,
    rows: Iterable[CJProductLink],
    *,
    fetch: Callable[[CJClient, CJProductLink], Answer],
    apply: Callable[[CJProductLink, Answer, Counts], None],
    counts: Counts,
    summarize: Summarize,
    progress: jobs.Progress | None = None,
    purpose: str = points_budget.STOCK,
    cost: int = 10,
) -> SyncRun:
    """Ask CJ about each product, hand the answer to `apply`, keep counts and the summary up to date.

    Before each call the points budget is asked: a call that would cut into the orders' reserve stops the run.
    """
    problems: list[str] = []
    client = client_for()
    error, quota_until, reserve_stop = "", "", False
    for link in rows:
        try:
            points_budget.allow(purpose, cost)
        except points_budget.ReserveReached as reached:
            error = reached.user_message
            quota_until = _next_utc_midnight().isoformat()
            reserve_stop = True
            break
        try:
            with points_budget.spending(purpose):
                answer = fetch(client, link)
        except CJQuotaExhausted as quota:
            error = quota.user_message
            quota_until = (timezone.now() + timedelta(seconds=max(60.0, quota.retry_after_s))).isoformat()
            break
        except CJProductNotFound:
            counts["not_found"] += 1
            counts["unavailable"] += int(availability.mark_not_found(link))
            ok = True
        except CJError as failure:
            counts["errors"] += 1
            counts["rate_limited"] += int(isinstance(failure, CJRateLimited))
            problems.append(f"{link.pid} : {failure.user_message}")
            ok = False
        else:
            availability.mark_found(link)
            apply(link, answer, counts)
            counts["products"] += 1
            ok = True
        job.summary = summarize(counts, problems)
        jobs.step(job, ok=ok, progress=progress, save_every=10)
    job.summary = summarize(counts, problems)
    if quota_until:  # read by the scheduler: no new run before CJ's quota resets
        job.summary["quota_until"] = quota_until
    if reserve_stop:
        job.summary["stopped_for_reserve"] = True
        job.summary["lines"] = [*job.summary.get("lines", []), error]
    CJAccount.objects.update(last_sync_at=timezone.now())
    return jobs.finish(job, error=error)


def _next_utc_midnight():
    now = timezone.now()
    return points_budget.utc_day_start(now) + timedelta(days=1, minutes=1)


def new_counts(*extra: str) -> Counts:
    return dict.fromkeys((*COMMON_COUNTS, *extra), 0)


def summary(counts: Counts, problems: list[str], specific: list[str]) -> dict:
    """The run's summary: the counts, the lines the admin reads (the sync's own lines after the first), problems."""
    products, not_found, unavailable = counts["products"], counts["not_found"], counts["unavailable"]
    lines = [
        ngettext("%(n)s produit synchronisé", "%(n)s produits synchronisés", products) % {"n": products},
        *specific,
        ngettext("%(n)s produit introuvable chez CJ", "%(n)s produits introuvables chez CJ", not_found)
        % {"n": not_found}
        + ngettext(", dont %(n)s rendu indisponible", ", dont %(n)s rendus indisponibles", unavailable)
        % {"n": unavailable},
    ]
    if missing := counts["missing_variants"]:
        lines.append(
            ngettext(
                "%(n)s variante retirée par CJ (stock mis à 0)",
                "%(n)s variantes retirées par CJ (stock mis à 0)",
                missing,
            )
            % {"n": missing}
        )
    if new := counts["new_variants"]:
        lines.append(
            ngettext("%(n)s nouvelle variante CJ à examiner", "%(n)s nouvelles variantes CJ à examiner", new)
            % {"n": new}
        )
    lines.append(ngettext("%(n)s erreur", "%(n)s erreurs", counts["errors"]) % {"n": counts["errors"]})
    return {**counts, "lines": lines, "problems": problems[:50]}
