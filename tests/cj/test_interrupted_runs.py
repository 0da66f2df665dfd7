"""Finding 13.6: a job cut by a worker kill never stays "En cours": the sweeper resumes or closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kamri.cj import jobs
from kamri.cj.catalog import bulk_import, importing
from kamri.cj.catalog import search as catalog
from kamri.cj.models import CJProductLink, SyncRun
from kamri.cj.sync import stock_sync

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(keyword="phone case", country="US", size=20)


class WorkerKilled(BaseException):
    """What the run sees of a SIGKILL: nothing after this point runs (no except, no finish)."""


def _age(run: SyncRun, minutes: int) -> None:
    past = timezone.now() - timedelta(minutes=minutes)
    SyncRun.objects.filter(pk=run.pk).update(heartbeat_at=past, started_at=past, created_at=past)


def test_a_killed_bulk_import_is_resumed_where_it_stopped(
    cj_account, monkeypatch, django_capture_on_commit_callbacks
):
    pids = [item.pid for item in catalog.search(PHONE_CASES).page.items[:5]]
    with django_capture_on_commit_callbacks():  # the queue's job is lost with the worker
        job = bulk_import.start(
            pids=pids, rule=importing.rule_from_settings(), status="active", category_id=None
        )
    real_import, calls = importing.import_product, []

    def dies_at_the_third(**kwargs):
        calls.append(kwargs["pid"])
        if len(calls) == 3:
            raise WorkerKilled
        return real_import(**kwargs)

    monkeypatch.setattr(bulk_import, "import_product", dies_at_the_third)
    with pytest.raises(WorkerKilled):
        bulk_import.run(job.pk)
    job.refresh_from_db()
    assert job.status == SyncRun.Status.RUNNING and job.done == 2

    assert jobs.sweep() == {"resumed": 0, "closed": 0}  # a live run is left alone
    _age(job, 20)
    monkeypatch.setattr(bulk_import, "import_product", real_import)
    with django_capture_on_commit_callbacks() as enqueued:
        assert jobs.sweep() == {"resumed": 1, "closed": 0}
    assert len(enqueued) == 1  # the job goes back to the queue...
    job.refresh_from_db()
    assert job.status == SyncRun.Status.QUEUED
    bulk_import.run(job.pk)  # ...and this is what the worker runs
    job.refresh_from_db()
    assert job.status == SyncRun.Status.DONE, job.error
    assert (job.done, job.failed) == (5, 0)
    assert CJProductLink.objects.filter(pid__in=pids).count() == 5
    assert "2/5" in job.interruptions[0] and "repris" in job.interruptions[0]


def test_a_killed_stock_sync_is_closed_with_the_reason_and_a_new_one_can_start(cj_account):
    run = SyncRun.objects.create(kind=SyncRun.Kind.STOCK, total=9, status=SyncRun.Status.RUNNING)
    _age(run, 20)
    assert stock_sync.start(enqueue=False).pk == run.pk  # today: the dead run blocks new syncs
    assert jobs.sweep() == {"resumed": 0, "closed": 1}
    run.refresh_from_db()
    assert run.status == SyncRun.Status.FAILED and run.finished_at is not None
    assert "0/9" in run.error and "arrêté" in run.error
    assert stock_sync.start(enqueue=False).pk != run.pk


def test_a_queued_run_whose_job_was_lost_is_enqueued_again(cj_account, monkeypatch):
    run = SyncRun.objects.create(kind=SyncRun.Kind.STOCK, total=0)
    _age(run, 20)
    started = []
    monkeypatch.setattr(jobs, "_enqueue", lambda kind, pk: started.append((kind, pk)))
    assert jobs.sweep() == {"resumed": 1, "closed": 0}
    assert started == [(SyncRun.Kind.STOCK, run.pk)]
