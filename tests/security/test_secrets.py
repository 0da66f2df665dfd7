"""The API key, the tokens and the openId never leave: not in HTML, headers, logs, the API-call log, the cache,
CSV exports or `dumpdata` JSON. Only their last 4 characters may show (masked)."""

from __future__ import annotations

import base64
import io
import logging
import re

import pytest
from django.core.management import call_command
from django.db import connection as db_connection
from django.urls import reverse

from tests.conftest import SANDBOX_API_KEY


def _secrets(account) -> dict[str, str]:
    from kamri.cj.models import CJCredential
    from kamri.core import crypto

    credential = CJCredential.objects.get(fingerprint=account.fingerprint)
    found = {
        "api key": account.api_key,
        "api key secret part": account.api_key.rsplit("@", 1)[-1],
        "access token": crypto.decrypt(credential.access_token_encrypted),
        "refresh token": crypto.decrypt(credential.refresh_token_encrypted),
        "openId": crypto.decrypt(credential.open_id_encrypted),
    }
    assert found["api key"] == SANDBOX_API_KEY
    assert re.fullmatch(r"[0-9a-f]{32}", found["api key secret part"])
    for name, value in found.items():
        assert len(value) >= 8, name  # long enough that finding it cannot be chance
    return found


def _leaks(secrets: dict[str, str], haystacks: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (secret_name, where)
        for where, text in haystacks.items()
        for secret_name, secret in secrets.items()
        if secret in text
    ]


def _response_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    headers = "\n".join(f"{key}: {value}" for key, value in response.items())
    cookies = "\n".join(f"{key}={morsel.value}" for key, morsel in response.cookies.items())
    return "\n".join([body.decode("utf-8", "replace"), headers, cookies])


def _cache_rows() -> str:
    """The database cache's values (pickles), decoded, in case a secret was cached."""
    with db_connection.cursor() as cursor:
        try:
            cursor.execute("SELECT cache_key, value FROM kamri_cache")
        except Exception:  # another cache backend: nothing stored in the database
            return ""
        rows = cursor.fetchall()
    out = []
    for key, value in rows:
        try:
            out.append(f"{key} {base64.b64decode(value)!r}")
        except ValueError:
            out.append(f"{key} {value}")
    return "\n".join(out)


@pytest.mark.django_db(transaction=False)
def test_secrets_appear_nowhere(cj_account, cj_sandbox, staff_client, world, caplog):
    from kamri.cj.connection import account as connection
    from kamri.cj.models import CJApiCall

    for name in ("", "httpx", "httpcore", "django", "kamri", "huey", "axes"):
        caplog.set_level(logging.DEBUG, logger=name or None)
    report = connection.connection_status(fresh=True)
    assert report.connected
    secrets = _secrets(cj_account)

    pages: dict[str, str] = {}

    def visit(label: str, url: str, method: str = "get", **data):
        response = getattr(staff_client, method)(
            url, data or None, HTTP_HX_REQUEST="true" if "hx" in label else None
        )
        assert response.status_code < 500, (label, response.status_code)
        pages[label] = _response_text(response)
        return response

    visit("dashboard", reverse("dashboard:home"))
    visit("cj home", reverse("cj:home"))
    visit("status fragment hx", reverse("cj:status") + "?fresh=1")
    visit("configuration", reverse("cj:settings"))
    visit(
        "test connection (saved key)",
        reverse("cj:settings_test"),
        "post",
        tier="advanced",
        base_url=cj_sandbox.base_url,
    )
    visit(
        "test connection (typed key) hx",
        reverse("cj:settings_test"),
        "post",
        tier="advanced",
        base_url=cj_sandbox.base_url,
        api_key=SANDBOX_API_KEY,
    )
    visit(
        "save with the key typed",
        reverse("cj:settings"),
        "post",
        tier="advanced",
        base_url=cj_sandbox.base_url,
        api_key=SANDBOX_API_KEY,
    )
    visit("configuration after save", reverse("cj:settings"))
    visit(
        "save refused (bad key)",
        reverse("cj:settings"),
        "post",
        tier="advanced",
        base_url=cj_sandbox.base_url,
        api_key="CJ7654321@api@ffffffffffffffffffffffffffffffff",
    )
    visit("logs", reverse("cj:api_calls"))
    search = visit("products search", reverse("cj:products"), q="phone")
    assert search.status_code == 200
    pid = re.search(r"/admin/cj/produits/([\w-]{6,})/", pages["products search"]).group(1)
    visit("product detail", reverse("cj:product_detail", args=[pid]))
    visit("product reviews", reverse("cj:product_reviews", args=[pid]))
    visit("cj orders", reverse("cj:orders"))
    visit("cj order detail", reverse("cj:order_detail", args=[world.cj_order.pk]))
    visit("tracking", reverse("cj:tracking"), numbers="CJPKL7160102171YQ")
    visit("syncs", reverse("cj:syncs"))
    visit("webhooks", reverse("cj:webhooks"))
    visit("webhooks enable", reverse("cj:webhooks_enable"), "post")
    visit("webhooks check hx", reverse("cj:webhooks_check"))
    visit("webhook journal", reverse("cj:webhook_log"))
    visit("price changes", reverse("cj:price_changes"))
    visit("problems", reverse("cj:problems"))
    visit("problems check", reverse("cj:problems"), "post")
    visit("journal d'activité", reverse("core:activity"))
    visit("profit", reverse("cj:profit"))
    visit("profit csv", reverse("cj:profit_csv"))
    visit("orders csv", reverse("cj:orders_csv"))
    visit("raw data admin", reverse("admin:index"))
    # Django's raw-data admin of every CJ model, and the change pages of the account and its tokens.
    from django.urls import NoReverseMatch

    from kamri.cj.models import CJAccount, CJCredential
    from tests.security.crawl import routes

    for route in routes():
        if route.name.startswith("admin:cj_") and route.name.endswith("_changelist"):
            visit(route.name, route.path)
    for model in (CJAccount, CJCredential):
        for row in model.objects.all():
            try:
                url = reverse(f"admin:cj_{model._meta.model_name}_change", args=[row.pk])
            except NoReverseMatch:
                continue
            visit(f"raw {model._meta.model_name} {row.pk}", url)
    visit("logs after everything", reverse("cj:api_calls"))

    api_calls = CJApiCall.objects.all()
    assert api_calls.exists()
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    haystacks = {
        **{f"page: {label}": text for label, text in pages.items()},
        "logs (raw records)": "\n".join(
            f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
        ),
        "API-call log": "\n".join(repr(row) for row in api_calls.values()),
        "dumpdata": dump.getvalue(),
        "database cache": _cache_rows(),
    }
    assert _leaks(secrets, haystacks) == []
    assert _leaks(secrets, {"planted": f"x{secrets['openId']}x"}) == [
        ("openId", "planted")
    ]  # the search works
    # The masked form is what the admin sees.
    assert "••••••••cdef" in pages["configuration after save"]
    assert len(caplog.records) > 10 and len(dump.getvalue()) > 1000


