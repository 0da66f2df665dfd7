"""The CJ dashboard in a real browser: its numbers equal the database, the charts draw, problems work."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kamri.catalog.models import Product
from kamri.cj.connection import account as connection
from kamri.cj.models import CJApiCall, CJOrder, CJProductLink, CJSettings, WebhookEvent
from kamri.cj.reports import health
from kamri.cj.reports.dashboard import daily_usage
from kamri.cj.reports.profit import profit_report
from kamri.core.periods import default_period
from kamri.orders.models import Order, Payment, Refund
from tests import factories
from tests.e2e.conftest import SCREENSHOTS

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
    # A refund comes off its order's row net of VAT: 12,00 TTC at 20 % gives back 2,00 of VAT → 10,00.
    number = rows.first.get_attribute("data-order")
    order = Order.objects.get(number=number)
    Order.objects.filter(pk=order.pk).update(vat_rate=Decimal("20"))
    payment = Payment.objects.create(
        order=order,
        provider="demo",
        reference="e2e-refund",
        status="succeeded",
        amount=order.total,
        currency="EUR",
    )
    Refund.objects.create(
        order=order, payment=payment, request_key="e2e-refund", amount=Decimal("12.00"), currency="EUR",
        status="succeeded",
    )  # fmt: skip
    admin_page.reload()
    expect(admin_page.locator("#profit-orders thead")).to_contain_text("Remboursements HT")
    row = admin_page.locator(f'#profit-orders tr[data-order="{number}"]')
    expect(row.locator('[data-value="refunds-net"]')).to_have_text("10,00\u00a0€")
    expect(admin_page.locator('[data-value="refunds-net-total"]')).to_have_text("10,00\u00a0€")
    expect(admin_page.locator('[data-sales="refunds"]')).to_contain_text("déduits de leur commande")
    admin_page.goto(f"{live_server.url}/admin/cj/rapport/?from=2024-02-30&to=demain")
    expect(admin_page.locator(".messages")).to_contain_text("Date invalide")


# --- The figures at 1366×768 (a common laptop screen): right, French, and nothing wrapping badly.

LAPTOP = {"width": 1366, "height": 768}


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def one_line(page, selector: str) -> None:
    """Every element matched is laid out on a single line (one line box, no wrapped figure or unit)."""
    lines = page.locator(selector).evaluate_all("els => els.map(e => e.getClientRects().length)")
    assert lines and all(count == 1 for count in lines), (selector, lines)


def own_sale(total: str) -> Order:
    """A paid order of the shop's own products only: it never goes to CJ."""
    order = factories.order(status=Order.Status.CONFIRMED, paid=True)
    Order.objects.filter(pk=order.pk).update(total=Decimal(total), subtotal=Decimal(total))
    return order


