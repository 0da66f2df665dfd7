"""Admin pages under volume: 100k orders (+ CJ orders), 500k webhook rows, 20k products on SQLite.

Run: .venv/bin/python bench/admin_pages.py  → prints a table and writes bench/results/admin_pages.json.
Targets (issue 20): p95 server time < 100 ms, at most 20 SQL queries, the same count as on an almost empty
database, for every admin list page and the dashboards. The run fails (exit 1) when a page misses either.
The CJ dashboard's "Actualiser" (it recomputes the figures the page keeps a minute) is measured beside it: its
queries must equal the empty database's too; its time is reported, not a target.
Small scale while developing: BENCH_ORDERS=2000 BENCH_WEBHOOKS=5000 BENCH_PRODUCTS=500 BENCH_API_CALLS=500;
BENCH_ONLY=cj_dashboard,orders measures those pages only.
Everything happens in a temporary directory; the CJ dashboard never calls CJ (its status loads by htmx).
KAMRI_BENCH_KEEP=<dir>: build both databases (almost empty and full) once into <dir> and reuse them on later runs
with the same BENCH_* sizes (they are migrated on each run, so a new index is measured); the 100k build takes
minutes, a kept run only the measurements. Delete the directory to rebuild.
BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432: the same on PostgreSQL (databases kamri_bench_empty and
kamri_bench_full, dropped and created by the run; kept with KAMRI_BENCH_KEEP), results in
bench/results/admin_pages_postgresql.json.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORDERS = int(os.environ.get("BENCH_ORDERS", 100_000))
WEBHOOKS = int(os.environ.get("BENCH_WEBHOOKS", 500_000))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", 20_000))
API_CALLS = int(os.environ.get("BENCH_API_CALLS", 20_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 20))
ONLY = {
    name for name in os.environ.get("BENCH_ONLY", "").split(",") if name
}  # "cj_dashboard,orders" while profiling
BATCH = 5_000
POSTGRES = os.environ.get("BENCH_POSTGRES", "").rstrip("/")
VENDOR = "postgresql" if POSTGRES else "sqlite"
TARGET_MS = 100
TARGET_QUERIES = 20

# Every admin list page and the dashboards (issue 20 part 10): a page whose query count grows with the data fails.
PAGES = [
    ("home", "dashboard:home"),
    ("cj_dashboard", "cj:home"),
    ("cj_orders", "cj:orders"),
    ("cj_webhook_log", "cj:webhook_log"),
    ("cj_webhooks", "cj:webhooks"),
    ("cj_api_calls", "cj:api_calls"),
    ("cj_syncs", "cj:syncs"),
    ("cj_price_changes", "cj:price_changes"),
    ("cj_new_variants", "cj:new_variants"),
    ("cj_problems", "cj:problems"),
    ("cj_profit", "cj:profit"),
    ("products", "catalog:product_list"),
    ("orders", "orders:order_list"),
    ("activity", "core:activity"),
    ("cj_aftersales", "cj:aftersales"),
    ("cj_tracking", "cj:tracking"),
    ("cj_settings", "cj:settings"),
    ("cj_automation", "cj:automation"),
    ("team", "core:team"),
    ("shipping", "shipping:home"),
    ("payments", "payments:settings"),
    ("legal_pages", "admin:legal_legalpage_changelist"),
]


def database_name(tmp: Path, kind: str) -> str:
    """The bench's two databases ("empty", "full"): a SQLite file in tmp, or a PostgreSQL database."""
    return f"kamri_bench_{kind}" if POSTGRES else str(tmp / f"{kind}.sqlite3")


def database_exists(name: str) -> bool:
    if not POSTGRES:
        return Path(name).exists()
    return bool(_postgres_admin("SELECT 1 FROM pg_database WHERE datname = %s", [name]))


def drop_database(name: str) -> None:
    if POSTGRES:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        for path in Path(name).parent.glob(Path(name).name + "*"):
            path.unlink()