@pytest.mark.django_db(transaction=False)
def test_stripe_keys_appear_nowhere(
    localstripe, staff_client, client, caplog, django_capture_on_commit_callbacks
):
    """Stripe's secret key and webhook secret: typed, tested, saved, used to pay, verify and refund — never shown."""
    from kamri.orders import payments, refunds, stripe_webhooks
    from kamri.orders.models import PaymentSettings, StripeEvent
    from tests import factories
    from tests.conftest import LOCALSTRIPE_PUBLISHABLE_KEY, LOCALSTRIPE_WEBHOOK_SECRET
    from tests.payments.helpers import card_token, events, post_webhook

    for name in ("", "stripe", "httpx", "httpcore", "django", "kamri", "huey"):
        caplog.set_level(logging.DEBUG, logger=name or None)
    typed_secret, typed_webhook = "sk_test_typed_on_the_page_7788", "whsec_typed_on_the_page_7788"
    secrets = {
        "secret key": PaymentSettings.load().secret_key,
        "webhook secret": LOCALSTRIPE_WEBHOOK_SECRET,
        "typed secret key": typed_secret,
        "typed webhook secret": typed_webhook,
    }
    pages: dict[str, str] = {}

    def visit(label: str, url: str, method: str = "get", **data):
        response = getattr(staff_client, method)(url, data or None)
        assert response.status_code < 500, (label, response.status_code)
        pages[label] = _response_text(response)
        return response

    keys = {"publishable_key": LOCALSTRIPE_PUBLISHABLE_KEY, "hold_on_elevated_risk": "on"}
    visit("paiements", reverse("payments:settings"))
    visit(
        "test typed keys",
        reverse("payments:settings"),
        "post",
        test="1",
        secret_key=typed_secret,
        webhook_secret=typed_webhook,
        **keys,
    )
    visit("test saved keys", reverse("payments:settings"), "post", test="1", **keys)
    visit(
        "save typed",
        reverse("payments:settings"),
        "post",
        secret_key=typed_secret,
        webhook_secret=typed_webhook,
        **keys,
    )
    visit(
        "save back",
        reverse("payments:settings"),
        "post",
        secret_key=secrets["secret key"],
        webhook_secret=LOCALSTRIPE_WEBHOOK_SECRET,
        **keys,
    )
    visit("paiements after save", reverse("payments:settings"))

    order = factories.order()
    payments.start_payment(order, return_url="/", data={"token": card_token(localstripe)})
    pages["payment page"] = _response_text(
        client.get(reverse("storefront:order_pay", args=[order.access_key]))
    )
    (event,) = events(localstripe, "payment_intent.succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event)
        stripe_webhooks.process(StripeEvent.objects.get().pk)
    refunds.refund(order, amount=order.total, by="admin", request_key="secrets")
    visit("order", reverse("orders:order_detail", args=[order.number]))
    visit("journal d'activité", reverse("core:activity"))
    visit("raw data admin", reverse("admin:index"))

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    haystacks = {
        **{f"page: {label}": text for label, text in pages.items()},
        "logs (raw records)": "\n".join(
            f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
        ),
        "dumpdata": dump.getvalue(),
        "database cache": _cache_rows(),
    }
    assert _leaks(secrets, haystacks) == []
    assert "••••••••0001" in pages["paiements after save"]
    assert LOCALSTRIPE_PUBLISHABLE_KEY in pages["payment page"]  # public by design: Stripe.js needs it
    assert any(record.name.startswith("stripe") for record in caplog.records)  # the library did log its calls
