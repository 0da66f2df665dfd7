"""Issue 16 point 3: one definition of "webhooks silencieux" (selectors.webhook_silence). The Tableau de bord, the
Webhooks page and the problem agree, also when the latest request was refused at the door (before, the
dashboard and the problem counted it as "received" while the Webhooks page did not) and at the threshold (the
page warned at exactly N hours, the problem only after)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kamri.cj import selectors
from kamri.cj.models import CJSettings, Problem, WebhookEvent
from kamri.cj.reports import dashboard as figures
from kamri.cj.reports import health

pytestmark = pytest.mark.django_db


def _enable(*, enabled_hours_ago: float = 48) -> None:
    settings_row = CJSettings.load()
    settings_row.webhooks_enabled = True
    settings_row.webhooks_enabled_at = timezone.now() - timedelta(hours=enabled_hours_ago)
    settings_row.no_webhook_alert_hours = 6
    settings_row.save()


def _received(hours_ago: float, **fields) -> WebhookEvent:
    fields.setdefault("message_id", f"m-{WebhookEvent.objects.count()}")
    fields.setdefault("status", WebhookEvent.Status.PROCESSED)
    return WebhookEvent.objects.create(
        type="ORDER", received_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def _views(staff_client) -> dict[str, bool]:
    health.check_all()
    dashboard = staff_client.get(reverse("cj:home"))
    page = staff_client.get(reverse("cj:webhooks"))
    assert dashboard.status_code == page.status_code == 200
    return {
        "dashboard": 'data-flag="webhooks-silent"' in dashboard.content.decode(),
        "webhooks page": page.context["silent"],
        "problem": Problem.objects.filter(code=health.NO_WEBHOOK, active=True).exists(),
    }


@pytest.mark.parametrize(
    ("events", "silent"),
    [
        pytest.param([(1, {})], False, id="recent-webhook"),
        pytest.param([(7, {})], True, id="old-webhook"),
        pytest.param([(5.9, {})], False, id="just-under-the-threshold"),
        pytest.param(
            [(7, {}), (0.5, {"status": WebhookEvent.Status.REJECTED, "message_id": None})],
            True,
            id="only-a-request-refused-at-the-door-since",
        ),
        pytest.param(
            [(7, {}), (0.5, {"status": WebhookEvent.Status.REJECTED})],
            False,
            id="a-cj-message-rejected-for-its-content",
        ),
        pytest.param(
            [(0.5, {"status": WebhookEvent.Status.ERROR})], False, id="a-webhook-in-error-still-came"
        ),
    ],
)
def test_dashboard_webhooks_page_and_problem_agree(staff_client, events, silent):
    _enable()
    for hours_ago, fields in events:
        _received(hours_ago, **fields)
    assert selectors.webhook_silence().silent is silent
    assert _views(staff_client) == {"dashboard": silent, "webhooks page": silent, "problem": silent}


def test_never_received_counts_from_when_they_were_enabled(staff_client):
    _enable(enabled_hours_ago=1)
    assert _views(staff_client) == {"dashboard": False, "webhooks page": False, "problem": False}
    _enable(enabled_hours_ago=7)
    assert _views(staff_client) == {"dashboard": True, "webhooks page": True, "problem": True}
    assert selectors.webhook_silence().never_received


def test_disabled_webhooks_are_never_silent(staff_client):
    _received(30)
    assert _views(staff_client) == {"dashboard": False, "webhooks page": False, "problem": False}


def test_every_last_received_ignores_requests_refused_at_the_door():
    _received(3)
    door = _received(0.1, status=WebhookEvent.Status.REJECTED, message_id=None)
    real = WebhookEvent.objects.exclude(pk=door.pk).get().received_at
    assert selectors.last_webhook_at() == real
    assert selectors.webhook_stats().last_received_at == real
    assert figures.webhooks().last_received_at == real
