"""Paramètres: the automation choices are editable, validated, and take effect."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kamri.cj.models import CJSettings

pytestmark = pytest.mark.django_db


def _form(**overrides) -> dict:
    data = {
        "default_margin_percent": "45",
        "default_rounding": "90",
        "default_compare_at_multiplier": "1.5",
        "usd_rate": "0.9",
        "stock_countries": ["US", "FR"],
        "order_delay_minutes": "10",
        "payment_mode": "batch",
        "pay_batch_hours": "10, 18h",
        "pay_tolerance_percent": "5",
        "daily_pay_cap_usd": "800",
        "logistic_rule": "fastest",
        "logistic_price_cap": "12",
        "freshness_sold_hours": "1.5",
        "freshness_max_age_hours": "72",
        "points_reserve_multiplier": "3",
        "points_reserve_floor": "1000",
        "price_tolerance_percent": "20",
        "margin_floor_percent": "15",
        "unavailable_action": "inactive",
        "off_sale_action": "keep",
        "require_signature": "on",
        "webhook_retention_days": "30",
        "no_webhook_alert_hours": "6",
        "webhook_error_alert_percent": "10",
        "no_tracking_alert_days": "7",
        "low_balance_usd": "50",
        "ioss_type": "none",
        "ioss_number": "",
    }
    data.update(overrides)
    return data


def test_page_shows_every_section(staff_client):
    html = staff_client.get(reverse("cj:automation")).content.decode()
    for section in (
        "Import et prix",
        "Commandes",
        "Points CJ et fraîcheur du stock",
        "Synchronisation et garde-fous",
        "Webhooks et alertes",
    ):
        assert section in html


def test_saving_changes_the_behaviour(staff_client):
    response = staff_client.post(reverse("cj:automation"), _form())
    assert response.status_code == 302
    row = CJSettings.load()
    assert row.default_margin_percent == Decimal("45") and row.default_rounding == "90"
    assert (
        row.stock_countries == ["US", "FR"] and row.payment_mode == "batch" and row.logistic_rule == "fastest"
    )
    assert row.off_sale_action == "keep" and row.require_signature is True
    assert row.pay_batch_hours == [10, 18] and row.daily_pay_cap_usd == Decimal("800")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("usd_rate", "0"),
        ("default_margin_percent", "-5"),
        ("default_compare_at_multiplier", "0.8"),
        ("payment_mode", "later"),
        ("pay_batch_hours", "25"),
        ("daily_pay_cap_usd", "0"),
        ("order_delay_minutes", "-1"),
        ("usd_rate", "abc"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_saved(staff_client, field, value):
    before = CJSettings.load().usd_rate
    response = staff_client.post(reverse("cj:automation"), _form(**{field: value}))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert CJSettings.load().usd_rate == before


def test_live_forecast_follows_the_typed_targets_and_explains_a_schedule_that_cannot_fit(staff_client):
    from kamri.cj.models import CJProductLink
    from tests import factories

    for n in range(5):  # five active CJ products, unsold, plenty of stock: one check a day each
        item = factories.product(source="cj", variants=0)
        CJProductLink.objects.create(product=item, pid=f"P-FORECAST-{n}", margin_percent=Decimal("50"))
    url = reverse("cj:points_forecast")
    planned = staff_client.post(url, _form()).content.decode()
    assert (
        "Ce réglage consomme ≈ 50 points/jour sur 49\u00a0000 disponibles" in planned
    )  # 50,000 − reserve 1,000
    assert 'data-fits="1"' in planned and "5 produits importés" in planned
    assert "au-delà de 4\u00a0900 produits" in planned  # 49,000 ÷ 10 points a product a day
    refused = staff_client.post(url, _form(freshness_sold_hours="0.1")).content.decode()
    assert "Prévision impossible" in refused  # a value the form refuses gives no forecast, and says why
    squeezed = staff_client.post(url, _form(points_reserve_floor="49990")).content.decode()
    assert 'data-fits="0"' in squeezed and "Ce réglage ne tient pas" in squeezed
