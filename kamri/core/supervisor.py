"""Keep `make run`'s children alive: a child that dies is started again, with a message, not the whole shop stopped.

A generic list of (name, command) children, so another integration (a payment sandbox, …) slots in as one more
entry. A child that keeps dying is restarted with a growing pause (up to `MAX_BACKOFF` seconds) so a broken
command does not spin the CPU.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MAX_BACKOFF = 30.0
STABLE_AFTER = 30.0  # a child that ran this long is healthy again: its next restart is immediate


@dataclass
class Child:
    name: str
    command: list[str]
    cwd: str | None = None
    start_pause: float = 0.0  # e.g. let a sandbox bind its port before the others call it
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 0.0
    restart_at: float | None = field(default=None)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=self.cwd, start_new_session=True)
        self.started_at = time.monotonic()
        self.restart_at = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


class Supervisor:
    def __init__(self, children: Sequence[Child], say: Callable[[str], None], poll: float = 0.3) -> None:
        self.children = list(children)
        self.say = say
        self.poll = poll
        self.stopping = False

    def start_all(self) -> None:
        for child in self.children:
            child.start()
            if child.start_pause:
                time.sleep(child.start_pause)

    def stop(self, *_args) -> None:
        self.stopping = True

    def check_once(self) -> None:
        """One pass: note the children that died, start again those whose pause is over."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is None and not child.alive:
                code = child.process.returncode if child.process else None
                ran = now - child.started_at
                child.backoff = 0.0 if ran >= STABLE_AFTER else min(MAX_BACKOFF, max(1.0, child.backoff * 2))
                child.restart_at = now + child.backoff
                self.say(
                    f"{child.name} s'est arrêté (code {code}) ; redémarrage"
                    + (f" dans {child.backoff:.0f} s." if child.backoff else ".")
                )
            if child.restart_at is not None and now >= child.restart_at:
                child.restarts += 1
                child.start()
                self.say(f"{child.name} redémarré (redémarrage n° {child.restarts}).")

    def run(self) -> int:
        """Supervise until SIGINT/SIGTERM, then stop every child."""
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        while not self.stopping:
            self.check_once()
            time.sleep(self.poll)
        self.terminate()
        return 0

    def terminate(self) -> None:
        for child in self.children:
            if child.alive:
                os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 8
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