def copy_database(source: str, target: str) -> None:
    """The full database starts as the almost empty one (no connection may be open on the source)."""
    from django.db import connections

    connections["default"].close()
    if POSTGRES:
        drop_database(target)
        _postgres_admin(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    else:
        shutil.copyfile(source, target)


def _postgres_admin(sql: str, params: list | None = None) -> list:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        cursor = admin.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def setup_django(tmp: Path) -> None:
    os.environ["KAMRI_VAR_DIR"] = str(tmp)
    empty = database_name(tmp, "empty")
    if POSTGRES:
        if not database_exists(empty):
            _postgres_admin(f'CREATE DATABASE "{empty}"')
        os.environ["DATABASE_URL"] = f"{POSTGRES}/{empty}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{empty}"
    os.environ["HUEY_SQLITE_PATH"] = str(tmp / "huey.sqlite3")
    os.environ["HUEY_IMMEDIATE"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamri.settings")
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()


def use_database(name: str) -> None:
    """Point the default connection at one database (created if absent), migrated, with an empty cache."""
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    connections["default"].close()
    if POSTGRES and not database_exists(name):
        _postgres_admin(f'CREATE DATABASE "{name}"')
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    with connections["default"].cursor() as cursor:  # statistics for an index a new migration added
        cursor.execute("ANALYZE" if POSTGRES else "PRAGMA optimize")
    cache.clear()  # the database cache lives in the database: no figure cached by an earlier run


def scale() -> dict[str, int]:
    return {"orders": ORDERS, "webhooks": WEBHOOKS, "products": PRODUCTS, "api_calls": API_CALLS}


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _bulk(model, rows, *, label: str) -> None:
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start : start + BATCH], batch_size=BATCH)
    print(f"   {label:<16} {len(rows):>8,} rows in {time.perf_counter() - started:5.1f} s", flush=True)


def seed_minimal() -> None:
    """An almost empty shop: a CJ account, a few products, orders, webhooks and calls."""
    from kamri.cj.models import CJAccount, CJSettings

    account = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="plus")
    account.set_api_key("CJ0000000@api@bench0000000000000000000000000000")
    account.save()
    CJSettings.load()
    generate(orders=3, webhooks=5, products=3, api_calls=5, prefix="e")


def generate(*, orders: int, webhooks: int, products: int, api_calls: int, prefix: str = "b") -> None:
    from django.db import connection
    from django.utils import timezone

    from kamri.catalog.models import Product, Variant
    from kamri.cj.models import CJApiCall, CJOrder, CJProductLink, WebhookEvent
    from kamri.orders.models import Order

    rng = random.Random(8)
    now = timezone.now()
    statuses = [Product.Status.ACTIVE] * 7 + [Product.Status.DRAFT] * 2 + [Product.Status.INACTIVE]
    _bulk(
        Product,
        [
            Product(
                title=f"Produit {prefix}{i}",
                slug=f"produit-{prefix}{i}",
                status=statuses[i % 10],
                source=Product.Source.CJ if i % 4 else Product.Source.OWN,
            )
            for i in range(products)
        ],
        label="products",
    )
    product_ids = list(
        Product.objects.filter(slug__startswith=f"produit-{prefix}")
        .order_by("id")
        .values_list("id", "source")
    )
    _bulk(
        Variant,
        [
            Variant(
                product_id=pk,
                sku=f"SKU-{prefix}{pk}-{n}",
                price=Decimal("19.99"),
                stock=0 if pk % 13 == 0 else rng.randint(1, 80),
            )
            for pk, _source in product_ids
            for n in range(2)
        ],
        label="variants",
    )
    _bulk(
        CJProductLink,
        [
            CJProductLink(product_id=pk, pid=f"PID-{prefix}{pk}", margin_percent=Decimal("60"))
            for pk, source in product_ids
            if source == Product.Source.CJ
        ],
        label="CJ product links",
    )
    store_status = ["CONFIRMED"] * 3 + ["SHIPPED"] * 4 + ["DELIVERED"] * 6 + ["PENDING", "CANCELLED"]
    _bulk(
        Order,
        [
            Order(
                number=f"KM-{prefix}{i:08d}",
                access_key=f"bench-{prefix}-{i}",
                status=store_status[i % len(store_status)],
                customer_name=f"Client {i}",
                email="client@example.com",
                country="US",
                city="Austin",
                address1="1 Main St",
                subtotal=Decimal("39.98"),
                total=Decimal("39.98"),
                paid_at=now,
            )
            for i in range(orders)
        ],
        label="orders",
    )
    states = ["placed"] * 16 + ["queued", "needs_attention", "failed", "cancelled"]
    order_ids = list(
        Order.objects.filter(number__startswith=f"KM-{prefix}").order_by("id").values_list("id", flat=True)
    )
    _bulk(
        CJOrder,
        [
            CJOrder(
                order_id=order_id,
                order_number=f"KM{prefix}{order_id}",
                cj_order_id=f"{prefix}{order_id}" if i % 20 < 16 else None,
                state=states[i % len(states)],
                cj_status=["PAID", "SHIPPED", "DELIVERED", "UNSHIPPED"][i % 4] if i % 20 < 16 else "",
                product_amount_usd=Decimal("12.40"),
                postage_amount_usd=Decimal("3.10"),
                order_amount_usd=Decimal("15.50"),
                track_number=f"YT{order_id}" if i % 3 else "",
                placed_at=now,
            )
            for i, order_id in enumerate(order_ids)
        ],
        label="CJ orders",
    )
    webhook_statuses = ["processed"] * 17 + ["error", "ignored", "duplicate"]
    types = ["ORDER", "LOGISTIC", "STOCK", "PRODUCT"]
    step = (30 * 24 * 3600) / max(webhooks, 1)  # spread over 30 days
    _bulk(
        WebhookEvent,
        [
            WebhookEvent(
                message_id=f"{prefix}-msg-{i}",
                type=types[i % 4],
                status=webhook_statuses[i % len(webhook_statuses)],
                raw_body='{"messageId": "x", "type": "ORDER", "params": {}}',
                received_at=now - timedelta(seconds=i * step),
                result="ok",
            )
            for i in range(webhooks)
        ],
        label="webhooks",
    )
    call_step = (24 * 3600) / max(api_calls, 1)
    endpoints = ["product/listV2", "product/query", "product/stock/getInventoryByPid", "shopping/order/list"]
    _bulk(
        CJApiCall,
        [
            CJApiCall(
                endpoint=endpoints[i % 4],
                method="GET",
                started_at=now - timedelta(seconds=i * call_step),
                duration_ms=Decimal(rng.randint(20, 400)),
                http_status=200,
                ok=i % 50 != 0,
                cj_code=None if i % 50 else 1600200,
            )
            for i in range(api_calls)
        ],
        label="API calls",
    )
    # Spread creation dates over a year (auto_now_add set them all to now): one statement per table.
    if POSTGRES:
        spread = "created_at - make_interval(days => (id * 7919 % 365)::int, hours => (id % 24)::int)"
    else:
        spread = "datetime(created_at, '-' || (id * 7919 % 365) || ' days', '-' || (id % 24) || ' hours')"
    with connection.cursor() as cursor:
        for table in ("orders_order", "cj_cjorder", "catalog_product"):
            cursor.execute(f"UPDATE {table} SET created_at = {spread}")  # noqa: S608 — constants only
        cursor.execute("VACUUM ANALYZE" if POSTGRES else "ANALYZE")  # PostgreSQL: as autovacuum would have


