"""The CJ health checks behind the problems panel: each one raises its problem, or clears it when fixed.

Everything reads the database except `check_balance`, which asks CJ and runs only from the periodic task.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kamri.cj.connection.account import client_for, get_account
from kamri.cj.models import CJAccount, CJApiCall, CJCredential, CJSettings, Problem
from kamri.cj.orders import disputes
from kamri.cj.orders.order_problems import check_orders
from kamri.cj.problems import clear_problem, raise_problem
from kamri.cj.reports import dashboard as figures

log = logging.getLogger(__name__)

ACCESS_TOKEN_WARNING = timedelta(days=3)
REFRESH_TOKEN_WARNING = timedelta(days=7)
RATE_LIMIT_CODE = 1600200
QUOTA_CODES = (16900500, 1600201)
POINTS_ALERT_PERCENT = 80

# Problem codes (one place; the tests and the panel use them).
ACCESS_EXPIRY = "cj-access-token-expiry"
REFRESH_EXPIRY = "cj-refresh-token-expiry"
CONNECTION = "cj-connection-failing"
NO_WEBHOOK = "cj-no-webhook"
WEBHOOK_ERRORS = "cj-webhook-errors"
RATE_LIMIT = "cj-rate-limit"
QUOTA = "cj-quota"
LOW_BALANCE = "cj-low-balance"
POINTS_FORECAST = "cj-points-forecast"


def _url(name: str, query: str = "") -> str:
    try:
        return reverse(name) + query
    except NoReverseMatch:
        return ""


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def check_tokens(*, account: CJAccount | None, now: datetime) -> None:
    """Access token under 3 days, refresh token under 7 days (the client logs in again after that)."""
    credential = (
        CJCredential.objects.filter(fingerprint=account.fingerprint).first()
        if account and account.fingerprint
        else None
    )
    access = credential.access_token_expires_at if credential else None
    refresh = credential.refresh_token_expires_at if credential else None
    if access and access - now < ACCESS_TOKEN_WARNING:
        expired = access <= now
        raise_problem(
            ACCESS_EXPIRY,
            title=_("Le jeton d'accès CJ a expiré") if expired else _("Le jeton d'accès CJ expire bientôt"),
            detail=_(
                "Échéance : %(when)s. KAMRI le renouvelle avec le jeton de rafraîchissement au prochain "
                "appel ; si l'erreur persiste, cliquez sur « Tester la connexion » dans Configuration."
            )
            % {"when": _when(access)},
            severity=Problem.Severity.WARNING if not expired else "critical",
            action_url=_url("cj:settings"),
        )
    else:
        clear_problem(ACCESS_EXPIRY)
    if refresh and refresh - now < REFRESH_TOKEN_WARNING:
        expired = refresh <= now
        raise_problem(
            REFRESH_EXPIRY,
            title=_("Le jeton de rafraîchissement CJ a expiré")
            if expired
            else _("Le jeton de rafraîchissement CJ expire bientôt"),
            detail=_(
                "Échéance : %(when)s. Après cette date, KAMRI doit se reconnecter avec la clé API "
                "(une fois toutes les 5 minutes au plus). Vérifiez la clé API dans Configuration et "
                "testez la connexion."
            )
            % {"when": _when(refresh)},
            severity=Problem.Severity.CRITICAL if expired else "warning",
            action_url=_url("cj:settings"),
        )
    else:
        clear_problem(REFRESH_EXPIRY)


def check_connection(*, account: CJAccount | None, now: datetime) -> None:
    if account is not None and account.last_check_ok is False:
        raise_problem(
            CONNECTION,
            title=_("Connexion à CJ en échec (Déconnecté)"),
            detail=_(
                "Dernière erreur : %(error)s. Vérifiez l'email et l'API Key, testez la connexion, "
                "vérifiez le tier d'abonnement ; contactez le support CJ si nécessaire."
            )
            % {"error": account.last_check_error or _("inconnue")},
            severity=Problem.Severity.CRITICAL,
            action_url=_url("cj:settings"),
        )
    else:
        clear_problem(CONNECTION)


def check_webhooks(*, settings_row: CJSettings, now: datetime) -> None:
    """No webhook for N hours while they are enabled; error rate above X % over 24 hours."""
    counts = figures.webhooks(now=now, settings_row=settings_row)
    last = counts.last_received_at
    if counts.silence.silent:
        raise_problem(
            NO_WEBHOOK,
            title=ngettext(
                "Aucun webhook reçu depuis %(n)s heure",
                "Aucun webhook reçu depuis %(n)s heures",
                settings_row.no_webhook_alert_hours,
            )
            % {"n": settings_row.no_webhook_alert_hours},
            detail=(
                _("Dernier webhook : %(when)s.") % {"when": _when(last)}
                if last
                else _("Aucun webhook reçu pour l'instant.")
            )
            + " "
            + _(
                "Vérifiez l'URL des webhooks, vérifiez que les webhooks sont activés, vérifiez les logs de "
                "webhooks et testez la configuration. Les commandes restent synchronisées par interrogation."
            ),
            severity=Problem.Severity.WARNING,
            action_url=_url("cj:webhooks"),
        )
    else:
        clear_problem(NO_WEBHOOK)
    window = counts.window  # the same 24 hours and definition as the success rate the pages show
    error_rate = window.error_rate
    if error_rate is not None and window.errors and error_rate > settings_row.webhook_error_alert_percent:
        raise_problem(
            WEBHOOK_ERRORS,
            title=_("Taux d'erreur des webhooks : %(rate)s %% sur 24 h")
            % {"rate": number_format(error_rate)},
            detail=ngettext(
                "%(errors)s webhook en erreur sur %(total)s (seuil : %(limit)s %%). Ouvrez le journal des "
                "webhooks, lisez le message d'erreur et retraitez-le une fois la cause corrigée.",
                "%(errors)s webhooks en erreur sur %(total)s (seuil : %(limit)s %%). Ouvrez le journal des "
                "webhooks, lisez le message d'erreur et retraitez-les une fois la cause corrigée.",
                window.errors,
            )
            % {
                "errors": window.errors,
                "total": window.settled,
                "limit": settings_row.webhook_error_alert_percent,
            },
            severity=Problem.Severity.CRITICAL if error_rate >= 50 else "warning",
            action_url=_url("cj:webhook_log", "?status=error") or _url("cj:webhooks"),
        )
    else:
        clear_problem(WEBHOOK_ERRORS)


def check_api_limits(*, now: datetime) -> None:
    """Rate-limit hits in the last hour; quota/points refusals today or estimated points above 80 %."""
    hits = CJApiCall.objects.filter(started_at__gte=now - timedelta(hours=1), cj_code=RATE_LIMIT_CODE).count()
    if hits:
        raise_problem(
            RATE_LIMIT,
            title=ngettext(
                "CJ a limité %(n)s appel dans la dernière heure (1600200)",
                "CJ a limité %(n)s appels dans la dernière heure (1600200)",
                hits,
            )
            % {"n": hits},
            detail=_(
                "Trop de requêtes par seconde. Vérifiez le tier d'abonnement dans Configuration, espacez les "
                "synchronisations et utilisez les webhooks plutôt que l'interrogation."
            ),
            severity=Problem.Severity.WARNING,
            action_url=_url("cj:api_calls", f"?outcome=error&from={timezone.localdate(now).isoformat()}"),
        )
    else:
        clear_problem(RATE_LIMIT)
    usage = figures.daily_usage(now=now)
    refused = CJApiCall.objects.filter(started_at__gte=usage.since, cj_code__in=QUOTA_CODES).count()
    if refused or usage.percent >= POINTS_ALERT_PERCENT:
        raise_problem(
            QUOTA,
            title=(
                _("CJ refuse des appels : quota ou points du jour épuisés")
                if refused
                else _("Points CJ du jour utilisés à %(p)s %%") % {"p": int(usage.percent)}
            ),
            detail=_(
                "Estimation : %(points)s points sur %(quota)s depuis 00:00 UTC (%(calls)s appels). "
                "Les points reviennent à minuit UTC. Réduisez la fréquence de synchronisation du stock "
                "et des prix, et privilégiez les webhooks."
            )
            % {"points": usage.points, "quota": usage.quota, "calls": usage.calls},
            severity=Problem.Severity.CRITICAL if refused else "warning",
            action_url=_url("cj:api_calls"),
        )
    else:
        clear_problem(QUOTA)


def check_points_forecast(*, now: datetime) -> None:
    """A problem as soon as today's pace would spend more than CJ's points before 00:00 UTC."""
    board = figures.points_board(now=now)
    if board.crosses:
        raise_problem(
            POINTS_FORECAST,
            title=_("Les points CJ du jour ne tiendront pas jusqu'à minuit UTC"),
            detail=_(
                "Prévision : %(f)s points utilisés avant minuit UTC pour %(q)s disponibles (%(u)s déjà). "
                "Les commandes gardent leur réserve ; réduisez les recherches et synchronisations manuelles, "
                "ou allongez la fraîcheur visée dans Paramètres."
            )
            % {"f": board.to_midnight, "q": board.day.quota, "u": board.day.points},
            severity=Problem.Severity.WARNING,
            action_url=_url("cj:automation"),
        )
    else:
        clear_problem(POINTS_FORECAST)


def check_balance(*, account: CJAccount | None, settings_row: CJSettings) -> Decimal | None:
    """Ask CJ for the balance (a real call: periodic task only). The amount is not stored; None if unknown."""
    if account is None or not account.api_key_encrypted:
        return None
    try:
        balance = client_for(account).get_balance().amount
    except Exception as error:  # an unreachable CJ is the connection check's business
        log.info("CJ balance unavailable: %s", type(error).__name__)
        return None
    if balance < settings_row.low_balance_usd:
        raise_problem(
            LOW_BALANCE,
            title=_("Solde CJ bas : %(amount)s USD") % {"amount": balance},
            detail=_(
                "Sous le seuil d'alerte de %(limit)s USD. Rechargez le solde dans votre compte CJ, sinon "
                "les commandes payées avec le solde CJ échoueront."
            )
            % {"limit": settings_row.low_balance_usd},
            severity=Problem.Severity.WARNING
            if settings_row.payment_mode == CJSettings.PaymentMode.MANUAL
            else "critical",
            action_url=_url("cj:settings"),
        )
    else:
        clear_problem(LOW_BALANCE)
    return balance


def check_all(*, now: datetime | None = None, with_balance: bool = False) -> list[str]:
    """Run every check; one failing check never stops the others. Returns the codes still open."""
    now = now or timezone.now()
    account = get_account()
    settings_row = CJSettings.load()
    checks: list[tuple[str, Callable[[], object]]] = [
        ("tokens", lambda: check_tokens(account=account, now=now)),
        ("connection", lambda: check_connection(account=account, now=now)),
        ("webhooks", lambda: check_webhooks(settings_row=settings_row, now=now)),
        ("api", lambda: check_api_limits(now=now)),
        ("points", lambda: check_points_forecast(now=now)),
        ("orders", lambda: check_orders(settings_row=settings_row, now=now)),
        ("deadlines", disputes.check_deadlines),
    ]
    if with_balance:
        checks.append(("balance", lambda: check_balance(account=account, settings_row=settings_row)))
    for name, check in checks:
        try:
            check()
        except Exception:
            log.exception("CJ health check %s failed", name)
    return list(Problem.objects.filter(active=True).values_list("code", flat=True))
