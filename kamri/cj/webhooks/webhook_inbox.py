"""Receiving CJ webhooks: verify, store one inbox row, answer at once. Processing happens in a worker.

CJ wants a 200 within 3 seconds, retries only 3 times and pauses every push when half of them fail, so
nothing here may fail for a reason we control: no CJ call, no heavy work, one short transaction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.cj import queue
from kamri.cj.connection import signing_key
from kamri.cj.models import CJSettings, Problem, WebhookEvent
from kamri.cj.problems import raise_problem
from kamri.core import crypto
from kamri.core.coalesce import Coalescer
from kamri.core.text import storable, storable_json

MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class WebhookConfig:
    secret: str
    open_id: str
    require_signature: bool


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def config(*, fresh: bool = False) -> WebhookConfig:
    """Path secret and signing key. The secret is read from the database on every call, so a rotated
    secret is refused at once by every process; only the decrypted openId is cached a few seconds."""
    row = CJSettings.objects.order_by("pk").values("pk", "webhook_secret", "require_signature").first()
    if row is None or not row["webhook_secret"]:
        settings_row = CJSettings.load()
        CJSettings.objects.filter(pk=settings_row.pk, webhook_secret="").update(webhook_secret=new_secret())
        return config(fresh=fresh)
    return WebhookConfig(
        row["webhook_secret"], signing_key.signing_key(fresh=fresh), row["require_signature"]
    )


def forget_config() -> None:
    """New key, token or webhook settings: the next webhook reads the signing key again."""
    signing_key.forget()


def sign(body: bytes, open_id: str) -> str:
    """CJ's signature: standard Base64 of HMAC-SHA256(key = openId as a string, message = the raw body)."""
    return base64.b64encode(hmac.new(open_id.encode(), body, hashlib.sha256).digest()).decode()


def secret_matches(candidate: str, expected: str) -> bool:
    return bool(expected) and hmac.compare_digest(candidate.encode(), expected.encode())


@dataclass(frozen=True)
class Verdict:
    status: int  # HTTP status to answer
    event: WebhookEvent | None = None
    reason: str = ""


REQUIRED_FIELDS = ("messageId", "type", "params")


def is_url_check(body: bytes, signature: str | None) -> bool:
    """CJ's check of the callback URL on webhook/set: unsigned, with an empty body or no messageId."""
    if signature:
        return False
    if not body.strip():
        return True
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(payload, dict) and not payload.get("messageId")


def record_url_check(now) -> None:
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(
        webhook_url_check_at=now, webhook_url_checks=F("webhook_url_checks") + 1
    )


def receive(body: bytes, signature: str | None, conf: WebhookConfig) -> Verdict:
    """Verify and store. 200 for new and repeated messages and for CJ's URL check ("Test CJ", not an inbox
    row), 401 bad signature, 400 malformed (stored as Rejeté)."""
    now = timezone.now()
    if is_url_check(body, signature):
        record_url_check(now)
        return Verdict(200, None, "test")
    if signature is None or signature == "":
        if conf.require_signature:
            return _reject(
                body, now, 401, "Signature absente (en-tête « sign »).", signature_valid=False, conf=conf
            )
        signature_valid = None
    else:
        expected = sign(body, conf.open_id) if conf.open_id else ""
        if not expected or not hmac.compare_digest(signature.strip().encode(), expected.encode()):
            return _reject(body, now, 401, "Signature invalide.", signature_valid=False, conf=conf)
        signature_valid = True
    try:
        text = storable_json(body.decode("utf-8"))
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return _reject(
            body,
            now,
            400,
            "Corps illisible : JSON UTF-8 attendu.",
            signature_valid=signature_valid,
            conf=conf,
        )
    if not isinstance(payload, dict) or any(payload.get(field) in (None, "") for field in REQUIRED_FIELDS):
        return _reject(
            body,
            now,
            400,
            "Champs obligatoires manquants : messageId, type, params.",
            signature_valid=signature_valid,
            conf=conf,
        )
    text = _without_open_id(text, payload, conf.open_id)
    message_id = storable(str(payload["messageId"]))[:100]
    fields = {
        "type": storable(str(payload.get("type"))).upper()[:20],
        "message_type": storable(str(payload.get("messageType") or ""))[:30],
        "raw_body": text,
        "signature_valid": signature_valid,
        "received_at": now,
    }
    try:
        with transaction.atomic():
            event = WebhookEvent.objects.create(message_id=message_id, **fields)
            transaction.on_commit(_drain_soon.signal)
    except IntegrityError:
        original = WebhookEvent.objects.filter(message_id=message_id).only("pk").first()
        event = WebhookEvent.objects.create(
            duplicate_of=original,
            status=WebhookEvent.Status.DUPLICATE,
            processed_at=now,
            result="Message déjà reçu : rien n'est réappliqué.",
            **fields,
        )
    return Verdict(200, event)


