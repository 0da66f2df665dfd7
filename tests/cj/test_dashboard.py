"""The CJ dashboard's figures equal the database truth; charts render; the query count does not grow."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kamri.catalog.models import Product
from kamri.cj.models import CJAccount, CJApiCall, CJOrder, CJProductLink, CJSettings, Problem, WebhookEvent
from kamri.cj.reports.dashboard import figures_changed
from kamri.cj.selectors import WEBHOOK_RATE_DEFINITION, webhook_window
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def cj_product(*, status: str = Product.Status.ACTIVE, stock: int = 5, variants: int = 2) -> Product:
    product = factories.product(status=status, source=Product.Source.CJ, stock=stock, variants=variants)
    CJProductLink.objects.create(product=product, pid=f"PID-{product.pk}", margin_percent=Decimal("50"))
    return product


def cj_order(
    state: str, *, store_status: str = Order.Status.CONFIRMED, created_ago: timedelta = timedelta(0), **fields
) -> CJOrder:
    order = factories.order(status=store_status, paid=True)
    row = CJOrder.objects.create(order=order, order_number=f"KM{order.pk}", state=state, **fields)
    if created_ago:
        CJOrder.objects.filter(pk=row.pk).update(created_at=timezone.now() - created_ago)
    return row


def webhook(status: str, *, ago: timedelta = timedelta(minutes=5), n: int = 1) -> None:
    now = timezone.now()
    for _ in range(n):
        WebhookEvent.objects.create(type="ORDER", status=status, received_at=now - ago)


def api_call(
    *,
    ok: bool = True,
    ago: timedelta = timedelta(minutes=3),
    endpoint: str = "product/listV2",
    cj_code: int | None = None,
) -> None:
    CJApiCall.objects.create(
        endpoint=endpoint,
        method="GET",
        started_at=timezone.now() - ago,
        duration_ms=Decimal("12.0"),
        ok=ok,
        cj_code=cj_code,
        http_status=200,
    )


@pytest.fixture
def scenario():
    # Products: 2 active, 1 draft, 1 inactive, 1 active with every variant at stock 0, 1 own product.
    cj_product()
    cj_product()
    cj_product(status=Product.Status.DRAFT)
    cj_product(status=Product.Status.INACTIVE)
    cj_product(stock=0)
    factories.product()  # not from CJ: never counted
    # CJ orders: 3 placed (one SHIPPED), 1 to handle, 1 failed, 2 queued, 1 cancelled.
    cj_order("placed", cj_status="PAID")
    cj_order("placed", cj_status="PAID", created_ago=timedelta(days=3))
    cj_order("placed", store_status=Order.Status.SHIPPED, cj_status="SHIPPED", created_ago=timedelta(days=40))
    cj_order("needs_attention")
    cj_order("failed", created_ago=timedelta(days=3))
    cj_order("queued", store_status=Order.Status.CONFIRMED)
    cj_order("queued", store_status=Order.Status.CONFIRMED)
    cj_order("cancelled", store_status=Order.Status.CANCELLED)
    # Webhooks in 24 h: 6 processed, 1 ignored, 2 errors, 1 pending, 2 duplicates, 1 rejected; 4 older ones.
    webhook("processed", n=6)
    webhook("ignored")
    webhook("error", n=2, ago=timedelta(hours=3))
    webhook("pending")
    webhook("duplicate", n=2)
    webhook("rejected")
    webhook("processed", n=4, ago=timedelta(days=2))
    # API calls: 5 ok, 2 errors in the last hours.
    for _ in range(5):
        api_call()
    api_call(ok=False, cj_code=1600200)
    api_call(ok=False, ago=timedelta(hours=2))


def test_dashboard_numbers_equal_the_database(staff_client, scenario):
    response = staff_client.get(reverse("cj:home"))
    assert response.status_code == 200
    board = response.context["board"]
    assert (
        board.products.total,
        board.products.active,
        board.products.draft,
        board.products.unavailable,
    ) == (
        5,
        2,
        1,
        2,
    )
    states = {value: count for value, _label, count in board.orders.by_state}
    assert states == {
        "queued": 2,
        "placing": 0,
        "to_pay": 0,
        "paying": 0,
        "placed": 3,
        "needs_attention": 1,
        "failed": 1,
        "cancelled": 1,
    }
    assert states == {state: CJOrder.objects.filter(state=state).count() for state in CJOrder.State.values}
    store = {value: count for value, _label, count in board.orders.by_store_status}
    assert store["CONFIRMED"] == 6 and store["SHIPPED"] == 1 and store["CANCELLED"] == 1
    assert board.orders.total == CJOrder.objects.count() == 8
    # Placed ÷ attempted (placed + to handle + failed) = 3 / 5.
    assert board.orders.success_rate == Decimal("60.0")
    hooks = board.webhooks
    window = hooks.window
    assert (
        window.received
        == 13
        == WebhookEvent.objects.filter(received_at__gte=timezone.now() - timedelta(hours=24)).count()
    )
    assert hooks.total == 17
    # (processed 6 + ignored 1) ÷ (processed 6 + ignored 1 + errors 2): pending, duplicates, rejected left out.
    assert (window.succeeded, window.settled) == (7, 9)
    assert window.success_rate == Decimal("77.8")
    assert window.error_rate == Decimal("22.2")
    since = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert board.usage.calls == CJApiCall.objects.filter(started_at__gte=since).count()
    html = response.content.decode()
    assert 'data-value="orders-rate">60,0 %' in html
    assert 'data-value="webhooks-rate">77,8 %' in html
    assert 'data-value="webhooks-rate-counts">(7/9)' in html
    assert 'data-value="webhooks-24h"' in html and ">13<" in html
    assert "traités (y compris ignorés, sans objet pour KAMRI)" in html  # the rate's definition, on hover
    assert "Commandes CJ passées ÷ commandes CJ tentées" in html
    for words in (
        "Statut de connexion",
        "Actions rapides",
        "Rechercher des produits",
        "Gérer les commandes",
        "Configuration webhooks",
        "Taux de succès",
        "Webhooks reçus",
        "Produits importés",
    ):
        assert words in html


def test_charts_render_with_data(staff_client, scenario):
    html = staff_client.get(reverse("cj:home")).content.decode()
    for chart_id in ("chart-orders", "chart-webhooks", "chart-calls"):
        assert f'id="{chart_id}"' in html
    assert html.count("<svg viewBox=") >= 3
    response = staff_client.get(reverse("cj:home"))
    order_chart = response.context["order_chart"]
    # 30 days, the 40-day-old order is outside the window.
    assert len(order_chart.labels) == 30
    assert (
        order_chart.total
        == CJOrder.objects.filter(
            created_at__gte=timezone.now() - timedelta(days=29, hours=timezone.localtime().hour + 1)
        ).count()
        == 7
    )
    webhook_chart = response.context["webhook_chart"]
    totals = {series.key: total for series, total in webhook_chart.totals}
    assert totals == {"ok": 7, "err": 2}
    assert 'class="chart-bar chart-err"' in html and 'class="chart-bar chart-ok"' in html
    calls_chart = response.context["calls_chart"]
    assert {series.key: total for series, total in calls_chart.totals} == {"brand": 7, "err": 2}


def test_quick_actions_and_critical_problems(staff_client, scenario):
    Problem.objects.create(
        code="x-critical", severity="critical", title="Connexion perdue", detail="Faites X."
    )
    Problem.objects.create(code="x-warning", severity="warning", title="Petit souci")
    html = staff_client.get(reverse("cj:home")).content.decode()
    assert 'id="critical-problems"' in html and "Connexion perdue" in html
    assert "Petit souci" not in html  # only critical ones on the dashboard
    assert reverse("cj:products") + "?q=phone+case&amp;country=US" in html
    assert f'action="{reverse("cj:sync_orders")}"' in html
    assert 'hx-get="' + reverse("cj:status") in html


def test_dashboard_never_calls_cj_and_query_count_is_bounded(staff_client, scenario, monkeypatch):
    account = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="plus")
    account.set_api_key("CJ1@api@abcdef")
    account.save()
    CJSettings.load()

    def forbidden(*args, **kwargs):
        raise AssertionError("the dashboard must not call CJ")

    monkeypatch.setattr("kamri.cj.connection.account.check_credentials", forbidden)
    monkeypatch.setattr("kamri.cj.connection.account.client_for", forbidden)
    staff_client.get(reverse("cj:home"))  # warm the session/cache rows
    with CaptureQueriesContext(connection) as queries:
        assert staff_client.get(reverse("cj:home")).status_code == 200
    # 21 since wave 2's points card (CJ's figures, the orders' reserve, the freshness achieved); what matters most
    # is below: the count does not grow with the data
    assert len(queries) <= 22
    figures_changed()  # the same, when the load computes the heavy figures (not the minute's cached ones)
    with CaptureQueriesContext(connection) as computed:
        assert staff_client.get(reverse("cj:home")).status_code == 200
    assert len(computed) > len(queries)
    for _ in range(5):
        cj_order("placed", cj_status="PAID")
        webhook("processed", n=3)
        cj_product()
    with CaptureQueriesContext(connection) as more_computed:  # the new CJ orders made the figures stale
        staff_client.get(reverse("cj:home"))
    assert len(more_computed) == len(computed)
    with CaptureQueriesContext(connection) as more:
        staff_client.get(reverse("cj:home"))
    assert len(more) == len(queries)


def test_empty_dashboard_shows_dashes_not_fake_rates(staff_client):
    response = staff_client.get(reverse("cj:home"))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.orders.success_rate is None and board.webhooks.window.success_rate is None
    html = response.content.decode()
    assert 'data-value="orders-rate">—' in html
    assert "Aucune donnée sur la période." in html


def test_staff_only(client):
    client.force_login(factories.staff_user("customer", is_staff=False))
    response = client.get(reverse("cj:home"))
    assert response.status_code in (302, 403)


def test_logs_page_shows_calls_today_points_and_last_errors(staff_client):
    now = timezone.now()
    since = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    at = since + (now - since) / 2  # today in UTC, whatever the time
    rows = [("product/listV2", True, None)] * 3 + [("product/stock/getInventoryByPid", True, None)] * 2
    rows += [("shopping/order/createOrderV2", True, None), ("product/query", False, 1600200)]
    for endpoint, ok, code in rows:
        CJApiCall.objects.create(
            endpoint=endpoint,
            method="GET",
            started_at=at,
            duration_ms=Decimal("9"),
            ok=ok,
            cj_code=code,
            error="" if ok else "Too many requests",
        )
    CJApiCall.objects.create(  # yesterday: not today's points
        endpoint="product/listV2",
        method="GET",
        started_at=since - timedelta(minutes=1),
        duration_ms=Decimal("9"),
    )
    response = staff_client.get(reverse("cj:api_calls"))
    usage = response.context["usage"]
    assert (usage.calls, usage.errors) == (7, 1)
    assert usage.points == 3 * 50 + 2 * 10 + 0 + 10 == 180
    html = response.content.decode()
    assert 'data-value="points-today">180<' in html and "50\xa0000" in html  # grouped, French style
    assert 'id="last-errors"' in html and "Too many requests" in html
    assert [call.cj_code for call in response.context["last_errors"]] == [1600200]


def shown(html: str, key: str) -> str:
    """The text of the first element carrying data-value="key" in a page."""
    import re

    match = re.search(rf'data-value="{key}"[^>]*>([^<]*)<', html)
    assert match, key
    return match.group(1).strip()


def test_both_pages_show_the_same_webhook_success_rate(staff_client):
    # Reviewer's case: the Webhooks page said 85 % (all time, pending left out) while the dashboard said 95,0 %.
    webhook("processed", n=17)
    webhook("ignored", n=2)
    webhook("error")
    webhook("pending", n=3)  # not processed yet: not a success, not a failure
    webhook("duplicate", n=4)  # a repeat of a message already counted
    webhook("rejected", n=2)  # not a genuine CJ webhook
    webhook("error", n=5, ago=timedelta(days=3))  # outside the 24 hours
    window = webhook_window()
    assert (window.succeeded, window.settled, window.success_rate) == (19, 20, Decimal("95.0"))
    dashboard = staff_client.get(reverse("cj:home")).content.decode()
    webhooks_page = staff_client.get(reverse("cj:webhooks")).content.decode()
    for html in (dashboard, webhooks_page):
        assert shown(html, "webhooks-rate") == "95,0 %"
        assert shown(html, "webhooks-rate-counts") == "(19/20)"
        assert str(WEBHOOK_RATE_DEFINITION).replace("'", "&#x27;") in html  # the definition, on hover
    # The Webhooks page's counters stay all-time (its "Traités"), "Récents" is the same 24-hour window.
    assert 'data-stat="processed">17<' in webhooks_page and 'data-stat="recent">29<' in webhooks_page
    assert "dont 4 doublons, 2 rejetés" in webhooks_page


def test_webhook_rate_counts_each_status_as_documented():
    cases = [
        ({"processed": 3}, Decimal("100.0")),
        ({"processed": 3, "ignored": 1, "error": 1}, Decimal("80.0")),
        ({"pending": 4}, None),  # nothing settled yet: a dash, not 0 % or 100 %
        ({"duplicate": 2, "rejected": 2}, None),
        ({"error": 1, "pending": 9, "duplicate": 9, "rejected": 9}, Decimal("0.0")),
    ]
    for counts, expected in cases:
        WebhookEvent.objects.all().delete()
        for status, n in counts.items():
            webhook(status, n=n)
        assert webhook_window().success_rate == expected, counts


def test_cached_figures_equal_the_computed_ones_and_say_their_time(staff_client, scenario):
    from kamri.cj.reports import dashboard as figures

    first = staff_client.get(reverse("cj:home"))
    board = first.context["board"]
    computed = figures.compute_figures(now=timezone.now(), settings_row=CJSettings.load())
    assert (board.products, board.orders, board.orders_chart[1]) == (
        computed.products,
        computed.orders,
        computed.orders_chart[1],
    )
    assert (board.webhooks_chart[1:], board.calls_chart[1:]) == (
        computed.webhooks_chart[1:],
        computed.calls_chart[1:],
    )
    assert (board.usage.calls, board.usage.points, board.points.freshness) == (
        computed.usage.calls,
        computed.usage.points,
        computed.points.freshness,
    )
    # The next load reads them from the cache: the same figures, the same time, fewer queries.
    with CaptureQueriesContext(connection) as cached_queries:
        again = staff_client.get(reverse("cj:home"))
    assert again.context["board"].figures_at == board.figures_at
    assert again.context["board"].orders == board.orders
    stamp = timezone.localtime(board.figures_at).strftime("%H:%M")
    html = again.content.decode()
    assert f"Chiffres au {stamp}" in html
    assert 'href="?actualiser=1"' in html
    with CaptureQueriesContext(connection) as computing:
        staff_client.get(reverse("cj:home") + "?actualiser=1")
    assert len(cached_queries) < len(computing)


def test_actualiser_recomputes_what_the_cache_kept(staff_client, scenario):
    before = staff_client.get(reverse("cj:home")).context["board"]
    # Writes that do not invalidate (API calls, a queryset update): the minute's figures stay as they were.
    api_call(ok=False)
    CJOrder.objects.filter(state="queued").update(state="placed")
    kept = staff_client.get(reverse("cj:home")).context["board"]
    assert kept.figures_at == before.figures_at
    assert (kept.usage.calls, kept.orders.placed) == (before.usage.calls, before.orders.placed)
    response = staff_client.get(reverse("cj:home") + "?actualiser=1")
    assert response.status_code == 302 and response["Location"] == reverse("cj:home")
    fresh = staff_client.get(response["Location"]).context["board"]
    assert fresh.figures_at > before.figures_at
    assert fresh.usage.calls == before.usage.calls + 1
    assert fresh.orders.placed == before.orders.placed + 2 == CJOrder.objects.filter(state="placed").count()


def test_a_cj_order_saved_makes_the_next_load_recompute(staff_client, scenario):
    before = staff_client.get(reverse("cj:home")).context["board"]
    row = CJOrder.objects.filter(state="queued").first()
    row.state = CJOrder.State.NEEDS_ATTENTION
    row.save()
    after = staff_client.get(reverse("cj:home")).context["board"]
    assert after.orders.needs_attention == before.orders.needs_attention + 1
    assert after.figures_at > before.figures_at
    CJSettings.load().save()  # the Paramètres (the freshness targets) too
    assert staff_client.get(reverse("cj:home")).context["board"].figures_at > after.figures_at


def test_the_generation_is_renewed_again_when_the_write_commits(django_capture_on_commit_callbacks):
    # A load between the write and its commit may cache the rows from before it: the commit renews it again.
    from django.core.cache import cache

    from kamri.cj.reports.dashboard import FIGURES_GENERATION_KEY

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        figures_changed()
        during = cache.get(FIGURES_GENERATION_KEY)
        assert during is not None
    assert len(callbacks) == 1
    assert cache.get(FIGURES_GENERATION_KEY) not in (None, during)
