"""Rapport de marge: exact Decimal arithmetic, the period's cash split (CJ / waiting for CJ / own products, the
Tableau de bord's definition), period filter, CSV exports in the admin's spreadsheet notation, without secrets."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kamri.catalog.models import Product
from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.reports import csv_export
from kamri.cj.reports import profit as profit_figures
from kamri.core.periods import default_period
from kamri.dashboard.selectors import store_overview
from kamri.orders.models import Order, OrderLine, Payment, Refund
from kamri.orders.selectors import paid_revenue
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_payment_fee(settings):
    """These orders carry no VAT and no fee: the arithmetic of CJ's costs alone (VAT and fees:
    tests/orders/test_checkout_money.py)."""
    settings.KAMRI_PAYMENT_FEE_PERCENT = Decimal("0")
    settings.KAMRI_PAYMENT_FEE_FIXED = Decimal("0")


def paid_order(
    *lines: tuple[str, str],
    paid_ago: timedelta = timedelta(hours=1),
    status: str = "CONFIRMED",
    paid: bool = True,
) -> Order:
    """An order whose lines are (source, unit price): "own" for the shop's own products, "cj" for CJ products."""
    order = factories.order(status=status, paid=paid, lines=0)
    for source, price in lines:
        product = factories.product(
            source=Product.Source.CJ if source == "cj" else Product.Source.OWN, price=price
        )
        variant = product.variants.get()
        OrderLine.objects.create(
            order=order,
            variant=variant,
            title=str(variant),
            sku=variant.sku,
            unit_price=Decimal(price),
            quantity=1,
        )
    total = sum((Decimal(price) for _source, price in lines), Decimal("0"))
    Order.objects.filter(pk=order.pk).update(
        subtotal=total, total=total, paid_at=timezone.now() - paid_ago if paid else None
    )
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
    first = paid_order(("cj", "49.99"))
    cj_row(first, goods="20.15", postage="4.33")
    second = paid_order(("cj", "30.00"), paid_ago=timedelta(days=2))
    primary = cj_row(second, goods="10.00", postage=None, freight="3.50")  # no postage yet: the freight quote
    cj_row(second, goods="5.55", postage="1.00", split_from=primary)  # split order: costs add up
    cj_row(
        second, goods="99.00", postage="9.00", state="cancelled", split_from=primary
    )  # cancelled: not a cost
    waiting = paid_order(("cj", "15.00"))
    cj_row(waiting, goods=None, postage=None, state="needs_attention")  # cost unknown yet
    cancelled = paid_order(("cj", "80.00"), status="CANCELLED")
    cj_row(cancelled, goods="30.00", postage="5.00")
    old = paid_order(("cj", "60.00"), paid_ago=timedelta(days=45))
    cj_row(old, goods="20.00", postage="5.00")
    # The shop's own products never go to CJ: no CJ order, and they are not "waiting for CJ".
    own = paid_order(("own", "100.00"))
    own_two = paid_order(("own", "5.00"), ("own", "7.50"), paid_ago=timedelta(days=3))
    # A mixed order: the CJ part is in the margin, the own part beside it.
    mixed = paid_order(("own", "12.00"), ("cj", "18.00"))
    cj_row(mixed, goods="7.00", postage="2.00")
    paid_order(("own", "50.00"), status="PENDING", paid=False)  # not paid: not cash
    return {
        "first": first,
        "second": second,
        "old": old,
        "own": own,
        "own_two": own_two,
        "mixed": mixed,
        "waiting": waiting,
    }


def test_profit_arithmetic_is_exact(scenario):
    report = profit_figures.profit_report(default_period())
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
    mixed = rows[scenario["mixed"].number]
    # Only its CJ product is a CJ sale: 18.00 − 6.44 − 1.84 = 9.72 ; its own product (12.00) stays outside.
    assert (mixed.revenue, mixed.own_revenue, mixed.goods, mixed.shipping) == (
        Decimal("18.00"),
        Decimal("12.00"),
        Decimal("6.44"),
        Decimal("1.84"),
    )
    assert mixed.profit == Decimal("9.72") and mixed.margin_percent == Decimal("54.0")
    assert set(rows) == {scenario["first"].number, scenario["second"].number, scenario["mixed"].number}
    totals = report.totals
    assert totals.orders == 3
    assert totals.revenue == Decimal("97.99")
    assert totals.goods == Decimal("39.29") and totals.shipping == Decimal("9.96")
    assert totals.profit == Decimal("48.74") == first.profit + second.profit + mixed.profit
    assert totals.margin_percent == Decimal("49.7")
    assert all(isinstance(value, Decimal) for value in (totals.revenue, totals.goods, totals.profit))
    assert sum(day_totals.orders for _day, day_totals in report.by_day) == 3


