""" "Changements de prix en attente" in a real browser: approve a CJ cost change, the catalogue shows the price."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kamri.catalog.models import Product, Variant
from kamri.cj.models import CJProductLink, CJVariantLink
from kamri.cj.sync import catalog_sync
from kamri.core.templatetags.kamri import money

pytestmark = pytest.mark.browser


def cj_product(title: str, pid: str, vid: str, *, cost: str, price: str) -> CJVariantLink:
    product = Product.objects.create(title=title, status=Product.Status.ACTIVE, source=Product.Source.CJ)
    link = CJProductLink.objects.create(product=product, pid=pid, margin_percent=Decimal("60"), rounding="99")
    variant = Variant.objects.create(
        product=product, sku=f"CJ-{vid[-6:]}", price=Decimal(price), cost=Decimal(cost), stock=12
    )
    return CJVariantLink.objects.create(variant=variant, product_link=link, vid=vid, cost_usd=Decimal(cost))


def test_approve_a_pending_price_change(admin_page, live_server):
    lamp = cj_product(
        "Lampe de bureau LED pliable",
        "1700000000000000001",
        "1700000000000000101",
        cost="10.00",
        price="14.99",
    )
    bag = cj_product(
        "Sac à dos imperméable 30 L", "1700000000000000002", "1700000000000000102", cost="8.00", price="11.99"
    )
    mug = cj_product(
        "Mug isotherme inox", "1700000000000000003", "1700000000000000103", cost="4.00", price="5.99"
    )
    change = catalog_sync.apply_cost_change(lamp, Decimal("13.50"), source="sync").change  # +35 %
    catalog_sync.apply_cost_change(bag, Decimal("10.80"), source="webhook")  # +35 %
    catalog_sync.apply_cost_change(mug, Decimal("4.32"), source="sync")  # +8 %: repriced, in the history
    assert change is not None and change.status == "pending"

    admin_page.goto(f"{live_server.url}/admin/cj/prix/")
    expect(admin_page.locator("h1")).to_have_text("Changements de prix en attente")
    expect(admin_page.locator("#price-alert")).to_contain_text(
        "2 changements de prix attendent votre décision"
    )
    row = admin_page.locator(f"#change-{change.pk}")
    expect(row).to_contain_text("Lampe de bureau LED pliable")
    expect(row).to_contain_text("+35,0 %")
    admin_page.screenshot(path=str(_shot("price_changes_pending")), full_page=True)

    row.get_by_role("button", name="Approuver").click()
    expect(admin_page.locator(".messages")).to_contain_text("Nouveau prix appliqué")
    expect(admin_page.locator("#price-alert")).to_contain_text("1 changement de prix attend votre décision")
    expect(admin_page.locator("#price-history")).to_contain_text("Approuvé")

    admin_page.goto(f"{live_server.url}/admin/catalogue/?q=Lampe")
    new_price = money(change.new_price, settings.KAMRI_STORE_CURRENCY)
    expect(admin_page.locator("table.data")).to_contain_text(new_price)
    lamp.variant.refresh_from_db()
    assert lamp.variant.price == change.new_price and lamp.variant.price != Decimal("14.99")
    admin_page.goto(f"{live_server.url}/admin/cj/prix/")  # the final screenshot: the page after the decision


def _shot(name: str):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
