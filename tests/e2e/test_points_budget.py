"""Browser: Paramètres forecasts the points of the typed freshness targets live; the CJ dashboard shows today's
points by purpose, CJ's remaining figure and the orders' reserve."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from kamri.cj.models import CJApiCall, CJProductLink
from tests import factories
from tests.e2e.test_cj_dashboard import LAPTOP, shoot


def _catalogue(count: int) -> None:
    for n in range(count):  # active CJ products, unsold, no variant: one check a day each (10 points)
        item = factories.product(source="cj", variants=0)
        CJProductLink.objects.create(product=item, pid=f"P-E2E-{n}", margin_percent=Decimal("50"))


def test_parametres_shows_the_live_points_forecast(admin_page, live_server):
    _catalogue(5)
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/parametres/")
    forecast = admin_page.locator("#points-forecast")
    expect(forecast).to_contain_text("Ce réglage consomme ≈ 50 points/jour sur 49\u00a0000 disponibles")
    expect(forecast).to_contain_text("au-delà de 4\u00a0900 produits")
    admin_page.fill("#id_points_reserve_floor", "49990")  # the owner types: the forecast follows, unsaved
    expect(forecast).to_contain_text("Ce réglage ne tient pas")
    expect(forecast.locator("[data-fits]")).to_have_attribute("data-fits", "0")
    admin_page.fill("#id_points_reserve_floor", "1000")
    admin_page.fill("#id_freshness_max_age_hours", "48")
    expect(forecast).to_contain_text("sur 49\u00a0000 disponibles")
    expect(forecast.locator("[data-fits]")).to_have_attribute("data-fits", "1")
    admin_page.locator("#points-forecast").scroll_into_view_if_needed()
    shoot(admin_page, "cj_parametres_points_forecast")


def test_dashboard_shows_points_by_purpose_and_the_reserve(admin_page, live_server, cj_account):
    now = timezone.now()
    rows = [("orders", "logistic/freightCalculate")] * 2 + [("stock", "product/query")] * 3
    rows += [("catalog", "product/listV2")]
    for n, (purpose, endpoint) in enumerate(rows):
        CJApiCall.objects.create(
            endpoint=endpoint,
            method="GET",
            started_at=now - timedelta(seconds=30 - n),
            duration_ms=Decimal("20"),
            purpose=purpose,
            cj_points_used=100 + 10 * n,
            cj_points_remaining=49_900 - 10 * n,
            cj_points_total=50_000,
        )
    admin_page.set_viewport_size(LAPTOP)
    admin_page.goto(f"{live_server.url}/admin/cj/")
    card = admin_page.locator("#cj-points")
    expect(card.locator('[data-purpose="orders"] .num')).to_have_text("20")
    expect(card.locator('[data-purpose="stock"] .num')).to_have_text("30")
    expect(card.locator('[data-purpose="catalog"] .num')).to_have_text("50")
    expect(card.locator('[data-value="points-remaining"]')).to_contain_text("49\u00a0850 / 50\u00a0000")
    expect(card.locator('[data-value="points-remaining"]')).to_contain_text("chiffre CJ")
    expect(card.locator('[data-value="points-reserve"]')).to_have_text("1\u00a0000")
    expect(card.locator('[data-value="points-forecast"]')).to_contain_text("≈")
    card.scroll_into_view_if_needed()
    shoot(admin_page, "cj_dashboard_points")
