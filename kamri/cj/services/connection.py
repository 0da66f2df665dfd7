"""The shop's connection to CJ: the account, a ready client, testing and saving credentials, live status."""

from __future__ import annotations

import atexit
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kamri.cj.adapters import DatabaseCallRecorder, DatabaseTokenStore, SharedRateLimiter
from kamri.cj.client import CJAuthError, CJAuthThrottled, CJClient, CJError, RetryPolicy
from kamri.cj.models import CJAccount, CJCredential, credential_fingerprint
from kamri.cj.tiers import allowed_qps, limiter_rate
from kamri.core import crypto
from kamri.core.logging import register_secret

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
    _rates[fingerprint] = limiter_rate(tier, qps_limit)
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
    key = (api_key or "").strip() or (account.api_key if account else "")
    if not key:
        return SaveResult(False, _("La clé API est obligatoire."))
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
        if old_fingerprint and old_fingerprint != account.fingerprint:
            CJCredential.objects.filter(fingerprint=old_fingerprint).delete()  # old key or host: tokens void
    cache.delete(_status_cache_key(account))
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
                "updated_at",
            ]
        )
        cache.set(key, report, STATUS_CACHE_SECONDS)
    return report
