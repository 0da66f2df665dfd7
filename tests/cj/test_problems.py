"""Each health check raises its problem and clears it when fixed; dismissing hides it; POST only."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kamri.cj.client.types import Balance
from kamri.cj.models import CJAccount, CJApiCall, CJCredential, CJOrder, CJSettings, Problem, WebhookEvent
from kamri.cj.orders import order_problems
from kamri.cj.reports import health
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    row = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="plus")
    row.set_api_key("CJ1@api@0123456789abcdef")
    row.save()
    return row


def is_open(code: str) -> bool:
    return Problem.objects.filter(code=code, active=True).exists()


def cj_order(state: str, **fields) -> CJOrder:
    order = factories.order(status="CONFIRMED", paid=True)
    return CJOrder.objects.create(order=order, order_number=f"KM{order.pk}", state=state, **fields)


def test_token_expiry_raises_and_clears(account):
    now = timezone.now()
    credential = CJCredential.objects.create(
        fingerprint=account.fingerprint,
        access_token_expires_at=now + timedelta(days=2),
        refresh_token_expires_at=now + timedelta(days=6),
    )
    health.check_all()
    assert is_open(health.ACCESS_EXPIRY) and is_open(health.REFRESH_EXPIRY)
    assert Problem.objects.get(code=health.REFRESH_EXPIRY).severity == "warning"
    credential.access_token_expires_at = now + timedelta(days=14)
    credential.refresh_token_expires_at = now + timedelta(days=170)
    credential.save()
    health.check_all()
    assert not is_open(health.ACCESS_EXPIRY) and not is_open(health.REFRESH_EXPIRY)


def test_expired_refresh_token_is_critical(account):
    CJCredential.objects.create(
        fingerprint=account.fingerprint, refresh_token_expires_at=timezone.now() - timedelta(hours=1)
    )
    health.check_all()
    assert Problem.objects.get(code=health.REFRESH_EXPIRY).severity == "critical"


def test_failing_connection_raises_and_clears(account):
    account.last_check_ok = False
    account.last_check_error = "Clé API refusée"
    account.save()
    health.check_all()
    problem = Problem.objects.get(code=health.CONNECTION)
    assert problem.active and problem.severity == "critical" and "Clé API refusée" in problem.detail
    assert problem.action_url == reverse("cj:settings")
    account.last_check_ok = True
    account.save()
    health.check_all()
    assert not is_open(health.CONNECTION)


def test_no_webhook_only_when_enabled():
    settings_row = CJSettings.load()
    WebhookEvent.objects.create(
        type="ORDER", status="processed", received_at=timezone.now() - timedelta(hours=8)
    )
    health.check_all()
    assert not is_open(health.NO_WEBHOOK)  # webhooks disabled: silence is expected
    settings_row.webhooks_enabled = True
    settings_row.save()
    health.check_all()
    assert is_open(health.NO_WEBHOOK)
    assert "6 heures" in Problem.objects.get(code=health.NO_WEBHOOK).title
    WebhookEvent.objects.create(type="ORDER", status="processed", received_at=timezone.now())
    health.check_all()
    assert not is_open(health.NO_WEBHOOK)


def test_webhook_error_rate_above_threshold():
    now = timezone.now()
    for _ in range(9):
        WebhookEvent.objects.create(type="ORDER", status="processed", received_at=now)
    WebhookEvent.objects.create(type="ORDER", status="error", received_at=now)
    WebhookEvent.objects.create(type="ORDER", status="duplicate", received_at=now)  # not counted
    health.check_all()
    assert not is_open(health.WEBHOOK_ERRORS)  # 1 / 10 = 10 %: not above 10 %
    WebhookEvent.objects.create(type="ORDER", status="error", received_at=now)
    health.check_all()
    problem = Problem.objects.get(code=health.WEBHOOK_ERRORS)
    assert problem.active and "18,2 %" in problem.title
    WebhookEvent.objects.filter(status="error").update(status="processed")
    health.check_all()
    assert not is_open(health.WEBHOOK_ERRORS)


def call(
    code: int | None, *, ago: timedelta = timedelta(minutes=5), endpoint: str = "product/query"
) -> CJApiCall:
    return CJApiCall.objects.create(
        endpoint=endpoint,
        method="GET",
        started_at=timezone.now() - ago,
        duration_ms=Decimal("5"),
        ok=code is None,
        cj_code=code,
    )


def test_rate_limit_hits_in_the_last_hour():
    old = call(1600200, ago=timedelta(hours=2))
    health.check_all()
    assert not is_open(health.RATE_LIMIT)
    recent = call(1600200)
    health.check_all()
    assert is_open(health.RATE_LIMIT)
    recent.delete()
    old.delete()
    health.check_all()
    assert not is_open(health.RATE_LIMIT)


def test_quota_refusal_and_points_above_80_percent(monkeypatch):
    refused = call(16900500, ago=timedelta(seconds=1))
    health.check_all()
    assert Problem.objects.get(code=health.QUOTA).severity == "critical"
    refused.delete()
    health.check_all()
    assert not is_open(health.QUOTA)
    # 800 listV2 calls × 50 points = 40,000 = 80 % of 50,000.
    CJApiCall.objects.bulk_create(
        [
            CJApiCall(
                endpoint="product/listV2",
                method="GET",
                started_at=timezone.now() - timedelta(seconds=1),
                duration_ms=Decimal("5"),
            )
            for _ in range(800)
        ]
    )
    health.check_all()
    problem = Problem.objects.get(code=health.QUOTA)
    assert problem.active and problem.severity == "warning" and "80" in problem.title


def test_orders_to_handle_and_without_tracking():
    row = cj_order("needs_attention")
    late = cj_order("placed", cj_status="UNSHIPPED", placed_at=timezone.now() - timedelta(days=8))
    cj_order("placed", cj_status="UNSHIPPED", placed_at=timezone.now() - timedelta(days=2))  # not late yet
    health.check_all()
    assert Problem.objects.get(code=order_problems.ORDERS_ATTENTION).title == "1 commande CJ à traiter"
    assert (
        "1 commande CJ sans numéro de suivi après 7 jours"
        == Problem.objects.get(code=order_problems.ORDERS_NO_TRACKING).title
    )
    row.state = "placed"
    row.save()
    late.track_number = "YT123"
    late.save()
    health.check_all()
    assert not is_open(order_problems.ORDERS_ATTENTION) and not is_open(order_problems.ORDERS_NO_TRACKING)


def test_low_balance_only_from_the_periodic_check(account, monkeypatch):
    asked = []

    class FakeClient:
        def get_balance(self):
            asked.append(1)
            return Balance(amount=Decimal("12.50"))

    monkeypatch.setattr(health, "client_for", lambda account=None: FakeClient())
    health.check_all()
    assert asked == [] and not is_open(health.LOW_BALANCE)
    health.check_all(with_balance=True)
    assert is_open(health.LOW_BALANCE) and "12.50" in Problem.objects.get(code=health.LOW_BALANCE).title
    FakeClient.get_balance = lambda self: Balance(amount=Decimal("500"))
    health.check_all(with_balance=True)
    assert not is_open(health.LOW_BALANCE)


def test_periodic_task_runs_every_check(account, monkeypatch):
    from kamri.cj.tasks import health as tasks

    seen = {}
    monkeypatch.setattr(health, "check_all", lambda **kwargs: seen.update(kwargs) or [])
    tasks.check_cj_health.call_local()
    assert seen == {"with_balance": True}


def test_dismiss_hides_from_dashboard_and_is_post_only(staff_client):
    cj_order("needs_attention")
    health.check_all()
    problem = Problem.objects.get(code=order_problems.ORDERS_ATTENTION)
    assert "1 commande CJ à traiter" in staff_client.get(reverse("cj:home")).content.decode()
    url = reverse("cj:problem_dismiss", args=[problem.pk])
    assert staff_client.get(url).status_code == 405
    response = staff_client.post(url, {"next": reverse("cj:home")})
    assert response.status_code == 302 and response["Location"] == reverse("cj:home")
    problem.refresh_from_db()
    assert problem.dismissed_at and problem.dismissed_by == "staff"
    assert 'id="critical-problems"' not in staff_client.get(reverse("cj:home")).content.decode()
    health.check_all()  # still there, still dismissed
    problem.refresh_from_db()
    assert problem.active and problem.dismissed_at
    page = staff_client.get(reverse("cj:problems")).content.decode()
    assert 'id="dismissed-problems"' in page and "1 commande CJ à traiter" in page


def test_dismiss_ignores_foreign_redirects(staff_client):
    problem = Problem.objects.create(code="x", title="X")
    response = staff_client.post(
        reverse("cj:problem_dismiss", args=[problem.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("cj:problems")
    assert staff_client.post(reverse("cj:problem_dismiss", args=[99999])).status_code == 404


def test_check_now_button(staff_client):
    page = staff_client.get(reverse("cj:problems")).content.decode()
    assert "Vérifier maintenant" in page and "Aucun problème" in page
    cj_order("needs_attention")
    response = staff_client.post(reverse("cj:problems"), follow=True)
    html = response.content.decode()
    assert "Vérification terminée" in html and "1 commande CJ à traiter" in html
    assert "Ignorer" in html and "Résoudre" in html


def test_one_failing_check_does_not_stop_the_others(monkeypatch):
    cj_order("needs_attention")

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "check_tokens", broken)
    assert order_problems.ORDERS_ATTENTION in health.check_all()
