"""Reliability tests run real processes (gunicorn, Huey consumers, the CJ sandbox) on their own database.

They never touch pytest-django's test database: `bench.harness.Stack` creates a temp SQLite file, or — when
the CI leg sets `DATABASE_URL=postgres://…` — a fresh PostgreSQL database on that server, and uses Redis when
`REDIS_URL` is set. Every process is killed and the database dropped at the end, also when a test fails.
"""

from __future__ import annotations

import contextlib

import pytest

from bench.harness import Stack


@pytest.fixture
def make_stack(request):
    """A factory of stacks closed at the end of the test; their logs are printed when the test fails."""
    stacks: list[Stack] = []

    def make(name: str, **kwargs) -> Stack:
        stack = Stack(f"{name}-{request.node.name[:20]}", **kwargs).__enter__()
        stacks.append(stack)
        return stack

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for stack in stacks:
        if failed:
            for name in list(stack.procs):
                print(f"--- {name} log (last 3000 characters)\n{stack.log(name)[-3000:]}")
        with contextlib.suppress(Exception):
            stack.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
