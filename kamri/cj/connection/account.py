"""The shop's connection to CJ: the account, a ready client, testing and saving credentials, live status."""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.cj.client import CJAuthError, CJAuthThrottled, CJClient, CJError, RetryPolicy
from kamri.cj.connection.adapters import DatabaseCallRecorder, DatabaseTokenStore, SharedRateLimiter
from kamri.cj.connection.signing_key import forget as forget_webhook_config
from kamri.cj.models import CJAccount, CJCredential, credential_fingerprint
from kamri.cj.tiers import allowed_qps, limiter_rate
from kamri.core import crypto
from kamri.core.logging import register_secret
from kamri.core.security import is_local_host

log = logging.getLogger(__name__)

STATUS_CACHE_SECONDS = 60


class NotConfigured(Exception):
    """No CJ account is saved yet."""


def get_account() -> CJAccount | None:
    return CJAccount.objects.order_by("pk").first()


def require_account() -> CJAccount:
    account = get_account()
    if account is None or not account.api_key_encrypted:
        raise NotConfigured(_("Aucun compte CJ n'est configuré. Renseignez la clé API dans Configuration."))
    return account


# --- Rates: one place knows the rate of every account key this process has seen.
_rates: dict[str, float] = {}


def _rate_for(account_key: str) -> float:
    return _rates.get(account_key, limiter_rate("free"))


_limiter = SharedRateLimiter(_rate_for)
_recorder = DatabaseCallRecorder()


def build_client(
    *, api_key: str, base_url: str, tier: str, qps_limit: int | None = None, **options
) -> CJClient:
    """A CJ client sharing tokens, limiter and API-call log with every other process for this key."""
    register_secret(api_key)
    fingerprint = credential_fingerprint(base_url, api_key)
    _rates[fingerprint] = settings.CJ_LIMITER_QPS_FOR_TESTS or limiter_rate(tier, qps_limit)
    options.setdefault(
        "retry",
        RetryPolicy(
            max_attempts=settings.CJ_RETRY_ATTEMPTS,
            base_delay=settings.CJ_RETRY_BASE_DELAY,
            max_delay=settings.CJ_RETRY_MAX_DELAY,
        ),
    )
    return CJClient(
        base_url,
        api_key,
        token_store=DatabaseTokenStore(fingerprint),
        limiter=_limiter,
        recorder=_recorder,
        account_key=fingerprint,
        timeout=settings.CJ_TIMEOUT_SECONDS,
        **options,
    )


def client_for(account: CJAccount | None = None, **options) -> CJClient:
    """The process's long-lived client of the account (connections kept alive between calls, as stripe-python's
    client does); a caller passing its own options gets a client of its own, to close itself."""
    account = account or require_account()
    if options:
        return build_client(
            api_key=account.api_key,
            base_url=account.base_url,
            tier=account.tier,
            qps_limit=account.qps_limit,
            **options,
        )
    return _pooled_client(account)


# --- One client per account per process: a new key, address, tier or retry setting replaces it.
_pool: dict[tuple, CJClient] = {}
_retired: list[CJClient] = []  # replaced clients may still be mid-call in another thread: closed later
_RETIRED_KEPT = 8
_pool_lock = threading.Lock()


def _pool_key(account: CJAccount, api_key: str) -> tuple:
    return (
        os.getpid(),  # a forked process never shares its parent's sockets
        credential_fingerprint(account.base_url, api_key),
        account.tier,
        account.qps_limit,
        settings.CJ_TIMEOUT_SECONDS,
        settings.CJ_RETRY_ATTEMPTS,
        settings.CJ_RETRY_BASE_DELAY,
        settings.CJ_RETRY_MAX_DELAY,
    )


def _pooled_client(account: CJAccount) -> CJClient:
    api_key = account.api_key
    key = _pool_key(account, api_key)
    with _pool_lock:
        client = _pool.get(key)
        if client is None:
            _retire_pool_locked()  # the shop has one CJ account: the previous client is stale
            client = _pool[key] = build_client(
                api_key=api_key, base_url=account.base_url, tier=account.tier, qps_limit=account.qps_limit
            )
        return client


def _retire_pool_locked() -> None:
    _retired.extend(_pool.values())
    _pool.clear()
    while len(_retired) > _RETIRED_KEPT:
        _retired.pop(0).close()


