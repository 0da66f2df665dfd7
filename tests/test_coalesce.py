"""The per-process coalescer behind the webhook receiver's "process the inbox" job."""

from __future__ import annotations

import threading
import time

from kamri.core.coalesce import Coalescer
from tests.conftest import wait_for


def test_a_burst_of_signals_makes_one_call_after_the_window():
    calls: list[float] = []
    coalescer = Coalescer(lambda: calls.append(time.monotonic()), window_s=0.05)
    first = time.monotonic()
    for _ in range(200):
        coalescer.signal()
    wait_for(lambda: calls, timeout=5, interval=0.01)
    time.sleep(0.15)
    assert len(calls) == 1 and calls[0] - first >= 0.05


def test_a_signal_after_the_call_or_during_it_gets_its_own_call():
    release = threading.Event()
    calls: list[int] = []

    def slow_call() -> None:
        calls.append(1)
        release.wait(5)

    coalescer = Coalescer(slow_call, window_s=0.02)
    coalescer.signal()
    wait_for(lambda: calls, timeout=5, interval=0.01)
    coalescer.signal()  # the first call is still running: this one must not be folded into it
    release.set()
    wait_for(lambda: len(calls) == 2, timeout=5, interval=0.01)
    coalescer.signal()
    wait_for(lambda: len(calls) == 3, timeout=5, interval=0.01)


def test_a_failing_call_is_logged_and_the_next_signal_still_works(caplog):
    outcomes: list[str] = []

    def flaky() -> None:
        outcomes.append("call")
        if len(outcomes) == 1:
            raise ConnectionError("queue down")

    coalescer = Coalescer(flaky, window_s=0.01)
    coalescer.signal()
    wait_for(lambda: outcomes, timeout=5, interval=0.01)
    coalescer.signal()
    wait_for(lambda: len(outcomes) == 2, timeout=5, interval=0.01)
    assert "coalesced call failed" in caplog.text
