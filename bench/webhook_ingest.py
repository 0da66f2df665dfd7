"""Webhook ingestion benchmark: signed webhooks into the production server setup (gunicorn), against a bare
WSGI handler doing the same insert into the same database, in the same run.

Run: .venv/bin/python bench/webhook_ingest.py  → prints the figures and writes bench/results/webhook_ingest.json.
Targets (issue 7): ratio ≥ 0.5 of the bare handler's accepted/s at concurrency 16; p99 < 100 ms at an offered
200 req/s; every messageId stored exactly once (zero lost). The database is a temp SQLite file (the default
deployment); with DATABASE_URL=postgres://… and REDIS_URL set, the same run is repeated on PostgreSQL + Redis
and reported under "postgresql_redis". Everything stays on 127.0.0.1; the load generator is bounded in count
and time (bench/harness.py post_bodies).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import Stack, post_bodies  # noqa: E402

CLOSED_LOOP = int(os.environ.get("BENCH_WEBHOOKS", 3000))
OPEN_LOOP_RATE = 200.0
OPEN_LOOP_SECONDS = int(os.environ.get("BENCH_OPEN_LOOP_SECONDS", 15))
CONCURRENCY = 16
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", 3))
WORKER_CLASS = os.environ.get("BENCH_GUNICORN_CLASS", "sync")


def bodies(stack: Stack, count: int, tag: str) -> tuple[list[tuple[bytes, dict]], list[str]]:
    out, ids = [], []
    for i in range(count):
        mid = f"{tag}-{uuid.uuid4().hex}"
        vid = f"V{i % 500:05d}"
        payload = {
            "messageId": mid,
            "type": "STOCK",
            "messageType": "UPDATE",
            "params": {
                vid: [{"vid": vid, "areaId": "2", "areaEn": "US", "countryCode": "US", "storageNum": i}]
            },
        }
        body = json.dumps(payload).encode()
        out.append((body, {"Content-Type": "application/json", "sign": stack.sign(body)}))
        ids.append(mid)
    return out, ids


def run(database_url: str, redis_url: str) -> dict:
    with Stack("ingest", database_url=database_url, redis_url=redis_url) as stack:
        stack.start_sandbox()
        stack.setup()
        stack.env["BENCH_OPEN_ID"] = stack.open_id
        figures = {"backend": stack.backend, "gunicorn": f"{WORKERS} {WORKER_CLASS} workers"}

        def measure(app: str, tag: str) -> dict:
            stack.start_web(workers=WORKERS, worker_class=WORKER_CLASS, threads=4, app=app)
            url = stack.webhook_url if app.startswith("kamri") else f"{stack.web_url}/"
            warm, _ = bodies(stack, 200, f"{tag}-warm")
            post_bodies(url, warm, concurrency=CONCURRENCY)
            closed, closed_ids = bodies(stack, CLOSED_LOOP, f"{tag}-closed")
            load = post_bodies(url, closed, concurrency=CONCURRENCY, timeout_s=300)
            offered, open_ids = bodies(stack, int(OPEN_LOOP_RATE * OPEN_LOOP_SECONDS), f"{tag}-open")
            paced = post_bodies(url, offered, concurrency=CONCURRENCY, rate=OPEN_LOOP_RATE, timeout_s=120)
            stack.stop("web")
            counted = stack.op("count_ids", ids=closed_ids + open_ids)
            return {
                "closed_loop": load.summary(),
                "at_200_per_s": paced.summary(),
                "sent": load.sent + paced.sent,
                "accepted": load.count(200) + paced.count(200),
                **counted,
            }

        kamri = measure("kamri.wsgi:application", "kamri")
        bare = measure("bench.harness:baseline_app", "bare")
        figures.update(
            {
                "accepted_per_s": kamri["closed_loop"]["per_s"],
                "baseline_per_s": bare["closed_loop"]["per_s"],
                "ratio": round(kamri["closed_loop"]["per_s"] / bare["closed_loop"]["per_s"], 3),
                "p50_ms": kamri["closed_loop"]["p50_ms"],
                "p99_ms": kamri["closed_loop"]["p99_ms"],
                "p50_ms_at_200_per_s": kamri["at_200_per_s"]["p50_ms"],
                "p99_ms_at_200_per_s": kamri["at_200_per_s"]["p99_ms"],
                "achieved_per_s_at_200_offered": kamri["at_200_per_s"]["per_s"],
                "baseline_p99_ms_at_200_per_s": bare["at_200_per_s"]["p99_ms"],
                "sent": kamri["sent"],
                "stored": kamri["stored"],
                "stored_twice": kamri["stored_twice"],
                "lost": kamri["lost"],
                "non_200": kamri["sent"] - kamri["accepted"],
                "kamri": kamri,
                "baseline": bare,
            }
        )
        return figures


def report(figures: dict, label: str) -> bool:
    print(
        f"[{label}] {figures['gunicorn']}: accepted {figures['accepted_per_s']}/s vs bare WSGI "
        f"{figures['baseline_per_s']}/s → ratio {figures['ratio']}; concurrency {CONCURRENCY}: "
        f"p50 {figures['p50_ms']} ms, p99 {figures['p99_ms']} ms; at {OPEN_LOOP_RATE:.0f} req/s offered: "
        f"p50 {figures['p50_ms_at_200_per_s']} ms, p99 {figures['p99_ms_at_200_per_s']} ms "
        f"(bare p99 {figures['baseline_p99_ms_at_200_per_s']} ms); sent {figures['sent']}, stored "
        f"{figures['stored']}, twice {figures['stored_twice']}, lost {figures['lost']}"
    )
    return (
        figures["ratio"] >= 0.5
        and figures["p99_ms_at_200_per_s"] < 100
        and figures["lost"] == 0
        and figures["stored_twice"] == 0
        and figures["non_200"] == 0
    )


def main() -> int:
    result = run("", "")
    ok = report(result, "sqlite")
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"):
        pg = run(os.environ["DATABASE_URL"], os.environ["REDIS_URL"])
        ok = report(pg, "postgresql+redis") and ok
        result["postgresql_redis"] = pg
    result["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    out = ROOT / "bench" / "results" / "webhook_ingest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