def build_profit_lines() -> None:
    """The Rapport de marge's stored lines, through the real rebuild path (the profit_lines command); on a kept
    database too (it may predate them, or hold lines of an older rule: they are rewritten)."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("profit_lines", "--rebuild", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if POSTGRES else "ANALYZE")  # PostgreSQL: as autovacuum would have
    print(f"   profit lines rebuilt in {time.perf_counter() - started:5.1f} s", flush=True)


# The CJ dashboard's "Actualiser": it recomputes the figures the page keeps a minute (kamri.cj.reports.dashboard
# cached_figures), then redirects. Measured apart: its queries must not grow with data either; its time is
# reported, not held to the pages' target (it runs once a minute at most, or on a click).
# (name, the page it belongs to, URL name, query): measured with that page.
REFRESHES = [("cj_dash_refresh", "cj_dashboard", "cj:home", "?actualiser=1")]


def measure(client, url: str, *, expect: int = 200) -> tuple[float, int, float]:
    """(p95 ms, SQL queries of one request, median ms): the median says how much of the p95 is a loaded machine."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm the templates and the connection
        status = client.get(url).status_code
        assert status == expect, f"{url} answered {status}"
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expect, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return percentile(timings, 95), len(queries), percentile(timings, 50)


def report(full: dict, empty: dict, urls: dict, *, timed: bool) -> tuple[dict, bool]:
    """Print and collect one line per measured URL; ``timed``: held to the p95 target (else the queries only)."""
    results, ok_all = {}, True
    for name, (p95, queries, p50) in full.items():
        empty_queries = empty[name][1]
        ok = queries == empty_queries and (not timed or (p95 < TARGET_MS and queries <= TARGET_QUERIES))
        ok_all &= ok
        results[name] = {
            "url": urls[name],
            "p95_ms": round(p95, 1),
            "p50_ms": round(p50, 1),
            "queries": queries,
            "queries_empty_db": empty_queries,
            "p95_ms_empty_db": round(empty[name][0], 1),
            "ok": ok,
        }
        verdict = ("ok" if timed else "ok (time not a target)") if ok else "MISSES TARGET"
        print(f"{name:<16} {p95:>8.1f} {p50:>8.1f} {queries:>8} {empty_queries:>9}  {verdict}")
    return results, ok_all


