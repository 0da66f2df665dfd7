"""The one module services use to enqueue CJ jobs.

The task modules (`kamri.cj.tasks` and its siblings) are thin wrappers that call services; services must not
import them back. So the task modules register their jobs here (`@queue.provides`, applied over Huey's
decorator) when they are imported — by the worker's autodiscovery and by the app's `ready()` in every process —
and services ask for a job through the typed functions below. The import graph points one way:
tasks → services → queue.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class _Job(Protocol):
    name: str | None

    def __call__(self, *args: Any) -> Any: ...

    def schedule(self, args: tuple = (), *, delay: float | None = None) -> Any: ...


JobT = TypeVar("JobT")

_jobs: dict[str, Any] = {}


def provides(job: JobT) -> JobT:
    """Register a Huey task under its function's name (the decorator goes above `@db_task`)."""
    _jobs[job.func.__name__] = job  # type: ignore[attr-defined]
    return job


def _job(name: str) -> _Job:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(f"CJ job {name!r} is not registered: kamri.cj.tasks was never imported") from None


def place_cj_order(cj_order_id: int, *, delay_s: float = 0) -> None:
    job = _job("place_cj_order")
    if delay_s > 0:
        job.schedule((cj_order_id,), delay=delay_s)
    else:
        job(cj_order_id)


def process_webhook(event_id: int) -> None:
    _job("process_webhook")(event_id)


def drain_webhooks() -> None:
    _job("drain_webhooks")()


def subscribe_product_webhooks(link_id: int) -> None:
    _job("subscribe_product_webhooks")(link_id)


def subscribe_pending_products() -> None:
    _job("subscribe_pending_products")()


def run_bulk_import(run_id: int) -> None:
    _job("run_bulk_import")(run_id)


def run_order_sync(run_id: int) -> None:
    _job("run_order_sync")(run_id)


def run_stock_sync(run_id: int) -> None:
    _job("run_stock_sync")(run_id)


def run_price_sync(run_id: int) -> None:
    _job("run_price_sync")(run_id)