def test_own_product_orders_are_not_waiting_for_cj(scenario):
    sales = profit_figures.profit_report(default_period()).sales
    # Only the CJ order "à traiter" waits for CJ; the own-product orders are own sales.
    assert (sales.cj_waiting.orders, sales.cj_waiting.revenue) == (1, Decimal("15.00"))
    assert (sales.own.orders, sales.own.revenue) == (
        3,
        Decimal("124.50"),
    )  # 100 + 12.50 + the mixed order's 12
    assert (sales.cj_costed.orders, sales.cj_costed.revenue) == (3, Decimal("97.99"))
    assert sales.mixed == 1
    # The parts add up to the period's cash, which is the Tableau de bord's definition of it.
    assert sales.paid.revenue == sales.cj_costed.revenue + sales.cj_waiting.revenue + sales.own.revenue
    assert sales.paid == profit_figures.Sales(6, Decimal("237.49"))
    since, until = default_period().bounds()
    assert sales.paid.revenue == paid_revenue(since=since, until=until) == store_overview().revenue_recent


def test_only_own_products_report_no_cj_sale_and_no_waiting(staff_client):
    paid_order(("own", "362.80"))
    paid_order(("own", "23.96"))
    response = staff_client.get(reverse("cj:profit"))
    sales = response.context["report"].sales
    assert sales.cj_waiting.orders == 0 and sales.cj_costed.orders == 0
    assert sales.own.revenue == sales.paid.revenue == Decimal("386.76")
    html = response.content.decode()
    assert "pas encore passée" not in html.split('data-sales="waiting"')[0]  # no "waiting for CJ" alert
    assert 'data-value="sales-own">386,76' in html and 'data-value="sales-waiting">0,00' in html
    assert 'data-value="sales-paid">386,76' in html


def test_report_page_explains_what_it_covers(staff_client, scenario):
    html = staff_client.get(reverse("cj:profit")).content.decode()
    assert "Les ventes de produits CJ dont la commande CJ est passée" in html
    assert 'data-value="sales-paid">237,49' in html
    assert 'data-value="sales-cj">97,99' in html
    assert 'data-value="sales-waiting">15,00' in html
    assert 'data-value="sales-own">124,50' in html
    assert "1 commande contient à la fois des produits propres et des produits CJ" in html
    assert "hors produits propres (12,00" in html  # the mixed order's row
    home = staff_client.get(reverse("dashboard:home")).content.decode()
    assert 'data-value="revenue-recent">237,49' in home  # the same cash, the same 30 days
    assert reverse("cj:profit") in home


def test_period_filter(staff_client, scenario):
    today = timezone.localdate()
    response = staff_client.get(
        reverse("cj:profit"), {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    )
    assert response.status_code == 200
    numbers = {row.number for row in response.context["report"].rows}
    assert scenario["old"].number in numbers and len(numbers) == 4
    html = response.content.decode()
    assert (
        "Rapport de marge" in html
        and "Bénéfice" in html
        and "Livraison facturée HT" in html
        and "Marge" in html
    )


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
    assert response.context["report"].period == default_period()
    csv_response = staff_client.get(reverse("cj:profit_csv"), params)
    assert csv_response.status_code == 200


def read_csv(response, delimiter: str = ";") -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=delimiter))


