"""Catalogue generator: determinism, variety, id formats, CJ-like shapes."""

from __future__ import annotations

import re

from cjsandbox import demo_api_key
from cjsandbox.catalog import Catalog
from cjsandbox.catalog_data import WAREHOUSES

UUID_RE = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
SNOWFLAKE_RE = re.compile(r"^[1-9]\d{18}$")


def fingerprint(cat: Catalog) -> list:
    return [
        (
            p.pid,
            p.sku,
            p.name_en,
            p.status,
            p.category.id,
            [(v.vid, v.sku, v.key, v.price, v.weight, sorted(v.stock.items())) for v in p.variants],
        )
        for p in cat.products
    ]


def test_same_seed_same_catalogue_and_different_seed_differs():
    a, b, c = Catalog(7, 400), Catalog(7, 400), Catalog(8, 400)
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(c)
    p = a.products[5]
    assert a.reviews(p) == b.reviews(b.by_pid[p.pid])
    assert a.description(p) == b.description(b.by_pid[p.pid])


def test_startup_2000_products_is_varied():
    cat = Catalog(42, 2000)  # its start-up time is measured by bench/sandbox.py, not asserted here
    assert len(cat.products) == 2000
    thirds = {c.id for c in cat.categories}
    assert len(thirds) >= 30
    assert {p.category.id for p in cat.products} == thirds  # every category is used
    pids = [p.pid for p in cat.products]
    assert len(set(pids)) == 2000
    assert sum(bool(UUID_RE.match(x)) for x in pids) > 500
    assert sum(bool(SNOWFLAKE_RE.match(x)) for x in pids) > 500
    assert all(UUID_RE.match(x) or SNOWFLAKE_RE.match(x) for x in pids)
    counts = {len(p.variants) for p in cat.products}
    assert min(counts) == 1 and max(counts) == 12
    assert any(p.min_price != p.max_price for p in cat.products)
    assert any(p.status == "2" for p in cat.products) and any(p.status == "3" for p in cat.products)
    countries = set().union(*(p.countries for p in cat.products))
    assert {"CN", "US", "DE", "FR", "GB"} <= countries == set(WAREHOUSES)
    assert any(p.total_cj and p.total_factory for p in cat.products)


def test_variant_keys_with_hyphenated_values():
    cat = Catalog(42, 2000)
    tricky = [v for v in cat.by_vid.values() if v.key.count("-") > len(v.values) - 1 and len(v.values) == 2]
    assert tricky, "expected keys like Rose-Gold-XL"
    v = tricky[0]
    assert v.product.key_en.count("-") == 1  # e.g. "Color-Size"
    assert v.key == "-".join(v.values)
    assert v.sku.startswith(v.product.sku + "-")


def test_phone_case_search_in_us_price_band():
    cat = Catalog(42, 2000)
    found = cat.search(keyword="phone case", country="US", start_price=2, end_price=10)
    assert len(found) >= 5
    for p in found:
        assert "phone" in p.name_lower and "case" in p.name_lower
        assert "US" in p.countries and 2 <= p.min_price <= 10


def test_demo_key_is_deterministic_and_well_formed():
    assert demo_api_key(42) == demo_api_key(42) != demo_api_key(43)
    assert re.match(r"^CJ\d+@api@[0-9a-f]{32}$", demo_api_key(42))


def test_reviews_are_never_dated_in_the_future():
    from datetime import UTC, datetime, timedelta

    cat = Catalog(42, 400)
    now_cn = (datetime.now(UTC) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    dates = [review["commentDate"] for p in cat.products if p.review_count for review in cat.reviews(p)]
    assert dates and max(dates) <= now_cn