def test_dashboard_at_1366_figures_and_layout(admin_page, live_server, cj_account):
    seed()
    for _ in range(3):  # a perfect day for orders: the "100,0 %" that used to wrap
        order = factories.order(status="CONFIRMED", paid=True)
        CJOrder.objects.create(order=order, order_number=f"KM{order.pk}", state="placed")
    CJOrder.objects.filter(state__in=["needs_attention", "failed"]).update(state="placed")
    for _ in range(23):  # 23 listV2 calls × 50 = 1 150 estimated points today
        CJApiCall.objects.create(
            endpoint="product/listV2",
            method="GET",
            started_at=timezone.now(),
            duration_ms=Decimal("30"),
            ok=True,
        )
    assert connection.connection_status(fresh=True).connected  # a shop in use holds a token
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/")
    expect(admin_page.locator("#cj-status")).to_contain_text("Connecté")
    assert text(admin_page, "orders-rate") == "100,0 %"
    # Webhooks in 24 h: (10 processed + 1 ignored) ÷ (11 + 3 errors); pending, duplicate and rejected left out.
    assert text(admin_page, "webhooks-rate") == "78,6 %"
    assert text(admin_page, "webhooks-rate-counts") == "(11/14)"
    one_line(admin_page, "[data-rate] strong")
    one_line(admin_page, ".rate-label")
    tip = admin_page.locator('[data-rate="webhooks"]').get_attribute("title")
    assert "en attente" in tip and "doublons" in tip and "rejetés" in tip
    # CJ's daily points, grouped the French way, and when CJ's day starts in the admin's own time.
    points = admin_page.locator('#cj-account [data-field="points"]')
    usage = daily_usage()
    assert usage.estimated >= 1150  # plus the seeded product/query calls made since midnight UTC
    assert text(admin_page, "points-today") == f"{usage.points:,}".replace(",", "\u00a0")
    assert text(admin_page, "points-quota") == "50\u00a0000"
    local_start = timezone.localtime(usage.since).strftime("%H:%M")
    expect(points).to_contain_text(f"depuis minuit UTC ({local_start} heure de Paris)")
    expect(admin_page.locator("#calls-today")).to_contain_text("Aujourd'hui, depuis minuit UTC")
    expect(admin_page.locator("#calls-today")).not_to_contain_text("00:00 UTC")
    # Plurals: one rejected, one duplicate in 24 h.
    detail = admin_page.locator("#webhooks-24h-detail")
    expect(detail).to_contain_text("1 doublon · 1 rejeté")
    # The account card is full (tier, points, key, address, last sync, webhooks), and repeats nothing of the
    # live status beside it (limits, tokens, balance).
    account = admin_page.locator("#cj-account")
    expect(account.locator('[data-field="tier"]')).to_contain_text("Advanced")
    expect(account.locator('[data-field="webhooks"]')).to_contain_text("Activés")
    expect(account).not_to_contain_text("Jeton")
    expect(account.locator('[data-field="schedule"]')).to_contain_text("planifiée selon les points du jour")
    status_box = admin_page.locator("#cj-status").bounding_box()
    account_box = account.bounding_box()
    assert status_box and account_box and account_box["height"] >= 0.7 * status_box["height"]
    expect(admin_page.locator("#cj-status")).to_contain_text("KAMRI utilise 6 requêtes/s")
    expect(admin_page.locator("body")).not_to_contain_text("(s)")
    shoot(admin_page, "cj_dashboard_1366")
    # The Webhooks page shows the very same rate, from the same function.
    admin_page.goto(f"{live_server.url}/admin/cj/webhooks/")
    assert text(admin_page, "webhooks-rate") == "78,6 %"
    assert text(admin_page, "webhooks-rate-counts") == "(11/14)"
    assert admin_page.locator('[data-rate="webhooks"]').get_attribute("title") == tip
    one_line(admin_page, "[data-rate]")
    expect(admin_page.locator("#webhook-stats")).to_contain_text("dont 1 doublon, 1 rejeté")
    shoot(admin_page, "cj_webhooks_1366")