def test_profit_csv_content_and_headers(staff_client, scenario):
    response = staff_client.get(reverse("cj:profit_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="kamri-marge-')
    rows = read_csv(response)
    assert rows[0] == csv_export.PROFIT_CSV_HEADER
    by_number = {row[0]: row for row in rows[1:-1]}
    first = by_number[scenario["first"].number]
    # French: ";" between cells, "," as the decimal mark, no thousands separator (French Excel reads numbers).
    assert first[3:] == [
        "49,99", "0,00", "49,99", "0,00", "20,15", "4,33", "18,54", "3,98", "0,00", "0,00", "27,47", "55,0"
    ]  # fmt: skip
    assert rows[-1][0] == "TOTAL" and rows[-1][3:] == [
        "97,99",
        "0,00",
        "97,99",
        "0,00",
        "42,70",
        "10,83",
        "39,29",
        "9,96",
        "0,00",
        "0,00",
        "48,74",
        "49,7",
    ]


def test_profit_csv_follows_the_admins_language(staff_client, scenario):
    staff_client.cookies["django_language"] = "en"
    rows = read_csv(staff_client.get(reverse("cj:profit_csv")), delimiter=",")
    assert rows[0] == csv_export.PROFIT_CSV_HEADER  # machine-readable keys, whatever the language
    first = {row[0]: row for row in rows[1:-1]}[scenario["first"].number]
    assert first[3:] == [
        "49.99", "0.00", "49.99", "0.00", "20.15", "4.33", "18.54", "3.98", "0.00", "0.00", "27.47", "55.0"
    ]  # fmt: skip
    assert rows[-1][3] == "97.99"


def test_csv_numbers_are_never_grouped_and_negative_ones_stay_numbers():
    fmt = csv_export.CsvFormat(delimiter=";", decimal_mark=",")
    line = next(csv_export.csv_lines([[Decimal("-1234.50"), 1234567, "-1+2", "=1+2", Decimal("0.0")]], fmt))
    assert line == "-1234,50;1234567;'-1+2;'=1+2;0,0\r\n"  # a number stays a number, a formula is text
    english = csv_export.CsvFormat(delimiter=",", decimal_mark=".")
    assert next(csv_export.csv_lines([[Decimal("11.98"), "a,b"]], english)) == '11.98,"a,b"\r\n'


def test_orders_csv_has_no_secrets_and_defuses_formulas(staff_client, scenario):
    response = staff_client.get(reverse("cj:orders_csv"), {"state": "placed"})
    rows = read_csv(response)
    assert rows[0] == csv_export.ORDERS_CSV_HEADER
    assert len(rows) - 1 == CJOrder.objects.filter(state="placed").count()
    body = "\n".join(";".join(row) for row in rows)
    for order in Order.objects.all():
        assert order.access_key not in body
    assert all(row[9].startswith("'=") for row in rows[1:])  # a formula is shown as text
    assert "Passée chez CJ" in body
    first = next(row for row in rows if row[0] == scenario["first"].number)
    assert (first[10], first[11], first[13]) == ("20,15", "4,33", "49,99")  # amounts in French notation


def test_orders_csv_in_english_uses_english_notation_and_labels(staff_client, scenario):
    staff_client.cookies["django_language"] = "en"
    rows = read_csv(staff_client.get(reverse("cj:orders_csv"), {"state": "placed"}), delimiter=",")
    first = next(row for row in rows if row[0] == scenario["first"].number)
    assert (first[10], first[13]) == ("20.15", "49.99")
    assert first[3] == "Placed with CJ"  # labels in the language of the request, even though streamed


def test_csv_safe_cell():
    assert csv_export.safe_cell("=1+2") == "'=1+2"
    assert csv_export.safe_cell("-12.50") == "-12.50"
    assert csv_export.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_export.safe_cell(None) == ""


# --- Computed by the database, read a page at a time (issue 20 part 10)


def test_totals_equal_the_sum_of_the_rows_of_every_page(staff_client, settings, monkeypatch):
    settings.KAMRI_PAYMENT_FEE_PERCENT, settings.KAMRI_PAYMENT_FEE_FIXED = Decimal("2.9"), Decimal("0.30")
    settings_row = CJSettings.load()
    settings_row.usd_rate = Decimal("0.9137")
    settings_row.save()
    generator = random.Random(20)
    same_time = timezone.now() - timedelta(hours=2)  # ties on paid_at: the pages still split by id
    for index in range(123):
        lines = [("cj", f"{generator.randint(100, 20000) / 100:.2f}")]
        if index % 7 == 0:
            lines.append(("own", f"{generator.randint(100, 5000) / 100:.2f}"))  # a mixed order
        order = paid_order(*lines, paid_ago=timedelta(days=generator.randint(0, 20)))
        rate = Decimal(generator.choice(["0", "20", "19", "5.5", "25.5"]))
        vat = (order.total * rate / (100 + rate)).quantize(Decimal("0.01"))
        Order.objects.filter(pk=order.pk).update(
            vat_rate=rate,
            vat_total=vat,
            shipping_total=Decimal(generator.randint(0, 900)) / 100,
            **({"paid_at": same_time} if index % 5 == 0 else {}),
        )
        cj_row(
            order,
            goods=f"{generator.randint(1, 9000) / 100:.2f}",
            postage=f"{generator.randint(1, 900) / 100:.2f}",
        )
        if index % 4 == 0:
            payment = Payment.objects.create(
                order=order, provider="demo", reference=f"p{order.pk}", status="succeeded",
                amount=order.total, currency="EUR",
            )  # fmt: skip
            Refund.objects.create(
                order=order, payment=payment, request_key=f"r{order.pk}", currency="EUR", status="succeeded",
                amount=(order.total * generator.randint(1, 100) / 100).quantize(Decimal("0.01")),
            )  # fmt: skip
    rows = []
    for number in (1, 2, 3):
        response = staff_client.get(reverse("cj:profit"), {"page": number})
        assert response.context["page"].paginator.num_pages == 3
        rows += list(response.context["page"].object_list)
    totals = response.context["report"].totals
    assert len(rows) == len({row.order_id for row in rows}) == totals.orders == 123
    names = ("revenue_ttc", "vat", "revenue", "shipping_charged", "goods", "shipping", "fees", "refunds",
             "goods_usd", "shipping_usd", "profit")  # fmt: skip
    for name in names:
        assert sum((getattr(row, name) for row in rows), Decimal("0")) == getattr(totals, name), name
    assert totals.refunds > 0 and totals.fees > 0 and totals.vat > 0
    report = profit_figures.profit_report(default_period())
    monkeypatch.setattr(
        profit_figures.ProfitRows, "CHUNK", 10
    )  # the CSV's chunks: the same rows, in the same order
    assert [row.order_id for row in report.rows] == [row.order_id for row in rows]
    assert list(report.rows) == rows
    for day, day_totals in report.by_day:
        on_day = [row for row in rows if timezone.localtime(row.paid_at).date() == day]
        assert day_totals.orders == len(on_day)
        assert day_totals.profit == sum((row.profit for row in on_day), Decimal("0"))


def test_half_cents_round_up_like_decimal_not_like_floating_point(scenario):
    settings_row = CJSettings.load()
    settings_row.usd_rate = Decimal("0.5000")
    settings_row.save()
    order = paid_order(("cj", "10.00"))
    cj_row(order, goods="2.01", postage="0.03")
    row = next(
        row for row in profit_figures.profit_report(default_period()).rows if row.number == order.number
    )
    # 2.01 × 0.5 = 1.005 → 1.01 (a float holds 1.00499…); 0.03 × 0.5 = 0.015 → 0.02
    assert (row.goods, row.shipping, row.profit) == (Decimal("1.01"), Decimal("0.02"), Decimal("8.97"))


def test_a_day_is_the_admins_local_day(settings):
    settings.TIME_ZONE = "Europe/Paris"
    today = timezone.localdate()
    late = paid_order(("cj", "10.00"))
    early = paid_order(("cj", "20.00"))
    cj_row(late, goods="1.00", postage="1.00")
    cj_row(early, goods="1.00", postage="1.00")
    zone = timezone.get_current_timezone()
    day = today - timedelta(days=3)
    Order.objects.filter(pk=late.pk).update(
        paid_at=timezone.make_aware(datetime.combine(day, time(23, 59, 59)), zone)
    )
    Order.objects.filter(pk=early.pk).update(
        paid_at=timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0)), zone)
    )
    by_day = dict(profit_figures.profit_report(default_period()).by_day)
    assert by_day[day].orders == 1 and by_day[day].revenue == Decimal("10.00")
    assert by_day[day + timedelta(days=1)].revenue == Decimal("20.00")