def main() -> int:
    keep = os.environ.get("KAMRI_BENCH_KEEP", "")
    tmp = Path(keep).resolve() if keep else Path(tempfile.mkdtemp(prefix="kamri-bench-"))
    tmp.mkdir(parents=True, exist_ok=True)
    empty_db, full_db = database_name(tmp, "empty"), database_name(tmp, "full")
    meta = tmp / f"bench-{VENDOR}.json"
    reuse = (
        bool(keep) and database_exists(full_db) and meta.exists() and json.loads(meta.read_text()) == scale()
    )
    if not reuse:
        for name in (empty_db, full_db):
            drop_database(name)
        meta.unlink(missing_ok=True)
    try:
        setup_django(tmp)
        from django.contrib.auth import get_user_model
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from kamri.cj.models import CJApiCall
        from kamri.core.models import StaffMember

        urls = {}
        for name, url_name in PAGES:
            if ONLY and name not in ONLY:
                continue
            try:
                urls[name] = reverse(url_name)
            except NoReverseMatch:
                print(f"!! {url_name} does not exist: {name} skipped")

        def login() -> Client:
            # Superuser for the Django admin's lists (the legal pages); the owner role for KAMRI's own pages.
            staff, created = get_user_model().objects.get_or_create(
                username="bench", defaults={"is_staff": True, "is_superuser": True}
            )
            if created:
                staff.set_password("bench-password-123")
                staff.save()
                StaffMember.objects.create(user=staff, role="owner")  # a staff account alone is read-only
            client = Client()
            client.force_login(staff)
            return client

        print("== almost empty database" + (" (kept)" if reuse else ""), flush=True)
        use_database(empty_db)
        client = login()
        if not reuse:
            seed_minimal()
        build_profit_lines()
        refresh_urls = {
            name: reverse(url_name) + query
            for name, page, url_name, query in REFRESHES
            if not ONLY or page in ONLY or name in ONLY
        }
        empty = {name: measure(client, url) for name, url in urls.items()}
        empty_refresh = {name: measure(client, url, expect=302) for name, url in refresh_urls.items()}

        generation_s = 0.0
        if reuse:
            print(
                f"== reusing {full_db} ({ORDERS:,} orders, {WEBHOOKS:,} webhooks, {PRODUCTS:,} products)",
                flush=True,
            )
            use_database(full_db)
            client = login()
        else:
            copy_database(empty_db, full_db)
            use_database(full_db)
            client = login()
            print(
                f"== generating {ORDERS:,} orders, {WEBHOOKS:,} webhooks, {PRODUCTS:,} products", flush=True
            )
            started = time.perf_counter()
            generate(orders=ORDERS, webhooks=WEBHOOKS, products=PRODUCTS, api_calls=API_CALLS)
            generation_s = time.perf_counter() - started
            print(f"   generated in {generation_s:.1f} s", flush=True)
            if keep:
                meta.write_text(json.dumps(scale()))
        build_profit_lines()
        calls_before = CJApiCall.objects.count()

        full = {name: measure(client, url) for name, url in urls.items()}
        full_refresh = {name: measure(client, url, expect=302) for name, url in refresh_urls.items()}
        assert CJApiCall.objects.count() == calls_before, "a page called CJ synchronously"

        print()
        print(f"{'page':<16} {'p95 ms':>8} {'p50 ms':>8} {'queries':>8} {'empty db':>9}  verdict")
        results, ok_pages = report(full, empty, urls, timed=True)
        refreshes, ok_refreshes = report(full_refresh, empty_refresh, refresh_urls, timed=False)
        ok_all = ok_pages and ok_refreshes
        skipped = [name for name, _url_name in PAGES if name not in urls and (not ONLY or name in ONLY)]
        if ONLY:
            return 0 if ok_all else 1  # a partial run: the results file keeps the last full one
        out = ROOT / "bench" / "results" / ("admin_pages_postgresql.json" if POSTGRES else "admin_pages.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(
            json.dumps(
                {
                    "pages": results,
                    "refreshes": refreshes,
                    "skipped": skipped,
                    "data": {
                        "orders": ORDERS,
                        "cj_orders": ORDERS,
                        "webhooks": WEBHOOKS,
                        "products": PRODUCTS,
                        "variants": PRODUCTS * 2,
                        "api_calls": API_CALLS,
                    },
                    "requests_per_page": REQUESTS,
                    "generation_s": round(generation_s, 1),
                    "kept_database": bool(reuse),
                    "targets": {"p95_ms": TARGET_MS, "queries": TARGET_QUERIES},
                    "database": VENDOR,
                    "load_average": list(os.getloadavg()),
                    "python": platform.python_version(),
                    "median_p95_ms": round(statistics.median(r["p95_ms"] for r in results.values()), 1)
                    if results
                    else None,
                },
                indent=2,
            )
            + "\n"
        )
        print("\nload average (1, 5, 15 min): " + ", ".join(f"{value:.2f}" for value in os.getloadavg()))
        print(f"wrote {out.relative_to(ROOT)}")
        return 0 if ok_all else 1
    finally:
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections["default"].close()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
            if POSTGRES:
                for kind in ("empty", "full"):
                    drop_database(database_name(tmp, kind))


if __name__ == "__main__":
    sys.exit(main())
