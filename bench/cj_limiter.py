"""Shared CJ rate limiter benchmark: four worker processes, 200 calls in total, tier Free, one limiter.

Run: .venv/bin/python bench/cj_limiter.py  → prints achieved/cap and writes bench/results/cj_limiter.json.
Target (issue 4): no 1600200 reaches a caller and the achieved rate is ≥ 90 % of the cap (1 call/s on Free).
Each process builds its client with kamri.cj.connection.account.build_client, so the processes share the
limiter: a row in a temp SQLite file, or — when REDIS_URL is set — the Redis script (then measured on both).
200 calls at 1/s take about 3.5 minutes; BENCH_LIMITER_CALLS and BENCH_LIMITER_TIER shorten it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Stack, limiter_run  # noqa: E402

PROCESSES = 4
CALLS = int(os.environ.get("BENCH_LIMITER_CALLS", 200))
TIER = os.environ.get("BENCH_LIMITER_TIER", "free")


def measure(redis_url: str) -> dict:
    with Stack("limiter", tier=TIER, database_url="", redis_url=redis_url) as stack:
        stack.start_sandbox()
        stack.setup()
        result = limiter_run(stack, processes=PROCESSES, calls=CALLS)
    print(
        f"[{result['backend']}] {PROCESSES} processes, {result['calls']} calls on tier {TIER}: achieved "
        f"{result['achieved_per_s']}/s of {result['cap_per_s']}/s (ratio {result['ratio']}); 1600200 reaching "
        f"callers {result['rate_limited_errors']}, answered by the sandbox {result['sandbox_1600200_answers']}; "
        f"busiest second {result['max_calls_in_any_1s']} calls"
    )
    return result


def ok(result: dict) -> bool:
    return result["rate_limited_errors"] == 0 and result["other_errors"] == 0 and result["ratio"] >= 0.9


def main() -> int:
    result = measure("")  # database row limiter on the SQLite file
    passed = ok(result)
    if os.environ.get("REDIS_URL"):
        redis_result = measure(os.environ["REDIS_URL"])
        result["redis"] = redis_result
        passed = passed and ok(redis_result)
    out = ROOT / "bench" / "results" / "cj_limiter.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("OK" if passed else "BELOW TARGET")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
