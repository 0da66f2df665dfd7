"""Coalescing many "something is waiting" signals into one call per time window, per process.

The webhook receiver asks for the inbox to be processed after every commit. One queue write per webhook doubles
the cost of receiving on SQLite (a second database file, a second commit), so a process sends at most one
"process the inbox" job per window. The call is made at the end of the window (trailing edge): it always happens
after every signal that asked for it, so a job that reads the waiting rows when it runs sees all of them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Coalescer:
    def __init__(self, call: Callable[[], None], *, window_s: float) -> None:
        self._call = call
        self._window_s = window_s
        self._lock = threading.Lock()
        self._armed = False

    def signal(self) -> None:
        """Ask for one call within the window; signals while one is pending share it."""
        with self._lock:
            if self._armed:
                return
            self._armed = True
        timer = threading.Timer(self._window_s, self._fire)
        timer.daemon = False  # a worker shutting down waits the few milliseconds left: the call is not lost
        timer.start()

    def _fire(self) -> None:
        with self._lock:
            self._armed = False  # before the call: a signal arriving during it arms the next window
        try:
            self._call()
        except Exception:  # the caller's safety net (a sweeper) picks up what this call missed
            log.exception("coalesced call failed")
