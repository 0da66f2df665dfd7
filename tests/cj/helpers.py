"""Scenario builders for CJ tests: import real sandbox products, create paid orders with their variants."""

from __future__ import annotations

from decimal import Decimal

import httpx

from kamri.catalog.models import Variant
from kamri.cj.catalog import importing
from kamri.cj.catalog import search as catalog
from kamri.cj.models import CJOrder, CJProductLink
from kamri.orders import services as order_services
from kamri.orders.models import Order, OrderLine

US_ADDRESS = {
    "customer_name": "Jane Doe",
    "email": "jane@example.com",
    "phone": "+1 415 555 0134",
    "country": "US",
    "province": "CA",
    "city": "San Francisco",
    "zip_code": "94103",
    "address1": "500 Howard St",
}


def import_cj_products(count: int = 2, *, keyword: str = "phone case", country: str = "US") -> list:
    items = catalog.search(catalog.SearchFilters(keyword=keyword, country=country, size=20)).page.items
    products = []
    for item in items:
        outcome = importing.import_product(pid=item.pid, rule=importing.rule_from_settings(), status="active")
        if outcome.product.variants.filter(stock__gt=3).exists():
            products.append(outcome.product)
        if len(products) == count:
            break
    assert len(products) == count, "the sandbox catalogue should have enough stocked products"
    return products


def imported_product(sandbox, *, min_variants: int = 3) -> CJProductLink:
    """A real product import (product/query + inventory) of a sandbox product with several options."""
    listing = httpx.get(
        f"{sandbox.root_url}/_sandbox/products", params={"status": 3, "limit": 80}, timeout=10
    ).json()["products"]
    pid = next(item["pid"] for item in listing if len(item["vids"]) >= min_variants)
    importing.import_product(pid=pid, rule=importing.rule_from_settings(), status="active")
    return CJProductLink.objects.get(pid=pid)


def cj_adds(link: CJProductLink, count: int) -> list[dict]:
    """KAMRI forgets `count` of the product's variants: to the syncs, CJ has just added them.

    The sandbox has no control call adding a variant to a product; forgetting one is what KAMRI sees either way.
    Returns what the product import had made of each (vid, sku, options, weight).
    """
    forgotten = []
    for variant_link in link.variant_links.select_related("variant").order_by("-pk")[:count]:
        variant = variant_link.variant
        forgotten.append(
            {
                "vid": variant_link.vid,
                "sku": variant.sku,
                "options": variant.options,
                "weight": variant.weight_g,
            }
        )
        variant.delete()
    return forgotten


def stocked_variant(product) -> Variant:
    return product.variants.filter(stock__gt=3).order_by("-stock").first()


def unpaid_order(
    variants: list[Variant], *, address: dict | None = None, quantities: list[int] | None = None
) -> Order:
    """A store order for these variants, waiting for its payment."""
    order = Order.objects.create(**(address or US_ADDRESS))
    total = Decimal("0")
    for variant, quantity in zip(variants, quantities or [1] * len(variants), strict=True):
        OrderLine.objects.create(
            order=order,
            variant=variant,
            title=str(variant),
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
        )
        total += variant.price * quantity
    order.subtotal = order.total = total
    order.save()
    return order


def paid_order(
    variants: list[Variant], *, address: dict | None = None, quantities: list[int] | None = None, capture=None
) -> Order:
    """A store order for these variants, paid with the demo provider (the CJ outbox row appears on commit)."""
    order = unpaid_order(variants, address=address, quantities=quantities)
    if capture is not None:
        with capture(execute=True):
            order_services.mark_paid(order, provider="demo")
    else:
        order_services.mark_paid(order, provider="demo")
    return order


def sandbox_orders(sandbox) -> list[dict]:
    return httpx.get(f"{sandbox.root_url}/_sandbox/orders", timeout=10).json()["orders"]


def control(sandbox, path: str, body: dict | None = None) -> dict:
    response = httpx.post(f"{sandbox.root_url}/_sandbox/{path}", json=body or {}, timeout=10)
    response.raise_for_status()
    return response.json()


def cj_row(order: Order) -> CJOrder:
    return CJOrder.objects.get(order=order, split_from=None)


def ship_and_sync(sandbox, row: CJOrder) -> CJOrder:
    """CJ ships the order KAMRI paid (automatic mode) in the sandbox; KAMRI's order sync brings its tracking number."""
    from kamri.cj.orders import order_sync

    control(sandbox, f"orders/{row.cj_order_id}/ship")  # KAMRI paid it (automatic mode); CJ ships
    order_sync.run(order_sync.start(enqueue=False).pk)
    row.refresh_from_db()
    return row
