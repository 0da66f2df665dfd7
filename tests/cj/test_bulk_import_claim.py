"""Issue 16 point 3: the bulk import is a long job like the syncs — claimed once, progress and summary through
kamri.cj.jobs. Two starts make one run; two workers given the same job run it once."""

from __future__ import annotations

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from kamri.catalog.models import Category
from kamri.catalog.pricing import PricingRule
from kamri.cj.catalog import bulk_import, importing
from kamri.cj.catalog import search as catalog
from kamri.cj.models import CJProductLink, SyncRun

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(keyword="phone case", country="US", size=20)


def _pids(n: int) -> list[str]:
    return [item.pid for item in catalog.search(PHONE_CASES).page.items[:n]]


def _start(pids: list[str]) -> SyncRun:
    return bulk_import.start(
        pids=pids, rule=importing.rule_from_settings(), status="active", category_id=None
    )


def test_a_second_start_while_one_is_queued_is_refused_with_a_french_message(cj_account):
    pids = _pids(4)
    first = _start(pids[:2])
    with pytest.raises(bulk_import.AlreadyRunning) as busy:
        _start(pids[2:])
    assert busy.value.run.pk == first.pk
    assert "déjà en cours" in str(busy.value) and "attendez" in str(busy.value)
    assert SyncRun.objects.filter(kind=SyncRun.Kind.BULK_IMPORT).count() == 1
    bulk_import.run(first.pk)
    first.refresh_from_db()
    assert first.status == SyncRun.Status.DONE
    assert _start(pids[2:]).pk != first.pk  # once it is over, a new one starts


def test_two_posts_of_the_bulk_import_make_one_run_and_the_second_is_shown_the_first(
    cj_account, staff_client
):
    pids = _pids(2)
    form = {
        "bulk-margin_percent": "45",
        "bulk-rounding": "90",
        "bulk-category": "",
        "bulk-new_category": "",
        "bulk-status": "active",
        "pids": pids,
        "back": reverse("cj:products"),
    }
    first = staff_client.post(reverse("cj:import_bulk"), form)
    second = staff_client.post(reverse("cj:import_bulk"), form)
    job = SyncRun.objects.get(kind=SyncRun.Kind.BULK_IMPORT)
    assert first.url == second.url == reverse("cj:sync_run", args=[job.pk])
    assert any("déjà en cours" in str(m) for m in get_messages(second.wsgi_request))


def test_two_workers_given_the_same_job_import_each_product_once(cj_account, monkeypatch):
    pids = _pids(3)
    job = _start(pids)
    real_import, calls = importing.import_product, []

    def second_worker_arrives(**kwargs):
        calls.append(kwargs["pid"])
        if len(calls) == 1:  # while the first worker imports, the queue delivers the job again
            assert bulk_import.run(job.pk).status == SyncRun.Status.RUNNING
        return real_import(**kwargs)

    monkeypatch.setattr(bulk_import, "import_product", second_worker_arrives)
    done = bulk_import.run(job.pk)
    assert calls == pids
    assert done.status == SyncRun.Status.DONE and (done.done, done.failed) == (3, 0)
    assert done.summary["lines"][0].startswith("3 ")
    assert CJProductLink.objects.filter(pid__in=pids).count() == 3


def test_the_bulk_import_saves_progress_through_the_job_helper(cj_account, monkeypatch):
    pids = _pids(2)
    job = _start(pids)
    seen: list[tuple[int, int]] = []
    real_import = importing.import_product

    def watch(**kwargs):
        row = SyncRun.objects.get(pk=job.pk)
        seen.append((row.done, row.status))
        return real_import(**kwargs)

    monkeypatch.setattr(bulk_import, "import_product", watch)
    bulk_import.run(job.pk)
    assert seen == [(0, SyncRun.Status.RUNNING), (1, SyncRun.Status.RUNNING)]


def test_a_refused_bulk_import_creates_no_category(cj_account, staff_client):
    pids = _pids(3)
    _start(pids[:1])
    form = {
        "bulk-margin_percent": "45",
        "bulk-rounding": "90",
        "bulk-status": "active",
        "bulk-category": "",
        "bulk-new_category": "Montres",
        "pids": pids[1:],
        "back": reverse("cj:products"),
    }
    response = staff_client.post(reverse("cj:import_bulk"), form)
    assert response.status_code == 302
    assert not Category.objects.filter(name="Montres").exists()
    assert SyncRun.objects.filter(kind=SyncRun.Kind.BULK_IMPORT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_make_one_run():
    """Two requests at once (two threads, two database connections): one creates the run, the other is told."""
    barrier, outcomes = threading.Barrier(2), []

    def start(pid: str) -> None:
        try:
            barrier.wait()
            rule = PricingRule(margin_percent=60)
            outcomes.append(bulk_import.start(pids=[pid], rule=rule, status="active", category_id=None).pk)
        except bulk_import.AlreadyRunning as busy:
            outcomes.append(("busy", busy.run.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(pid,)) for pid in ("A1", "B2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    run = SyncRun.objects.get(kind=SyncRun.Kind.BULK_IMPORT)
    assert sorted(outcomes, key=str) == sorted([run.pk, ("busy", run.pk)], key=str)