def _reject(
    body: bytes, now, status: int, reason: str, *, signature_valid: bool | None, conf: WebhookConfig
) -> Verdict:
    text = storable_json(body[:MAX_BODY_BYTES].decode("utf-8", errors="replace"))
    text = _redact_open_id_text(text, conf.open_id)
    event = WebhookEvent.objects.create(
        status=WebhookEvent.Status.REJECTED,
        raw_body=text,
        signature_valid=signature_valid,
        received_at=now,
        processed_at=now,
        last_error=reason,
        type=_peek_type(text),
    )
    if status == 401:
        _alert_refusal_burst(now)
    return Verdict(status, event, reason)


# --- The openId signs webhooks (CJ sends it in LOGISTIC messages): never stored, shown as its last 4 characters.
_OPEN_ID_FIELD = re.compile(r'("openId"\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)')


def _without_open_id(text: str, payload: dict, open_id: str) -> str:
    """The accepted body to store: every "openId" field and every value equal to our openId masked."""
    if "openId" not in text and not (open_id and open_id in text):
        return text
    try:
        return json.dumps(_masked(payload, open_id), ensure_ascii=False)
    except (RecursionError, ValueError):
        return _redact_open_id_text(text, open_id)


def _masked(value, open_id: str):
    if isinstance(value, dict):
        return {
            key: crypto.mask(str(item)) if key == "openId" else _masked(item, open_id)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_masked(item, open_id) for item in value]
    if open_id and isinstance(value, str | int) and not isinstance(value, bool) and open_id in str(value):
        return str(value).replace(open_id, crypto.mask(open_id))
    return value


def _redact_open_id_text(text: str, open_id: str) -> str:
    """A body that is not valid JSON: the same masking, on the text."""
    text = _OPEN_ID_FIELD.sub(
        lambda match: f'{match.group(1)}"{crypto.mask(match.group(2).strip(chr(34)))}"', text
    )
    if open_id:
        text = text.replace(open_id, crypto.mask(open_id))
    return text


REFUSAL_BURST = 3  # refused (unsigned or badly signed) messages within REFUSAL_WINDOW
REFUSAL_WINDOW_S = 600


def _alert_refusal_burst(now) -> None:
    """CJ closes a topic whose deliveries keep failing: a burst of refusals is critical at once."""
    since = now - timedelta(seconds=REFUSAL_WINDOW_S)
    refused = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.REJECTED, signature_valid=False, received_at__gte=since
    ).count()
    if refused >= REFUSAL_BURST:
        raise_problem(
            "cj-webhook-refused",
            title=_("%(n)s webhooks CJ refusés en 10 minutes (signature)") % {"n": refused},
            detail=_(
                "CJ fermera ces événements si les refus continuent. Si le compte CJ a changé, reconnectez-le "
                "(openId) puis cliquez sur « Activer les webhooks » ; sinon vérifiez le journal des webhooks."
            ),
            severity=Problem.Severity.CRITICAL,
            action_url=reverse("cj:webhook_log") + "?status=rejected",
        )


def _peek_type(text: str) -> str:
    try:
        value = json.loads(text).get("type", "")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return storable(value).upper()[:20] if isinstance(value, str) else ""


def _enqueue_drain() -> None:
    queue.drain_webhooks()


# One "process the inbox" job per process per 50 ms instead of one per webhook; a lost job is the sweeper's.
_drain_soon = Coalescer(_enqueue_drain, window_s=0.05)
