"""Rapport de marge: exact Decimal arithmetic, period filter, CSV exports without secrets."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kamri.cj import selectors_dashboard as figures
from kamri.cj.models import CJOrder, CJSettings
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(factories.staff_user())
    return client


def paid_order(total: str, *, paid_ago: timedelta = timedelta(hours=1), status: str = "CONFIRMED") -> Order:
    order = factories.order(status=status, paid=True)
    Order.objects.filter(pk=order.pk).update(total=Decimal(total), paid_at=timezone.now() - paid_ago)
    order.refresh_from_db()
    return order


def cj_row(
    order: Order,
    *,
    goods: str | None,
    postage: str | None,
    freight: str | None = None,
    state: str = "placed",
    split_from: CJOrder | None = None,
) -> CJOrder:
    return CJOrder.objects.create(
        order=order,
        split_from=split_from,
        order_number=f"KM{order.pk}-{CJOrder.objects.count()}",
        state=state,
        product_amount_usd=Decimal(goods) if goods else None,
        postage_amount_usd=Decimal(postage) if postage else None,
        freight_usd=Decimal(freight) if freight else None,
        track_number='=HYPERLINK("http://evil")',
    )


@pytest.fixture
def scenario():
    settings_row = CJSettings.load()
    settings_row.usd_rate = Decimal("0.9200")
    settings_row.save()
    first = paid_order("49.99")
    cj_row(first, goods="20.15", postage="4.33")
    second = paid_order("30.00", paid_ago=timedelta(days=2))
    primary = cj_row(second, goods="10.00", postage=None, freight="3.50")  # no postage yet: the freight quote
    cj_row(second, goods="5.55", postage="1.00", split_from=primary)  # split order: costs add up
    cj_row(
        second, goods="99.00", postage="9.00", state="cancelled", split_from=primary
    )  # cancelled: not a cost
    waiting = paid_order("15.00")
    cj_row(waiting, goods=None, postage=None, state="needs_attention")  # cost unknown yet
    cancelled = paid_order("80.00", status="CANCELLED")
    cj_row(cancelled, goods="30.00", postage="5.00")
    old = paid_order("60.00", paid_ago=timedelta(days=45))
    cj_row(old, goods="20.00", postage="5.00")
    return {"first": first, "second": second, "old": old}


def test_profit_arithmetic_is_exact(scenario):
    report = figures.profit_report(figures.default_period())
    rows = {row.number: row for row in report.rows}
    first = rows[scenario["first"].number]
    # 20.15 × 0.92 = 18.538 → 18.54 ; 4.33 × 0.92 = 3.9836 → 3.98 ; 49.99 − 18.54 − 3.98 = 27.47
    assert (first.goods, first.shipping, first.profit) == (
        Decimal("18.54"),
        Decimal("3.98"),
        Decimal("27.47"),
    )
    assert first.margin_percent == Decimal("55.0")  # 27.47 / 49.99 = 54.95 %
    second = rows[scenario["second"].number]
    # goods 10.00 + 5.55 = 15.55 USD → 14.306 → 14.31 ; shipping 3.50 + 1.00 = 4.50 USD → 4.14
    assert (second.goods_usd, second.shipping_usd) == (Decimal("15.55"), Decimal("4.50"))
    assert (second.goods, second.shipping, second.profit) == (
        Decimal("14.31"),
        Decimal("4.14"),
        Decimal("11.55"),
    )
    assert second.margin_percent == Decimal("38.5")
    assert set(rows) == {scenario["first"].number, scenario["second"].number}
    assert report.without_costs == 1
    totals = report.totals
    assert totals.orders == 2
    assert totals.revenue == Decimal("79.99")
    assert totals.goods == Decimal("32.85") and totals.shipping == Decimal("8.12")
    assert totals.profit == Decimal("39.02") == first.profit + second.profit
    assert totals.margin_percent == Decimal("48.8")
    assert all(isinstance(value, Decimal) for value in (totals.revenue, totals.goods, totals.profit))
    assert sum(day_totals.orders for _day, day_totals in report.by_day) == 2


def test_period_filter(staff_client, scenario):
    today = timezone.localdate()
    response = staff_client.get(
        reverse("cj:profit"), {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    )
    assert response.status_code == 200
    numbers = {row.number for row in response.context["report"].rows}
    assert scenario["old"].number in numbers and len(numbers) == 3
    html = response.content.decode()
    assert "Rapport de marge" in html and "Bénéfice brut" in html and "Marge" in html


@pytest.mark.parametrize(
    "params",
    [
        {"from": "pas-une-date"},
        {"from": "2024-13-45"},
        {"from": "2025-05-01", "to": "2025-01-01"},
        {"to": "9999-99-99"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"page": "abc"},
    ],
)
def test_bad_dates_are_a_message_not_a_500(staff_client, scenario, params):
    response = staff_client.get(reverse("cj:profit"), params, follow=True)
    assert response.status_code == 200
    if "page" not in params:
        assert [str(m) for m in response.context["messages"]]
    assert response.context["report"].period == figures.default_period()
    csv_response = staff_client.get(reverse("cj:profit_csv"), params)
    assert csv_response.status_code == 200


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))


def test_profit_csv_content_and_headers(staff_client, scenario):
    response = staff_client.get(reverse("cj:profit_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kamri-marge-')
    rows = read_csv(response)
    assert rows[0] == figures.PROFIT_CSV_HEADER
    by_number = {row[0]: row for row in rows[1:-1]}
    first = by_number[scenario["first"].number]
    assert first[3:] == ["49.99", "20.15", "4.33", "18.54", "3.98", "27.47", "55.0"]
    assert rows[-1][0] == "TOTAL" and rows[-1][3:] == [
        "79.99",
        "35.70",
        "8.83",
        "32.85",
        "8.12",
        "39.02",
        "48.8",
    ]


def test_orders_csv_has_no_secrets_and_defuses_formulas(staff_client, scenario):
    response = staff_client.get(reverse("cj:orders_csv"), {"state": "placed"})
    rows = read_csv(response)
    assert rows[0] == figures.ORDERS_CSV_HEADER
    assert len(rows) - 1 == CJOrder.objects.filter(state="placed").count()
    body = "\n".join(";".join(row) for row in rows)
    for order in Order.objects.all():
        assert order.access_key not in body
    assert all(row[9].startswith("'=") for row in rows[1:])  # a formula is shown as text
    assert "Passée chez CJ" in body


def test_csv_safe_cell():
    assert figures.safe_cell("=1+2") == "'=1+2"
    assert figures.safe_cell("-12.50") == "-12.50"
    assert figures.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert figures.safe_cell(None) == ""