def close_clients() -> None:
    """Close every pooled client's connections (at process exit)."""
    with _pool_lock:
        _retire_pool_locked()
        while _retired:
            _retired.pop().close()


atexit.register(close_clients)


@dataclass(frozen=True)
class ConnectionReport:
    """What the admin sees after "Tester la connexion" and on the CJ home."""

    connected: bool
    checked_at: datetime
    error: str = ""
    error_code: int | None = None
    refused: bool = False  # CJ said no to the credentials themselves (not a network or rate problem)
    open_id_masked: str = ""
    account_name: str = ""
    account_email: str = ""
    qps_limit: int | None = None
    effective_qps: int | None = None
    is_sandbox: bool = False
    access_token_expires_at: datetime | None = None
    refresh_token_expires_at: datetime | None = None
    balance: Decimal | None = None


# --- Where a key may be sent (finding 13.1): the stored key only to its own address; new addresses checked.
def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        port = -1
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


def address_problem(base_url: str) -> str:
    """Why KAMRI will not talk to this CJ address ("" when it may): https to a public host only, except CJ
    itself, the bundled sandbox (`CJ_SANDBOX_URL`) and, with `KAMRI_CJ_ALLOW_LOCAL_URLS`, local development."""
    origin = _origin(base_url)
    if origin in (_origin(settings.CJ_SANDBOX_URL), _origin(settings.CJ_PRODUCTION_URL)):
        return ""
    scheme, host, port = origin
    if not host or port == -1 or scheme not in ("http", "https"):
        return _("Adresse de l'API CJ invalide : saisissez une adresse https://… complète.")
    if settings.KAMRI_CJ_ALLOW_LOCAL_URLS:
        return ""
    if scheme != "https":
        return _("L'adresse de l'API CJ doit commencer par https:// (la clé API ne circule jamais en clair).")
    if is_local_host(host):
        return _(
            "Cette adresse désigne une machine locale ou un réseau privé : KAMRI n'y envoie pas la clé API. "
            "Choisissez CJ ou le bac à sable fourni."
        )
    return ""


RETYPE_KEY_MESSAGE = gettext_lazy(
    "Pour changer l'adresse de l'API CJ, saisissez à nouveau la clé API : "
    "la clé enregistrée n'est envoyée qu'à l'adresse où elle a été enregistrée."
)


class KeyAddressRefused(Exception):
    """A key would go somewhere it must not; `str(error)` is the French sentence for the admin."""


def key_for_address(account: CJAccount | None, api_key: str, base_url: str) -> str:
    """The key to send to `base_url`: the one typed, or the stored one only for the address it was saved with."""
    problem = address_problem(base_url)
    if problem:
        raise KeyAddressRefused(problem)
    typed = (api_key or "").strip()
    if typed:
        return typed
    if account is None or not account.api_key_encrypted:
        raise KeyAddressRefused(_("La clé API est obligatoire."))
    if base_url.strip() != account.base_url.strip():
        raise KeyAddressRefused(str(RETYPE_KEY_MESSAGE))
    return account.api_key


def try_settings(*, api_key: str | None, base_url: str, tier: str, **_unused) -> ConnectionReport:
    """ "Tester la connexion" with the form's values (nothing saved)."""
    try:
        key = key_for_address(get_account(), api_key or "", base_url)
    except KeyAddressRefused as refusal:
        return ConnectionReport(connected=False, checked_at=timezone.now(), error=str(refusal))
    return check_credentials(api_key=key, base_url=base_url, tier=tier)


