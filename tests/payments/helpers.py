"""Stripe test helpers: a card token made at localstripe (as Stripe.js does), a webhook signed as Stripe signs."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from tests.conftest import LOCALSTRIPE_PUBLISHABLE_KEY, LOCALSTRIPE_WEBHOOK_SECRET

VISA = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002500003155"


def card_token(server, number: str = VISA) -> str:
    """POST /v1/tokens with the publishable key: what Stripe.js's createToken sends from the browser."""
    answer = httpx.post(
        f"{server.url}/v1/tokens",
        data={
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2030",
            "card[cvc]": "123",
            "key": LOCALSTRIPE_PUBLISHABLE_KEY,
        },
        timeout=10,
    )
    answer.raise_for_status()
    return answer.json()["id"]


def events(server, type: str) -> list[dict]:
    """Events localstripe recorded (the ones it sends to registered webhooks)."""
    answer = httpx.get(f"{server.url}/v1/events", params={"type": type}, auth=("sk_test_x", ""), timeout=10)
    answer.raise_for_status()
    return answer.json()["data"]


def signed(
    event: dict, secret: str = LOCALSTRIPE_WEBHOOK_SECRET, *, at: int | None = None
) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe (and localstripe) send: t=…,v1=HMAC-SHA256(t.body)."""
    body = json.dumps(event).encode()
    stamp = at or int(time.time())
    signature = hmac.new(secret.encode(), b"%d.%s" % (stamp, body), hashlib.sha256).hexdigest()
    return body, f"t={stamp},v1={signature}"


def post_webhook(client, event: dict, **kwargs):
    body, header = signed(event, **kwargs)
    return client.post(
        "/webhooks/stripe/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
