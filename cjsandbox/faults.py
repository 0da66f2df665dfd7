"""Seeded, reproducible fault injection (control API: POST /_sandbox/faults)."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass

CREATE_PATH = "shopping/order/createOrderV2"


@dataclass
class Decision:
    kind: str | None  # None, "error", "timeout", "malformed", "ghost", "storm"
    latency_ms: float = 0.0
    variant: int = 0  # which 5xx flavour for "error"


class FaultInjector:
    FIELDS = (
        "seed",
        "error_rate",
        "timeout_rate",
        "timeout_s",
        "latency_ms",
        "malformed_rate",
        "rate_limit_storm_s",
        "ghost_create_rate",
        "paths",
    )

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.configure({})

    def configure(self, spec: dict) -> dict:
        unknown = set(spec) - set(self.FIELDS)
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        rates = ("error_rate", "timeout_rate", "malformed_rate", "ghost_create_rate")
        for name in rates:
            value = float(spec.get(name, 0) or 0)
            if not 0 <= value <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if sum(float(spec.get(n, 0) or 0) for n in rates) > 1:
            raise ValueError("the rates add up to more than 1")
        paths = spec.get("paths") or []
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise ValueError("paths must be a list of strings")
        with self._lock:
            self.seed = int(spec.get("seed", 0) or 0)
            self.error_rate = float(spec.get("error_rate", 0) or 0)
            self.timeout_rate = float(spec.get("timeout_rate", 0) or 0)
            self.timeout_s = float(spec.get("timeout_s", 30) or 0)
            self.latency_ms = float(spec.get("latency_ms", 0) or 0)
            self.malformed_rate = float(spec.get("malformed_rate", 0) or 0)
            self.storm_s = float(spec.get("rate_limit_storm_s", 0) or 0)
            self.ghost_rate = float(spec.get("ghost_create_rate", 0) or 0)
            self.paths = [p.strip("/") for p in paths]
            self.rng = random.Random(self.seed)
            self.started = time.monotonic()
            self.count = 0
            self.log: list[dict] = []
            self.active = bool(
                self.error_rate
                or self.timeout_rate
                or self.latency_ms
                or self.malformed_rate
                or self.storm_s
                or self.ghost_rate
            )
        return self.describe()

    def describe(self) -> dict:
        return {
            "active": self.active,
            "seed": self.seed,
            "error_rate": self.error_rate,
            "timeout_rate": self.timeout_rate,
            "timeout_s": self.timeout_s,
            "latency_ms": self.latency_ms,
            "malformed_rate": self.malformed_rate,
            "rate_limit_storm_s": self.storm_s,
            "ghost_create_rate": self.ghost_rate,
            "paths": list(self.paths),
            "decisions": len(self.log),
        }

    def targets(self, path: str) -> bool:
        return not self.paths or any(path == p or path.endswith("/" + p) for p in self.paths)

    def decide(self, path: str) -> Decision | None:
        if not self.active or not self.targets(path):
            return None
        with self._lock:
            self.count += 1
            kind = None
            variant = 0
            if self.storm_s and time.monotonic() - self.started < self.storm_s:
                kind = "storm"
            else:
                u = self.rng.random()
                edge = self.error_rate
                if u < edge:
                    kind = "error"
                    variant = self.rng.randrange(3)
                elif u < (edge := edge + self.timeout_rate):
                    kind = "timeout"
                elif u < (edge := edge + self.malformed_rate):
                    kind = "malformed"
                elif u < edge + self.ghost_rate and path == CREATE_PATH:
                    kind = "ghost"
            self.log.append({"n": self.count, "path": path, "fault": kind})
            if len(self.log) > 10000:
                del self.log[:5000]
            return Decision(kind, self.latency_ms, variant)
