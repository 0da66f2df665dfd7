"""The Rapport de marge's stored lines (ProfitLine): written by the report's own SQL, forgotten when what they
depend on changes, never wrong: after every kind of change the stored lines equal the live computation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kamri.catalog.models import Product
from kamri.cj.models import CJOrder, CJSettings, ProfitDay, ProfitLine
from kamri.cj.orders import cj_payment
from kamri.cj.reports import profit as profit_figures
from kamri.cj.tasks import profit as profit_tasks
from kamri.core import queue as core_queue
from kamri.core.periods import default_period
from kamri.orders.models import Order, Payment, Refund
from tests.cj.test_profit import cj_row, paid_order

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def payment_fee(settings):
    settings.KAMRI_PAYMENT_FEE_PERCENT, settings.KAMRI_PAYMENT_FEE_FIXED = Decimal("2.9"), Decimal("0.30")


@pytest.fixture
def shop():
    settings_row = CJSettings.load()
    settings_row.usd_rate = Decimal("0.9200")
    settings_row.save()
    first = paid_order(("cj", "49.99"))
    cj_row(first, goods="20.15", postage="4.33")
    mixed = paid_order(("own", "12.00"), ("cj", "18.00"), paid_ago=timedelta(days=2))
    cj_row(mixed, goods="7.00", postage="2.00")
    waiting = paid_order(("cj", "15.00"))
    cj_row(waiting, goods=None, postage=None, state="needs_attention")
    own = paid_order(("own", "100.00"))
    old = paid_order(("cj", "60.00"), paid_ago=timedelta(days=45))
    cj_row(old, goods="20.00", postage="5.00")
    profit_figures.profit_report(default_period())  # writes the period's lines
    return {"first": first, "mixed": mixed, "waiting": waiting, "own": own, "old": old}


def report_figures():
    report = profit_figures.profit_report(default_period())
    return report.totals, report.sales, report.by_day, list(report.rows)


def live_figures():
    """The same report with every line and day sum computed again now (nothing stored kept)."""
    ProfitLine.objects.all().delete()
    ProfitDay.objects.all().delete()
    return report_figures()


def assert_exact() -> None:
    """No stored line is ever wrong; after a report the period's lines are exactly the live SQL's."""
    assert profit_figures.profit_line_differences(wrong_only=True) == 0
    shown = report_figures()
    assert profit_figures.profit_line_differences(default_period()) == 0
    assert shown == live_figures()


def test_the_report_writes_its_periods_lines_from_the_same_sql(shop):
    assert set(ProfitLine.objects.values_list("order_id", flat=True)) == {
        shop[name].pk for name in ("first", "mixed", "waiting", "own")
    }  # the old order is outside the period: its line waits for the job
    assert profit_figures.profit_line_differences(default_period()) == 0
    assert profit_figures.profit_line_differences() == 1  # the old order's line is missing
    assert profit_figures.refresh_profit_lines() == 1
    assert profit_figures.profit_line_differences() == 0


def test_a_newly_paid_order_counts_at_once(shop):
    before = profit_figures.profit_report(default_period()).totals.orders
    order = paid_order(("cj", "22.00"), paid=False)
    cj_row(order, goods="8.00", postage="1.50")
    order.paid_at = timezone.now() - timedelta(minutes=5)
    order.save()
    assert profit_figures.profit_report(default_period()).totals.orders == before + 1
    assert_exact()


def test_a_cj_cost_change_forgets_the_line(shop):
    row = shop["first"].cj_orders.get()
    row.product_amount_usd = Decimal("25.00")
    row.save()
    assert not ProfitLine.objects.filter(order=shop["first"]).exists()
    assert_exact()
    first = next(
        r for r in profit_figures.profit_report(default_period()).rows if r.order_id == shop["first"].pk
    )
    assert first.goods == Decimal("23.00")  # 25.00 × 0.92


def test_a_cj_order_paid_by_kamri_cjs_bulk_update_counts_at_once(shop):
    row = shop["waiting"].cj_orders.get()
    CJOrder.objects.filter(pk=row.pk).update(  # CJ's amounts on a CJ order waiting to be paid: not a cost yet
        state=CJOrder.State.TO_PAY, cj_order_id="CJ-W", product_amount_usd=Decimal("5.00"),
        postage_amount_usd=Decimal("1.00"),
    )  # fmt: skip
    assert profit_figures.profit_line_differences(wrong_only=True) == 0
    row.refresh_from_db()
    cj_payment._record_paid(  # placed by an update(), which sends no signal
        row, amount=Decimal("6.00"), by="test", balance_after=None, status="UNSHIPPED", how="solde CJ"
    )
    assert not ProfitLine.objects.filter(order=shop["waiting"]).exists()
    assert_exact()
    waiting = next(
        r for r in profit_figures.profit_report(default_period()).rows if r.order_id == shop["waiting"].pk
    )
    assert (waiting.goods, waiting.shipping) == (Decimal("4.60"), Decimal("0.92"))


def test_a_refund_forgets_the_line(shop):
    order = shop["first"]
    payment = Payment.objects.create(
        order=order, provider="demo", reference="p1", status="succeeded", amount=order.total, currency="EUR"
    )
    Refund.objects.create(
        order=order,
        payment=payment,
        request_key="r1",
        currency="EUR",
        status="succeeded",
        amount=Decimal("10"),
    )
    assert not ProfitLine.objects.filter(order=order).exists()
    assert_exact()
    first = next(r for r in profit_figures.profit_report(default_period()).rows if r.order_id == order.pk)
    assert first.refunds == Decimal("10.00")  # no VAT on these orders


def test_a_cancelled_order_leaves_the_report(shop):
    order = shop["first"]
    order.status = Order.Status.CANCELLED
    order.save()
    assert shop["first"].pk not in {r.order_id for r in profit_figures.profit_report(default_period()).rows}
    assert_exact()


def test_a_product_that_stops_being_a_cj_product_forgets_its_orders(shop):
    product = Product.objects.get(variants__order_lines__order=shop["first"])
    product.source = Product.Source.OWN
    product.save()
    assert not ProfitLine.objects.filter(order=shop["first"]).exists()
    assert_exact()


def test_a_new_fee_rule_or_usd_rate_gives_every_line_another_basis(shop, settings):
    settings.KAMRI_PAYMENT_FEE_PERCENT = Decimal("1.4")
    assert (
        profit_figures.profit_line_differences() > 0
    )  # the lines of the old basis differ from the live SQL...
    assert_exact()  # ...but are never summed: the report writes the period's lines again
    fees = profit_figures.profit_report(default_period()).totals.fees
    settings_row = CJSettings.load()
    settings_row.usd_rate = Decimal("0.8000")
    settings_row.save()
    assert_exact()
    report = profit_figures.profit_report(default_period())
    first = next(r for r in report.rows if r.order_id == shop["first"].pk)
    assert first.goods == Decimal("16.12")  # 20.15 × 0.80
    assert report.totals.fees == fees  # the fee rule did not change this time


def test_rebuild_and_check_command(shop, capsys):
    ProfitLine.objects.filter(order=shop["first"]).update(
        goods_c=1
    )  # a wrong line (only a bug could do this)
    with pytest.raises(CommandError, match="diffèrent du calcul direct"):
        call_command("profit_lines", "--check")
    call_command("profit_lines", "--rebuild", "--check")
    assert "égales au calcul direct" in capsys.readouterr().out
    assert ProfitLine.objects.count() == 5  # every paid, not cancelled order, the old one included


def test_a_change_forgets_its_line_and_the_next_report_writes_it_again(
    shop, django_capture_on_commit_callbacks
):
    row = shop["first"].cj_orders.get()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row.postage_amount_usd = Decimal("5.00")
        row.save()
        assert not ProfitLine.objects.filter(order=shop["first"]).exists()  # forgotten inside the transaction
    assert not [hook for hook in callbacks if "profit" in repr(hook)]  # a save never pays for the report
    profit_figures.profit_report(default_period())
    line = ProfitLine.objects.get(order=shop["first"])
    assert line.shipping_c == 460  # 5.00 × 0.92
    assert profit_figures.profit_line_differences(default_period()) == 0


def test_a_deleted_order_leaves_the_report_and_its_days_sums(shop):
    before = profit_figures.profit_report(default_period()).totals
    shop["first"].delete()
    after = profit_figures.profit_report(default_period()).totals
    assert after.orders == before.orders - 1 and after.revenue == before.revenue - Decimal("49.99")
    assert_exact()


def test_a_day_summed_without_a_line_written_since_is_summed_again(shop, monkeypatch):
    """A day's sums stored while one of its lines was being written (a race): the count of paid orders tells."""
    order = paid_order(("cj", "22.00"))
    cj_row(order, goods="8.00", postage="1.50")
    ProfitDay.objects.all().delete()
    profit_figures._day_groups(
        default_period(), CJSettings.load().usd_rate
    )  # the day summed without the new line
    with monkeypatch.context() as patched:
        patched.setattr(ProfitDay, "forget_at", classmethod(lambda cls, moments: None))
        assert profit_figures.fill_profit_lines(order_ids=[order.pk]) == 1  # ...then the line written
    report = profit_figures.profit_report(default_period())
    assert order.pk in {row.order_id for row in report.rows}
    assert_exact()


