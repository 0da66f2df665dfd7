"""The CJ dashboard in a real browser: its numbers equal the database, the charts draw, problems work."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kamri.catalog.models import Product
from kamri.cj.models import CJApiCall, CJOrder, CJProductLink, CJSettings, WebhookEvent
from kamri.cj.services import health
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.browser


def seed() -> None:
    for status, stock in (
        ("active", 5),
        ("active", 5),
        ("active", 5),
        ("draft", 5),
        ("inactive", 5),
        ("active", 0),
    ):
        product = factories.product(status=status, source=Product.Source.CJ, stock=stock, variants=2)
        CJProductLink.objects.create(product=product, pid=f"PID-{product.pk}", margin_percent=Decimal("50"))
    now = timezone.now()
    plan = [
        ("placed", "CONFIRMED", 0),
        ("placed", "SHIPPED", 2),
        ("placed", "DELIVERED", 6),
        ("placed", "CONFIRMED", 12),
        ("needs_attention", "CONFIRMED", 1),
        ("failed", "CONFIRMED", 3),
        ("queued", "CONFIRMED", 0),
        ("cancelled", "CANCELLED", 8),
    ]
    for state, store_status, days_ago in plan:
        order = factories.order(status=store_status, paid=True)
        row = CJOrder.objects.create(
            order=order,
            order_number=f"KM{order.pk}",
            state=state,
            product_amount_usd=Decimal("8.00"),
            postage_amount_usd=Decimal("2.00"),
        )
        CJOrder.objects.filter(pk=row.pk).update(created_at=now - timedelta(days=days_ago, minutes=5))
    events = (
        [("processed", h) for h in (1, 1, 2, 3, 5, 7, 9, 12, 15, 20)]
        + [("ignored", 4), ("error", 2), ("error", 6), ("error", 6), ("pending", 0), ("duplicate", 1)]
        + [("rejected", 3), ("processed", 30), ("processed", 50)]
    )
    for status, hours_ago in events:
        WebhookEvent.objects.create(
            type="ORDER", status=status, received_at=now - timedelta(hours=hours_ago, minutes=1)
        )
    for minutes_ago, ok in ((5, True), (65, True), (30, False), (130, True), (200, True), (260, False)):
        CJApiCall.objects.create(
            endpoint="product/query",
            method="GET",
            started_at=now - timedelta(minutes=minutes_ago),
            duration_ms=Decimal("42"),
            ok=ok,
            cj_code=None if ok else 1600200,
        )
    settings_row = CJSettings.load()
    settings_row.webhooks_enabled = True
    settings_row.save()


def text(page, key: str) -> str:
    return page.locator(f'[data-value="{key}"]').first.inner_text().strip()


def test_dashboard_numbers_equal_the_database(admin_page, live_server):
    seed()
    health.check_all()
    admin_page.goto(f"{live_server.url}/admin/cj/")
    expect(admin_page.locator("h1")).to_have_text("CJ Dropshipping")
    # Products: 6 imported = 3 active available, 1 draft, 2 unavailable (inactive, or every variant at stock 0).
    cj_products = Product.objects.filter(cj_link__isnull=False)
    assert text(admin_page, "products-total") == str(cj_products.count()) == "6"
    assert text(admin_page, "products-active") == "3"
    assert text(admin_page, "products-draft") == "1"
    assert text(admin_page, "products-unavailable").startswith("2")
    # Orders by CJ state and by KAMRI status.
    assert text(admin_page, "orders-total") == str(CJOrder.objects.count()) == "8"
    for state in CJOrder.State.values:
        expected = str(CJOrder.objects.filter(state=state).count())
        expect(admin_page.locator(f'#orders-by-state tr[data-state="{state}"] td.num')).to_have_text(expected)
    for status in Order.Status.values:
        expected = str(CJOrder.objects.filter(order__status=status).count())
        expect(admin_page.locator(f'#orders-by-status tr[data-status="{status}"] td.num')).to_have_text(
            expected
        )
    # Webhooks received in 24 h, all statuses: 10 processed + 1 ignored + 3 errors + 1 pending + 1 dup + 1 rejected.
    in_24h = WebhookEvent.objects.filter(received_at__gte=timezone.now() - timedelta(hours=24)).count()
    assert text(admin_page, "webhooks-24h") == str(in_24h) == "17"
    assert text(admin_page, "webhooks-total") == "19"
    # Success rates: orders 4 placed ÷ 6 attempted; webhooks (10 + 1) ÷ (10 + 1 + 3 errors) = 11 / 14.
    assert text(admin_page, "orders-rate") == "66,7 %"
    assert text(admin_page, "webhooks-rate") == "78,6 %"
    orders_tip = admin_page.locator('[data-rate="orders"]')
    assert "passées ÷ commandes CJ tentées" in orders_tip.get_attribute("title")
    webhooks_tip = admin_page.locator('[data-rate="webhooks"]')
    assert "les doublons (même messageId" in webhooks_tip.get_attribute("title")
    # Charts draw bars whose values add up to the database's counts.
    checks = (
        ("chart-orders", "chart-brand", 8),
        ("chart-webhooks", "chart-ok", 11),
        ("chart-webhooks", "chart-err", 3),
        ("chart-calls", "chart-brand", 6),
        ("chart-calls", "chart-err", 2),
    )
    for chart_id, series, expected in checks:
        bars = admin_page.locator(f"#{chart_id} svg rect.chart-bar.{series}")
        assert bars.count() > 0
        values = [int(value) for value in bars.evaluate_all("els => els.map(e => e.dataset.value)")]
        assert sum(values) == expected, chart_id
        box = bars.first.bounding_box()
        assert box and box["height"] > 0 and box["width"] > 0
    # The critical problem (an order to handle) sits at the top, with "Ignorer".
    critical = admin_page.locator("#critical-problems")
    expect(critical).to_contain_text("1 commande CJ à traiter")
    # The live status arrives by htmx (no account configured here).
    expect(admin_page.locator("#cj-status")).to_contain_text("Aucun compte CJ")
    expect(admin_page.locator("#quick-actions-card")).to_contain_text("Rechercher des produits")
    admin_page.locator("#critical-problems .problem-actions button", has_text="Ignorer").click()
    expect(admin_page.locator(".messages")).to_contain_text("est ignoré")
    expect(admin_page.locator("#critical-problems")).to_have_count(0)


def test_problems_page_check_now(admin_page, live_server):
    seed()
    admin_page.goto(f"{live_server.url}/admin/cj/problemes/")
    expect(admin_page.locator("#no-problem")).to_be_visible()
    admin_page.click("#btn-check-now")
    expect(admin_page.locator(".messages")).to_contain_text("Vérification terminée")
    expect(admin_page.locator("#open-problems")).to_contain_text("1 commande CJ à traiter")
    expect(admin_page.locator("#open-problems")).to_contain_text("CJ a limité")
    expect(admin_page.locator('[data-problem="cj-orders-attention"] .badge')).to_have_text("Critique")


def test_profit_report_page(admin_page, live_server):
    seed()
    admin_page.goto(f"{live_server.url}/admin/cj/rapport/")
    expect(admin_page.locator("h1")).to_have_text("Rapport de marge")
    rows = admin_page.locator("#profit-orders tbody tr")
    # Placed CJ orders whose store order is paid and not cancelled, within 30 days.
    expect(rows).to_have_count(4)
    admin_page.goto(f"{live_server.url}/admin/cj/rapport/?from=2024-02-30&to=demain")
    expect(admin_page.locator(".messages")).to_contain_text("Date invalide")