def check_credentials(*, api_key: str, base_url: str, tier: str) -> ConnectionReport:
    """Ask CJ whether these credentials work, reusing a stored token when one exists (no needless login)."""
    now = timezone.now()
    refusal_key = f"cj-refusal:{credential_fingerprint(base_url, api_key)}"
    try:
        check = build_client(api_key=api_key, base_url=base_url, tier=tier).test_connection()
    except CJAuthThrottled as error:
        # CJ allows one login per 5 minutes: repeat the refusal it gave for this key rather than "too soon".
        earlier = cache.get(refusal_key)
        if earlier is not None:
            return earlier
        return ConnectionReport(
            connected=False, checked_at=now, error=error.user_message, error_code=error.code
        )
    except CJError as error:
        report = ConnectionReport(
            connected=False,
            checked_at=now,
            error=error.user_message,
            error_code=error.code,
            refused=isinstance(error, CJAuthError),
        )
        if report.refused:
            cache.set(refusal_key, report, 300)
        return report
    except Exception as error:  # a wrong URL, a proxy page...: the admin gets words, never a 500
        log.warning("CJ connection test failed: %s", type(error).__name__)
        return ConnectionReport(
            connected=False,
            checked_at=now,
            error=_("Réponse inattendue de l'adresse de l'API CJ ; vérifiez l'URL."),
        )
    register_secret(check.open_id)
    account_settings = check.settings
    return ConnectionReport(
        connected=True,
        checked_at=now,
        open_id_masked=crypto.mask(check.open_id),
        account_name=account_settings.name or "",
        account_email=account_settings.email or "",
        qps_limit=account_settings.qps_limit,
        effective_qps=allowed_qps(tier, account_settings.qps_limit),
        is_sandbox=account_settings.is_sandbox,
        access_token_expires_at=check.access_token_expires_at,
        refresh_token_expires_at=check.refresh_token_expires_at,
        balance=check.balance.amount if check.balance else None,
    )


@dataclass(frozen=True)
class SaveResult:
    saved: bool
    message: str
    report: ConnectionReport | None = None


def save_account(*, email: str, api_key: str | None, tier: str, base_url: str) -> SaveResult:
    """Store validated settings. A key CJ refuses is not saved; a blank key keeps the current one."""
    account = get_account()
    try:
        key = key_for_address(account, api_key or "", base_url)
    except KeyAddressRefused as refusal:
        return SaveResult(False, str(refusal))
    report = check_credentials(api_key=key, base_url=base_url, tier=tier)
    if report.refused:
        return SaveResult(
            False, _("CJ refuse ces identifiants : %(reason)s") % {"reason": report.error}, report
        )
    with transaction.atomic():
        account = account or CJAccount(base_url=base_url)
        old_fingerprint = account.fingerprint
        account.email, account.tier, account.base_url = email.strip(), tier, base_url.strip()
        account.set_api_key(key)
        _apply_report(account, report)
        account.save()
        if report.connected and old_fingerprint and old_fingerprint != account.fingerprint:
            # Old key or host: its tokens are void, but only once the new ones exist (CJ hands out one token
            # per 5 minutes; without one KAMRI would have no openId to check webhooks with).
            CJCredential.objects.filter(fingerprint=old_fingerprint).delete()
    cache.delete(_status_cache_key(account))
    forget_webhook_config()
    if report.connected:
        return SaveResult(True, _("Configuration enregistrée. Connexion à CJ réussie."), report)
    return SaveResult(
        True,
        _("Configuration enregistrée, mais CJ n'a pas pu être joint : %(reason)s") % {"reason": report.error},
        report,
    )


def _apply_report(account: CJAccount, report: ConnectionReport) -> None:
    account.last_check_at = report.checked_at
    account.last_check_ok = report.connected
    account.last_check_error = report.error[:500]
    if report.connected:
        # The openId signs CJ's webhooks: kept on the account from the last good check, so a save that
        # cannot get a token yet (CJ's 5-minute rule) never leaves the receiver without it.
        credential = CJCredential.objects.filter(fingerprint=account.fingerprint).first()
        if credential is not None and credential.open_id_encrypted:
            account.open_id_encrypted = credential.open_id_encrypted
        account.account_name = report.account_name
        account.account_email = report.account_email
        account.qps_limit = report.qps_limit
        account.is_sandbox = report.is_sandbox


def _status_cache_key(account: CJAccount) -> str:
    return f"cj-status:{account.fingerprint}"


def connection_status(account: CJAccount | None = None, *, fresh: bool = False) -> ConnectionReport | None:
    """A real check against CJ, cached for a minute so pages never hammer CJ. None when not configured."""
    account = account or get_account()
    if account is None or not account.api_key_encrypted:
        return None
    key = _status_cache_key(account)
    report = None if fresh else cache.get(key)
    if report is None:
        report = check_credentials(api_key=account.api_key, base_url=account.base_url, tier=account.tier)
        _apply_report(account, report)
        account.save(
            update_fields=[
                "last_check_at",
                "last_check_ok",
                "last_check_error",
                "account_name",
                "account_email",
                "qps_limit",
                "is_sandbox",
                "open_id_encrypted",
                "updated_at",
            ]
        )
        cache.set(key, report, STATUS_CACHE_SECONDS)
    return report
