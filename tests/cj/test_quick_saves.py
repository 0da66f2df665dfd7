"""Finding 13.7: two configuration saves within CJ's 5-minute token window never blind KAMRI."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from kamri.cj.connection import account as connection
from kamri.cj.models import CJOrder
from kamri.cj.orders import placement as orders
from kamri.cj.webhooks import webhook_inbox
from tests.cj.helpers import cj_row, import_cj_products, paid_order, stocked_variant
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


def _signed_post(client, conf, payload):
    body = json.dumps(payload).encode()
    return client.post(
        reverse("cj_webhook", args=[conf.secret]),
        data=body,
        content_type="application/json",
        HTTP_SIGN=webhook_inbox.sign(body, conf.open_id),
    )


def test_two_quick_saves_keep_webhooks_accepted_and_orders_retry_later(
    cj_account, cj_sandbox, client, settings, django_capture_on_commit_callbacks
):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True  # a second address for the same sandbox
    first = connection.save_account(
        email="", api_key=SANDBOX_API_KEY, tier="advanced", base_url=cj_sandbox.base_url
    )
    assert first.saved and first.report.connected
    webhook_inbox.forget_config()
    before = webhook_inbox.config()
    assert before.open_id
    (product,) = import_cj_products(1)

    # The second save within 5 minutes: CJ will not hand out a new token yet.
    second = connection.save_account(
        email="",
        api_key=SANDBOX_API_KEY,
        tier="advanced",
        base_url=cj_sandbox.base_url.replace("127.0.0.1", "localhost"),
    )
    assert second.saved and not second.report.connected
    webhook_inbox.forget_config()
    after = webhook_inbox.config()
    assert after.open_id == before.open_id  # the openId is kept until a new token is obtained

    # A genuine signed webhook from CJ is still accepted.
    message = {"messageId": uuid.uuid4().hex, "type": "STOCK", "messageType": "UPDATE", "params": {}}
    assert _signed_post(client, before, message).status_code == 200

    # A paid order meeting CJ's token throttle waits and retries; it is not "À traiter".
    order = paid_order([stocked_variant(product)], capture=django_capture_on_commit_callbacks)
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.QUEUED, row.reasons
    assert row.next_attempt_at is not None
    assert "5 minutes" in row.last_error
