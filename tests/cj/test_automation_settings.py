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
        "pay_type": "2",
        "logistic_rule": "fastest",
        "logistic_price_cap": "12",
        "stock_sync_minutes": "60",
        "price_sync_minutes": "360",
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
    }
    data.update(overrides)
    return data


def test_page_shows_every_section(staff_client):
    html = staff_client.get(reverse("cj:automation")).content.decode()
    for section in ("Import et prix", "Commandes", "Synchronisation et garde-fous", "Webhooks et alertes"):
        assert section in html


def test_saving_changes_the_behaviour(staff_client):
    response = staff_client.post(reverse("cj:automation"), _form())
    assert response.status_code == 302
    row = CJSettings.load()
    assert row.default_margin_percent == Decimal("45") and row.default_rounding == "90"
    assert row.stock_countries == ["US", "FR"] and row.pay_type == 2 and row.logistic_rule == "fastest"
    assert row.off_sale_action == "keep" and row.require_signature is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("usd_rate", "0"),
        ("default_margin_percent", "-5"),
        ("default_compare_at_multiplier", "0.8"),
        ("pay_type", "7"),
        ("order_delay_minutes", "-1"),
        ("usd_rate", "abc"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_saved(staff_client, field, value):
    before = CJSettings.load().usd_rate
    response = staff_client.post(reverse("cj:automation"), _form(**{field: value}))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert CJSettings.load().usd_rate == before
