"""The registry through which services enqueue background jobs without importing the task modules.

Task modules are thin wrappers that call services, so services must not import them back (that is a cycle).
Each task module registers its jobs here when it is imported (`@queue.provides`, applied over Huey's
decorator) — by the worker's autodiscovery and by its app's `ready()` in every process — and services ask for
a job by name. The import graph points one way: tasks → services → this registry.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar


class Job(Protocol):
    name: str | None

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def schedule(
        self, args: tuple = (), kwargs: dict | None = None, *, delay: float | None = None
    ) -> Any: ...


JobT = TypeVar("JobT")

_jobs: dict[str, Any] = {}


def provides(job: JobT) -> JobT:
    """Register a Huey task under its function's name (the decorator goes above `@db_task`)."""
    _jobs[job.func.__name__] = job  # type: ignore[attr-defined]
    return job


def job(name: str) -> Job:
    try:
        return _jobs[name]
    except KeyError:
        raise LookupError(
            f"job {name!r} is not registered: its app's task module was never imported"
        ) from None
