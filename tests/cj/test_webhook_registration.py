"""Webhooks against CJ's URL check: the receiver answers 200 to it ("Test CJ", outside the statistics),
registration fails in French when the receiver is unreachable, refusals raise a problem at once, and each
topic's state at CJ (closed after failed deliveries) is shown with "Réactiver"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.cj import selectors
from kamri.cj.models import CJSettings, Problem, WebhookEvent
from kamri.cj.webhooks import webhook_setup
from tests.cj.test_webhooks import hook, message, post  # noqa: F401 - the shared receiver fixture

pytestmark = pytest.mark.django_db


def test_url_check_gets_200_and_stays_out_of_the_statistics(client, hook):  # noqa: F811
    for raw in (b"", b"{}", b'{"type":"TEST"}'):
        response = post(client, hook, None, sign=False, raw=raw)
        assert response.status_code == 200 and response.json()["result"] == "success"
    settings_row = CJSettings.load()
    assert settings_row.webhook_url_checks == 3 and settings_row.webhook_url_check_at
    assert WebhookEvent.objects.count() == 0 and selectors.webhook_stats().total == 0
    signed_but_empty = post(client, hook, {"type": "ORDER"})
    assert signed_but_empty.status_code == 400  # a signed message must still be whole
    unsigned_message = post(client, hook, message("ORDER", {"cjOrderId": 1}), sign=False)
    assert unsigned_message.status_code == 401


def test_a_burst_of_refused_messages_is_critical_at_once(client, hook):  # noqa: F811
    for _n in range(3):
        post(client, hook, message("ORDER", {"cjOrderId": 1}), headers={"HTTP_SIGN": "bad"}, sign=False)
    problem = Problem.objects.get(code="cj-webhook-refused", active=True)
    assert problem.severity == "critical" and "openId" in problem.detail


def test_enable_fails_in_french_when_the_receiver_is_unreachable(staff_client, hook, settings):  # noqa: F811
    settings.KAMRI_PUBLIC_URL = "http://127.0.0.1:9"  # nothing listens there: CJ's URL check fails
    response = staff_client.post(reverse("cj:webhooks_enable"), {"topics": ["order"]}, follow=True)
    text = response.content.decode()
    assert "CJ a refusé" in text and "réponse 200 en moins de 3 s" in text
    assert CJSettings.load().webhooks_enabled is False


def test_topic_closed_at_cj_is_shown_with_reactivate(staff_client, hook, cj_sandbox, live_server, settings):  # noqa: F811
    settings.KAMRI_PUBLIC_URL = live_server.url
    assert webhook_setup.enable(["order", "logistics"]).ok  # the strict sandbox's URL check got a 200
    assert CJSettings.load().webhook_url_check_at is not None
    account = next(iter(cj_sandbox.state.accounts.values()))
    for _n in range(10):  # CJ's deliveries to KAMRI kept failing: CJ closes the topic
        cj_sandbox.state.topic_health.record(account.open_id, "order", False)
    fragment = staff_client.get(reverse("cj:webhooks_check")).content.decode()
    assert "Fermé par CJ" in fragment and 'id="btn-reactivate-order"' in fragment
    staff_client.post(reverse("cj:webhooks_enable"), {"topics": ["order", "logistics"]})
    fragment = staff_client.get(reverse("cj:webhooks_check")).content.decode()
    assert "Fermé par CJ" not in fragment and "Actif" in fragment
