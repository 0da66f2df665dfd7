"""Findings 13.4 and 13.5: what the webhook receiver stored is shown without a 500 and without the openId.

The fuzz corpus of the reliability bench (deep JSON, lone surrogates, NUL, BOM, oversized, non-UTF-8) is
posted signed, unsigned and badly signed; then the journal, every event's detail page and Django's raw-data
pages are opened, and every admin page is crawled with those events processed.
"""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.harness import EDGE_BODIES
from kamri.cj.models import CJAccount, CJCredential, WebhookEvent
from kamri.cj.webhooks import webhook_inbox, webhook_processing
from kamri.core import crypto
from tests.conftest import SANDBOX_API_KEY
from tests.security.crawl import admin_routes, world_arguments

pytestmark = pytest.mark.django_db

OPEN_ID = "3986601929"

HOSTILE_BODIES = [
    *EDGE_BODIES,
    b'{"messageId":"deep-obj","type":"ORDER","params":' + b'{"a":' * 3000 + b"1" + b"}" * 3000 + b"}",
    b'{"messageId":"lone-low","type":"PRODUCT","params":{"productNameEn":"x\\udc00y","pid":"1"}}',
    b'{"messageId":"pair-ok","type":"PRODUCT","params":{"productNameEn":"\\ud83d\\ude00","pid":"1"}}',
    '{"messageId":"bidi","type":"PRODUCT","params":{"productNameEn":"\u202egnp.exe\u0007","pid":"1"}}'.encode(),
    b'{"messageId":"deep-in-params","type":"STOCK","params":{"V1":' + b"[" * 900 + b"]" * 900 + b"}}",
]


@pytest.fixture
def hook(db):
    account = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="free")
    account.set_api_key(SANDBOX_API_KEY)
    account.save()
    CJCredential.objects.create(fingerprint=account.fingerprint, open_id_encrypted=crypto.encrypt(OPEN_ID))
    webhook_inbox.forget_config()
    return webhook_inbox.config()


def _post(client: Client, conf, body: bytes, how: str = "good"):
    headers = {}
    if how == "good":
        headers["HTTP_SIGN"] = webhook_inbox.sign(body, conf.open_id)
    elif how == "bad":
        headers["HTTP_SIGN"] = "bm90LXRoZS1zaWduYXR1cmU="
    return client.post(
        reverse("cj_webhook", args=[conf.secret]), data=body, content_type="application/json", **headers
    )


def _process_pending() -> None:
    for pk in WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).values_list("pk", flat=True):
        webhook_processing.process(pk)


def _event_pages() -> list[str]:
    paths = [reverse("cj:webhook_log"), reverse("admin:cj_webhookevent_changelist")]
    for pk in WebhookEvent.objects.values_list("pk", flat=True):
        paths += [reverse("cj:webhook_detail", args=[pk]), reverse("admin:cj_webhookevent_change", args=[pk])]
    return paths


def _server_errors(client: Client, paths: list[str]) -> list[tuple[str, int]]:
    errors = []
    for path in paths:
        status = client.get(path).status_code
        if status >= 500 and status != 503:  # 503: the page's own "CJ is unreachable" answer (CJ is at :9)
            errors.append((path[:80], status))
    return errors


def test_every_stored_body_renders_on_the_journal_and_raw_pages(client, hook, staff_client):
    for body in HOSTILE_BODIES:
        for how in ("good", "none", "bad"):
            assert _post(client, hook, body, how).status_code < 500
    _process_pending()
    assert WebhookEvent.objects.count() >= len(HOSTILE_BODIES)
    assert _server_errors(staff_client, _event_pages()) == []


def test_every_admin_page_renders_after_the_hostile_corpus_is_processed(client, hook, staff_client):
    from tests.security.conftest import build_world

    world = build_world()
    for body in HOSTILE_BODIES:
        _post(client, hook, body)
    _process_pending()
    routes = admin_routes(world_arguments(world))
    assert _server_errors(staff_client, [route.path for route in routes]) == []


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet=st.characters(codec=None), max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=10,
    ),
    depth=st.integers(min_value=0, max_value=4000),
)
def test_fuzzed_stored_bodies_render_on_the_detail_page(client, hook, staff_client, value, depth):
    body = json.dumps(
        {
            "messageId": uuid.uuid4().hex,
            "type": "STOCK",
            "params": {"x": value, "d": "[" * depth + "]" * depth},
        }
    ).replace('"' + "[" * depth + "]" * depth + '"', "[" * depth + "]" * depth)
    raw = body.encode("utf-8", "surrogatepass")
    assert _post(client, hook, raw).status_code < 500
    _process_pending()
    event = WebhookEvent.objects.order_by("-pk").first()
    assert staff_client.get(reverse("cj:webhook_detail", args=[event.pk])).status_code == 200


def test_the_open_id_is_never_stored_nor_shown(client, hook, staff_client):
    """CJ puts the openId (the webhook signing key) in LOGISTIC messages: redacted before storing."""
    bodies = [
        json.dumps(
            {
                "messageId": uuid.uuid4().hex,
                "type": "LOGISTIC",
                "messageType": "UPDATE",
                "openId": int(OPEN_ID),
                "params": {"orderId": "X1", "logisticName": "CJPacket", "trackingNumber": "CJ123"},
            }
        ).encode(),
        f'{{"messageId":"{uuid.uuid4().hex}","type":"LOGISTIC","openId":"{OPEN_ID}","params":{{"note":"id {OPEN_ID}"}}}}'.encode(),
        f'{{"openId": {OPEN_ID}, "broken'.encode(),  # rejected, stored all the same
    ]
    for body in bodies:
        for how in ("good", "bad"):
            assert _post(client, hook, body, how).status_code < 500
    _process_pending()
    assert WebhookEvent.objects.count() == 6
    for event in WebhookEvent.objects.all():
        assert OPEN_ID not in event.raw_body
    for path in _event_pages():
        assert OPEN_ID not in staff_client.get(path).content.decode()
    dump = StringIO()
    call_command("dumpdata", "cj", stdout=dump)
    assert OPEN_ID not in dump.getvalue()