def test_the_page_reads_one_page_of_rows_not_the_period(staff_client, scenario):
    staff_client.get(reverse("cj:profit"))  # the period's stored lines and day sums written once
    for _ in range(60):
        cj_row(paid_order(("cj", "5.00")), goods="1.00", postage="1.00")
    with CaptureQueriesContext(connection) as first:
        staff_client.get(reverse("cj:profit"))
    for _ in range(60):
        cj_row(paid_order(("cj", "5.00")), goods="1.00", postage="1.00")
    with CaptureQueriesContext(connection) as second:
        response = staff_client.get(reverse("cj:profit"))
    assert len(second) == len(first)  # the query count does not grow with the orders
    assert len(response.context["page"].object_list) == 50 and response.context["report"].totals.orders == 123


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01", "to": "0001-01-05"},  # midnight in Paris is still year 0 in UTC
        {"from": "9999-12-20", "to": "9999-12-31"},
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_a_message_not_a_500(staff_client, params):
    response = staff_client.get(reverse("cj:profit"), params)
    assert response.status_code == 200
    assert "Date hors limites" in " ".join(str(m) for m in response.context["messages"])
    csv_response = staff_client.get(reverse("cj:profit_csv"), params)
    assert csv_response.status_code == 200 and b"".join(csv_response.streaming_content)


def test_a_ten_year_period_groups_its_days(staff_client, scenario):
    today = timezone.localdate()
    response = staff_client.get(
        reverse("cj:profit"), {"from": (today - timedelta(days=3650)).isoformat(), "to": today.isoformat()}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.totals.orders == 4 == sum(day_totals.orders for _day, day_totals in report.by_day)
