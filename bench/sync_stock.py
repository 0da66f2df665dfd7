"""Stock synchronisation benchmark: 300 imported products on tier Advanced against the in-process CJ sandbox.

Run: .venv/bin/python bench/sync_stock.py  → prints the figures and writes bench/results/sync_stock.json.
Target (issue 8): 300 getInventoryByPid calls (one per product), no 1600200 reaching the job, and an achieved
rate ≥ 90 % of the tier's cap (6 requests/s). Everything stays on 127.0.0.1 and in a temporary directory.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

API_KEY = "CJ2468024@api@fedcba9876543210fedcba9876543210"
PRODUCTS = 300
INVENTORY = "product/stock/getInventoryByPid"
CAP_PER_S = 6  # tier Advanced (kamri.cj.tiers.TIER_QPS)


def configure_django(var_dir: str) -> None:
    """A throw-away database and var/ directory, set before Django reads its settings."""
    os.environ["KAMRI_VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ["HUEY_SQLITE_PATH"] = f"{var_dir}/huey.sqlite3"
    os.environ["HUEY_IMMEDIATE"] = "false"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamri.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_products(server, count: int) -> int:
    """Imported products linked to real sandbox pids/vids, created in bulk (no CJ call)."""
    from kamri.catalog.models import Product, Variant
    from kamri.catalog.pricing import price_for
    from kamri.cj.catalog.importing import rule_from_settings
    from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink

    settings_row = CJSettings.load()
    rule = rule_from_settings(settings_row)
    chosen = [p for p in server.state.catalog.products if not p.removed][:count]
    products = Product.objects.bulk_create(
        Product(
            title=p.name_en[:255],
            slug=f"bench-{p.pid}",
            status=Product.Status.ACTIVE,
            source=Product.Source.CJ,
        )
        for p in chosen
    )
    links = CJProductLink.objects.bulk_create(
        CJProductLink(
            product=product,
            pid=p.pid,
            cj_sku=p.sku or "",
            margin_percent=rule.margin_percent,
            rounding=rule.rounding.value,
        )
        for product, p in zip(products, chosen, strict=True)
    )
    pairs = [
        (link, product, v)
        for link, product, p in zip(links, products, chosen, strict=True)
        for v in p.variants
    ]
    variants = Variant.objects.bulk_create(
        Variant(
            product=product,
            sku=f"B-{v.vid}",
            price=price_for(Decimal(str(v.price)), rule, settings_row.usd_rate).price,
            cost=Decimal(str(v.price)),
            stock=0,
        )
        for _link, product, v in pairs
    )
    CJVariantLink.objects.bulk_create(
        CJVariantLink(
            variant=variant, product_link=link, vid=v.vid, cj_sku=v.sku or "", cost_usd=Decimal(str(v.price))
        )
        for variant, (link, _product, v) in zip(variants, pairs, strict=True)
    )
    return len(links)


def main() -> int:
    from cjsandbox import SandboxConfig, SandboxServer

    server = SandboxServer(
        SandboxConfig(
            seed=11,
            products=400,
            host="127.0.0.1",
            port=0,
            accounts=[(API_KEY, "advanced")],
            allow_local_callbacks=True,
        )
    ).start()
    try:
        with tempfile.TemporaryDirectory(prefix="kamri-bench-") as var_dir:
            configure_django(var_dir)
            from tqdm import tqdm

            from kamri.cj.connection.account import client_for
            from kamri.cj.models import CJAccount, CJApiCall
            from kamri.cj.sync import stock_sync

            assert server.base_url.startswith("http://127.0.0.1:"), server.base_url
            account = CJAccount(base_url=server.base_url, tier="advanced")
            account.set_api_key(API_KEY)
            account.save()
            products = seed_products(server, PRODUCTS)

            client_for().test_connection(include_balance=False)  # get the token outside the measured window
            time.sleep(1.1)  # and let CJ's one-second window empty

            job = stock_sync.start(enqueue=False)
            started = time.perf_counter()
            with tqdm(total=job.total, unit="produit", desc="Stock CJ", file=sys.stderr) as bar:
                job = stock_sync.run(job.pk, progress=lambda run: bar.update(1))
            wall_s = time.perf_counter() - started

            cj_calls = CJApiCall.objects.filter(endpoint=INVENTORY).count()
            retried_1600200 = CJApiCall.objects.filter(endpoint=INVENTORY, cj_code=1600200).count()
            achieved = cj_calls / wall_s if wall_s else 0.0
            result = {
                "products": products,
                "cj_calls": cj_calls,
                "rate_limited_errors": int(job.summary.get("rate_limited", 0)),
                "achieved_per_s": round(achieved, 3),
                "cap_per_s": CAP_PER_S,
                "ratio": round(achieved / CAP_PER_S, 3),
            }
            for line in job.summary.get("lines", []):
                print(f"- {line}")
            print(
                f"wall time {wall_s:.1f} s, job {job.get_status_display()}, "
                f"1600200 answers seen (retried by the client): {retried_1600200}"
            )
    finally:
        server.stop()

    for key, value in result.items():
        print(f"{key}: {value}")
    out = ROOT / "bench" / "results" / "sync_stock.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    ok = (
        result["cj_calls"] == result["products"] == PRODUCTS
        and result["rate_limited_errors"] == 0
        and result["ratio"] >= 0.9
    )
    print("OK" if ok else "BELOW TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