def test_profit_report_at_1366_explains_its_scope_and_exports_french_numbers(admin_page, live_server):
    seed()
    own_sale("362.80")
    own_sale("1234.56")
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/rapport/")
    expect(admin_page.locator("h1")).to_have_text("Rapport de marge")
    report = profit_report(default_period())
    sales = report.sales
    # The own-product orders are own sales, not "waiting for CJ".
    assert (sales.own.orders, sales.own.revenue) == (2, Decimal("1597.36"))
    assert (
        sales.cj_waiting.orders == 3
    )  # CJ orders queued, "à traiter" or failed: their cost is not known yet
    expect(admin_page.locator('[data-sales="own"]')).to_contain_text("1\u202f597,36\u00a0€")
    expect(admin_page.locator("body")).not_to_contain_text("ne sont pas comptées")
    # The parts add up to the cash the Tableau de bord shows for the same 30 days.
    assert sales.paid.revenue == sales.cj_costed.revenue + sales.cj_waiting.revenue + sales.own.revenue
    paid_text = admin_page.locator('[data-value="sales-paid"]').inner_text()
    one_line(admin_page, "#profit-sales td.num, #profit-totals .value")
    expect(admin_page.locator("#profit-sales")).to_contain_text("Même définition que le Tableau de bord")
    shoot(admin_page, "cj_profit_1366")
    # The per-order table (eleven columns with the refunds) fits its card: no column cut off.
    card = admin_page.locator("#profit-orders").evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
    assert card[0] <= card[1], card
    with admin_page.expect_download() as download:
        admin_page.click("#btn-profit-csv")
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, *rows = body.splitlines()
    assert header.startswith("commande;payee_le;devise;chiffre_affaires")
    total = rows[-1].split(";")
    assert total[0] == "TOTAL" and total[3] == f"{report.totals.revenue}".replace(".", ",")
    assert all("." not in cell for cell in total[3:])  # French Excel reads 11,98 as a number
    admin_page.goto(f"{live_server.url}/admin/")
    expect(admin_page.locator('[data-value="revenue-recent"]')).to_have_text(paid_text)
    one_line(admin_page, '.stat .value, [data-value="revenue-recent"]')
    shoot(admin_page, "home_dashboard_1366")


def test_orders_status_table_at_1366(admin_page, live_server):
    order = factories.order(status=Order.Status.CONFIRMED, paid=True)
    CJOrder.objects.create(order=order, order_number=order.number, state="placed", cj_status="CREATED")
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/commandes/")
    row = admin_page.locator("#cj-orders tbody tr").first
    expect(row).to_contain_text("CREATED")
    expect(row).to_contain_text("Confirmée")
    expect(admin_page.locator('#status-mapping tr[data-cj-status="CREATED"]')).to_contain_text("Confirmée")
    expect(admin_page.locator('#status-mapping tr[data-cj-status="CANCELLED"]')).to_contain_text("À traiter")
    expect(admin_page.locator("#status-rule")).to_contain_text("ne recule jamais")
    shoot(admin_page, "cj_orders_status_1366")


def test_dashboard_figures_say_their_time_and_actualiser_refreshes_them(admin_page, live_server):
    seed()
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/")
    stamp = admin_page.locator("#figures-at")
    expect(stamp).to_contain_text("Chiffres au ")
    shown = stamp.inner_text()
    now = timezone.localtime()
    assert any(
        f"Chiffres au {(now - timedelta(minutes=back)).strftime('%H:%M')}" in shown for back in (0, 1)
    ), shown
    assert text(admin_page, "orders-total") == "8"
    # Writes that send no signal (a bulk update): the minute's figures stay, and the page says from when.
    CJOrder.objects.filter(state="queued").update(state="placed")
    order = factories.order(status="CONFIRMED", paid=True)
    CJOrder.objects.bulk_create([CJOrder(order=order, order_number=f"KM{order.pk}", state="placed")])
    admin_page.reload()
    assert text(admin_page, "orders-total") == "8"
    expect(admin_page.locator('#orders-by-state tr[data-state="queued"] td.num')).to_have_text("1")
    admin_page.locator("#figures-refresh", has_text="Actualiser").click()
    expect(admin_page).to_have_url(f"{live_server.url}/admin/cj/")
    assert text(admin_page, "orders-total") == str(CJOrder.objects.count()) == "9"
    expect(admin_page.locator('#orders-by-state tr[data-state="queued"] td.num')).to_have_text("0")
    expect(admin_page.locator('#orders-by-state tr[data-state="placed"] td.num')).to_have_text(
        str(CJOrder.objects.filter(state="placed").count())
    )
    expect(admin_page.locator("#figures-at")).to_contain_text("Chiffres au ")
    expect(admin_page.locator("#cj-status")).to_contain_text("Aucun compte CJ")  # still live, by htmx
    shoot(admin_page, "cj_dashboard_figures_refresh")
