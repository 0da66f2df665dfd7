"""CJ client lifetime benchmark: a new client (and a new HTTP connection) per call, as wave 1 did, against the
long-lived client of `kamri.cj.connection.account.client_for`, in the same run, against the in-process sandbox.

Run: .venv/bin/python bench/cj_client_lifetime.py  → prints the figures, writes bench/results/cj_client_lifetime.json.
Both sides go through KAMRI's real path (database token store, shared limiter, API-call log); the sandbox's QPS cap
is lifted so that the limiter does not hide the client's own cost. Three scenarios: product/listV2 (the Produits
search page), getInventoryByPid (the stock sync), and the Produits page itself through Django's test client with
its search cache turned off. Everything stays on 127.0.0.1 and in a temporary directory.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sync_stock import configure_django  # noqa: E402

API_KEY = "CJ1357913@api@00112233445566778899aabbccddeeff"
CALLS = 150


def _timed(fn, calls: int) -> dict:
    durations = []
    started = time.perf_counter()
    for i in range(calls):
        t0 = time.perf_counter()
        fn(i)
        durations.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    durations.sort()
    return {
        "calls": calls,
        "calls_per_s": round(calls / elapsed, 1),
        "ms_per_call_p50": round(statistics.median(durations), 2),
        "ms_per_call_p95": round(durations[int(len(durations) * 0.95) - 1], 2),
    }


def main() -> int:
    from cjsandbox import SandboxConfig, SandboxServer

    server = SandboxServer(
        SandboxConfig(
            seed=11, products=400, port=0, accounts=[(API_KEY, "advanced")], tier_qps={"advanced": 10_000}
        )
    )
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="kamri-bench-client-") as var_dir:
            configure_django(var_dir)
            return run(server)
    finally:
        server.stop()


def run(server) -> int:
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    from kamri.cj import tiers
    from kamri.cj.connection import account as connection
    from kamri.cj.models import CJAccount
    from tests import factories

    tiers.TIER_QPS["advanced"] = 10_000  # the limiter must not hide the client's cost
    account = CJAccount(base_url=server.base_url, tier="advanced")
    account.set_api_key(API_KEY)
    account.save()
    connection.client_for(account).get_settings()  # one token for both sides
    pids = [p.pid for p in server.state.catalog.products if not p.removed][:CALLS]

    def fresh(i: int, call) -> None:
        client = connection.build_client(api_key=API_KEY, base_url=server.base_url, tier="advanced")
        call(client, i)  # wave 1 never closed its clients; closing here only frees the socket sooner
        client.close()

    def pooled(i: int, call) -> None:
        call(connection.client_for(account), i)

    def search(client, i: int) -> None:
        client.search_products(keyword=None, page=1 + i % 20, size=20)

    def inventory(client, i: int) -> None:
        client.inventory_by_pid(pids[i % len(pids)])

    results: dict[str, dict] = {}
    for name, call in (("listV2", search), ("getInventoryByPid", inventory)):
        before = _timed(lambda i, call=call: fresh(i, call), CALLS)
        after = _timed(lambda i, call=call: pooled(i, call), CALLS)
        results[name] = {
            "before": before,
            "after": after,
            "ratio_calls_per_s": round(after["calls_per_s"] / before["calls_per_s"], 2),
        }

    # The Produits page, search cache off: the page's own CJ call is the difference.
    staff = factories.staff_user("bench")
    browser = Client()
    browser.force_login(staff)
    original = connection.client_for
    page_results = {}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        for label, factory in (
            (
                "before",
                lambda account=None, **options: connection.build_client(
                    api_key=API_KEY, base_url=server.base_url, tier="advanced", **options
                ),
            ),
            ("after", original),
        ):
            connection.client_for = factory
            import kamri.cj.catalog.search as catalog_service

            catalog_service.client_for = factory
            try:
                page_results[label] = _timed(
                    lambda i: browser.get("/admin/cj/produits/", {"q": "", "page": 1 + i % 10}), 60
                )
            finally:
                connection.client_for = original
                catalog_service.client_for = original
    results["produits_page"] = {
        **page_results,
        "ratio_calls_per_s": round(
            page_results["after"]["calls_per_s"] / page_results["before"]["calls_per_s"], 2
        ),
    }
    connection.close_clients()

    report = {"bench": "cj_client_lifetime", "debug": settings.DEBUG, **results}
    out = ROOT / "bench" / "results" / "cj_client_lifetime.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    for name, figures in results.items():
        b, a = figures["before"], figures["after"]
        print(
            f"{name:18} new client per call {b['calls_per_s']:7.1f}/s p50 {b['ms_per_call_p50']:6.2f} ms | "
            f"long-lived {a['calls_per_s']:7.1f}/s p50 {a['ms_per_call_p50']:6.2f} ms | ratio {figures['ratio_calls_per_s']}"
        )
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
