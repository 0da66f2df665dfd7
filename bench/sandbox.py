"""CJ sandbox benchmark: startup time with 2,000 products and product/listV2 latency (p50/p95).

Run: .venv/bin/python bench/sandbox.py  → prints the figures and writes bench/results/sandbox.json.
Targets (issue 3): startup < 3 s, listV2 p95 < 50 ms locally.
"""

from __future__ import annotations

import json
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cjsandbox import SandboxConfig, SandboxServer

API_KEY = "CJ1234567@api@0123456789abcdef0123456789abcdef"
KEYWORDS = [
    None,
    "phone case",
    "led strip",
    "pet bed",
    "kitchen",
    "dress",
    "necklace",
    "yoga mat",
    "charger",
    "box",
]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cli_startup_s() -> float:
    """Wall time from ``python -m cjsandbox --products 2000`` to its "CJ sandbox on …" line."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cjsandbox", "--port", "0", "--products", "2000"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        elapsed = time.perf_counter() - started
        assert line.startswith("CJ sandbox on "), line
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return elapsed


def main() -> int:
    config = SandboxConfig(
        seed=42,
        products=2000,
        port=0,
        accounts=[(API_KEY, "advanced")],
        tier_qps={"advanced": 100_000},  # measure the server, not the throttle
    )
    started = time.perf_counter()
    server = SandboxServer(config).start()
    startup_s = time.perf_counter() - started
    try:
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            token = http.post("authentication/getAccessToken", json={"apiKey": API_KEY}).json()["data"][
                "accessToken"
            ]
            http.headers["CJ-Access-Token"] = token
            rng = random.Random(1)
            timings: list[float] = []
            sizes: list[int] = []
            for _ in range(300):
                params: dict = {"page": rng.randint(1, 5), "size": rng.choice([10, 20, 50, 100])}
                kw = rng.choice(KEYWORDS)
                if kw:
                    params["keyWord"] = kw
                if rng.random() < 0.4:
                    params["countryCode"] = rng.choice(["US", "CN", "DE", "FR", "GB"])
                if rng.random() < 0.3:
                    params.update(startSellPrice=2, endSellPrice=rng.choice([10, 20, 40]))
                if rng.random() < 0.3:
                    params.update(orderBy=rng.choice([1, 2, 3, 4]), sort=rng.choice(["asc", "desc"]))
                t0 = time.perf_counter()
                resp = http.get("product/listV2", params=params)
                timings.append((time.perf_counter() - t0) * 1000)
                body = resp.json()
                assert body["code"] == 200, body
                sizes.append(len(resp.content))
            pid = server.state.catalog.products[0].pid
            q_times = []
            for _ in range(100):
                t0 = time.perf_counter()
                http.get("product/query", params={"pid": pid, "features": "enable_inventory"})
                q_times.append((time.perf_counter() - t0) * 1000)
    finally:
        server.stop()

    result = {
        "benchmark": "cjsandbox",
        "products": 2000,
        "startup_s": round(startup_s, 3),
        "startup_target_s": 3.0,
        "cli_startup_s": round(cli_startup_s(), 3),
        "listV2_calls": len(timings),
        "listV2_p50_ms": round(statistics.median(timings), 2),
        "listV2_p95_ms": round(percentile(timings, 95), 2),
        "listV2_max_ms": round(max(timings), 2),
        "listV2_p95_target_ms": 50.0,
        "listV2_mean_response_kb": round(statistics.mean(sizes) / 1024, 1),
        "product_query_p95_ms": round(percentile(q_times, 95), 2),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    result["startup_ok"] = max(result["startup_s"], result["cli_startup_s"]) < result["startup_target_s"]
    result["listV2_ok"] = result["listV2_p95_ms"] < result["listV2_p95_target_ms"]
    print(
        f"startup with 2000 products: {result['startup_s']:.3f} s in-process, "
        f"{result['cli_startup_s']:.3f} s for python -m cjsandbox (target < 3 s)"
    )
    print(
        f"listV2 over {len(timings)} calls: p50 {result['listV2_p50_ms']} ms, p95 {result['listV2_p95_ms']} ms "
        f"(target < 50 ms), max {result['listV2_max_ms']} ms, mean body {result['listV2_mean_response_kb']} KiB"
    )
    print(f"product/query p95: {result['product_query_p95_ms']} ms")
    out = Path(__file__).resolve().parent / "results" / "sandbox.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0 if result["startup_ok"] and result["listV2_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