def test_the_periodic_job_is_the_safety_net(shop):
    Order.objects.filter(pk=shop["own"].pk).update(status=Order.Status.CANCELLED)  # no signal: its line stays
    profit_tasks.refresh_profit_lines_periodically.call_local()
    assert not ProfitLine.objects.filter(order=shop["own"]).exists()  # no longer paid: dropped
    assert ProfitLine.objects.filter(order=shop["old"]).exists()  # outside the report's period: written
    assert profit_figures.profit_line_differences() == 0
    assert_exact()


def test_an_order_total_changed_by_a_bulk_update_is_seen(shop):
    """update() sends no signal: the report compares its lines with the period's paid orders and their totals."""
    Order.objects.filter(pk=shop["own"].pk).update(total=Decimal("120.00"), subtotal=Decimal("120.00"))
    assert profit_figures.profit_report(default_period()).sales.own.revenue == Decimal(
        "132.00"
    )  # 120 + 12 (mixed)
    assert_exact()


def test_a_new_usd_rate_asks_for_the_job_that_writes_every_line(shop, django_capture_on_commit_callbacks):
    assert (
        core_queue.job("refresh_profit_lines") is profit_tasks.refresh_profit_lines
    )  # what queue.py enqueues
    with django_capture_on_commit_callbacks() as callbacks:
        settings_row = CJSettings.load()
        settings_row.usd_rate = Decimal("0.8000")
        settings_row.save()
    assert any(getattr(callback, "__name__", "") == "refresh_profit_lines" for callback in callbacks), (
        callbacks
    )
    profit_tasks.refresh_profit_lines.call_local()  # what the worker then runs
    assert not ProfitLine.objects.exclude(basis=profit_figures.profit_basis(Decimal("0.8000"))).exists()
    assert profit_figures.profit_line_differences() == 0


def test_stripes_own_fee_replaces_the_estimate_once_known(shop):
    """Issue 18 item 5: the payment fee is Stripe's when known (its balance transaction), else the estimate."""
    order = shop["first"]

    def fees() -> Decimal:
        return next(
            r for r in profit_figures.profit_report(default_period()).rows if r.order_id == order.pk
        ).fees

    estimated = Decimal("49.99") * Decimal("2.9") / 100 + Decimal("0.30")
    assert fees() == estimated.quantize(Decimal("0.01"))  # 1,75 €: no payment row tells the fee yet
    payment = Payment.objects.create(
        order=order, provider="stripe", reference="pi_fee", status=Payment.Status.SUCCEEDED,
        amount=order.total, currency=order.currency, fee=None,
    )  # fmt: skip
    assert fees() == Decimal("1.75")  # succeeded, fee still unknown: the estimate
    payment.fee = Decimal("1.02")  # the webhook read Stripe's balance transaction
    payment.save()
    assert fees() == Decimal("1.02")
    assert_exact()
