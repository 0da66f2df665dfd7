"""CJ error hierarchy and the single CJ code → exception table.

The class is chosen from CJ's numeric ``code`` (plus the HTTP status and, for two codes, the endpoint),
never from CJ's ``message``: CJ says its messages may change.  Every error carries ``code``, ``message``
(CJ's text, with secrets redacted by the client), ``request_id``, ``http_status``, ``endpoint`` and
``retryable``, and a ``user_message`` meant for the admin: written in French, marked with ``gettext_noop`` so the
host application's message catalogue picks it up, and translated when read through ``set_translator`` (the
client itself imports no Django).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = [
    "AUTH_THROTTLE_S",
    "CJAuthError",
    "CJAuthThrottled",
    "CJDuplicateOrder",
    "CJError",
    "CJInsufficientBalance",
    "CJInvalidRequest",
    "CJLogisticsError",
    "CJNotFound",
    "CJOrderNotFound",
    "CJProductNotFound",
    "CJQuotaExhausted",
    "CJRateLimited",
    "CJUnavailable",
    "CJUnreachable",
    "CJVariantNotFound",
    "CJWebhookConfigError",
    "error_for",
    "format_delay_fr",
    "seconds_until_quota_reset",
    "set_translator",
]

#: CJ allows one ``getAccessToken`` per account every 300 s.
AUTH_THROTTLE_S = 300.0

GET_ACCESS_TOKEN = "authentication/getAccessToken"  # noqa: S105 - endpoint path
#: Endpoints on which 1600300 means "order not found" rather than "param error".
ORDER_LOOKUP_ENDPOINTS = frozenset({"shopping/order/getOrderDetail"})


def gettext_noop(text: str) -> str:
    """Marks a message for extraction (the keyword Django's makemessages looks for); returns it unchanged."""
    return text


_translate: Callable[[str], str] = gettext_noop


def set_translator(translate: Callable[[str], str]) -> None:
    """Messages are read through ``translate`` (the host's gettext), in the language active when read."""
    global _translate
    _translate = translate


def format_delay_fr(seconds: float) -> str:
    """'2 s', '4 min 10 s', '3 h 05 min' — rounded up to the next second."""
    s = max(0, math.ceil(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        m, r = divmod(s, 60)
        return f"{m} min {r:02d} s" if r else f"{m} min"
    h, r = divmod(s, 3600)
    return f"{h} h {r // 60:02d} min"


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    """Seconds until the next 00:05 UTC (CJ daily points/quota reset at 00:00 UTC, plus a margin)."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    reset = now.replace(hour=0, minute=5, second=0, microsecond=0)
    if reset <= now:
        reset += timedelta(days=1)
    return (reset - now).total_seconds()


def _rebuild_error(cls: type[CJError], state: dict[str, object]) -> CJError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, str(err))
    return err


class CJError(Exception):
    """Base class of everything the CJ client raises."""

    default_retryable = False
    default_user_message = gettext_noop("Erreur inattendue de CJ")
    #: French messages for specific CJ codes (overrides ``default_user_message``).
    code_messages: dict[int, str] = {}

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        request_id: str | None = None,
        http_status: int | None = None,
        endpoint: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.code = code
        self.message = message or ""
        self.request_id = request_id
        self.http_status = http_status
        self.endpoint = endpoint
        self.retryable = self.default_retryable if retryable is None else retryable
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = [f"CJ {self.code}" if self.code is not None else "CJ"]
        if self.message:
            parts.append(self.message)
        extra = []
        if self.endpoint:
            extra.append(f"endpoint={self.endpoint}")
        if self.http_status is not None:
            extra.append(f"http={self.http_status}")
        if self.request_id:
            extra.append(f"requestId={self.request_id}")
        text = ": ".join(parts)
        return f"{text} ({', '.join(extra)})" if extra else text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only constructors do not survive the default exception pickling (task queues pickle).
        return (_rebuild_error, (type(self), dict(self.__dict__)))

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, "
            f"request_id={self.request_id!r}, http_status={self.http_status!r}, endpoint={self.endpoint!r})"
        )

    @property
    def user_message(self) -> str:
        """A short sentence for the admin, in the active language (no secrets, no stack trace)."""
        if self.code is not None and self.code in self.code_messages:
            return _translate(self.code_messages[self.code])
        if type(self) is CJError and self.code is not None:
            return f"{_translate(self.default_user_message)} (code {self.code})"
        return _translate(self.default_user_message)


class CJAuthError(CJError):
    """The API key, access token or refresh token was refused (or the account is not usable)."""

    default_user_message = gettext_noop("Authentification CJ refusée : vérifiez la clé API")
    code_messages = {
        1600001: gettext_noop("Clé API CJ invalide"),
        1600002: gettext_noop("Jeton d'accès CJ manquant"),
        1600003: gettext_noop("Jeton de rafraîchissement CJ invalide ou expiré"),
        1600004: gettext_noop("Autorisation CJ refusée : vérifiez le compte CJ"),
        1600005: gettext_noop("Clé API CJ incorrecte : vérifiez-la et réessayez"),
        1600006: gettext_noop("Compte développeur CJ introuvable"),
        1600007: gettext_noop("Ce compte CJ est déjà lié à un autre compte développeur"),
        1600008: gettext_noop("Autorisation CJ refusée : vérifiez le compte CJ"),
        1600031: gettext_noop("Jeton de plateforme CJ invalide"),
        1601000: gettext_noop("Compte CJ introuvable"),
    }


class CJAuthThrottled(CJError):
    """A new ``getAccessToken`` is not allowed yet (CJ allows one every 5 minutes per account)."""

    def __init__(self, message: str = "", *, retry_after_s: float = AUTH_THROTTLE_S, **kw: object) -> None:
        self.retry_after_s = max(0.0, float(retry_after_s))
        super().__init__(message or "getAccessToken allowed once every 300 s", **kw)  # type: ignore[arg-type]

    @property
    def user_message(self) -> str:
        text = _translate(
            gettext_noop(
                "CJ n'autorise qu'une demande de jeton toutes les 5 minutes : réessayez dans %(delay)s"
            )
        )
        return text % {"delay": format_delay_fr(self.retry_after_s)}


class CJRateLimited(CJError):
    """QPS exceeded (1600200, or HTTP 429 without a quota code). Retryable after a short wait."""

    default_retryable = True

    def __init__(self, message: str = "", *, retry_after_s: float = 1.0, **kw: object) -> None:
        self.retry_after_s = max(0.0, float(retry_after_s))
        super().__init__(message, **kw)  # type: ignore[arg-type]

    @property
    def user_message(self) -> str:
        text = _translate(gettext_noop("Trop de requêtes, réessayez dans %(delay)s"))
        return text % {"delay": format_delay_fr(max(1.0, self.retry_after_s))}


class CJQuotaExhausted(CJError):
    """Daily quota / API points used up (1600201, 16900500, body code 429). Never retried."""

    def __init__(
        self,
        message: str = "",
        *,
        retry_after_s: float | None = None,
        now: datetime | None = None,
        **kw: object,
    ) -> None:
        self.retry_after_s = seconds_until_quota_reset(now) if retry_after_s is None else float(retry_after_s)
        super().__init__(message, **kw)  # type: ignore[arg-type]

    @property
    def user_message(self) -> str:
        text = _translate(
            gettext_noop(
                "Quota d'appels CJ épuisé pour aujourd'hui : reprise après 00:05 UTC (dans %(delay)s)"
            )
        )
        return text % {"delay": format_delay_fr(self.retry_after_s)}


class CJNotFound(CJError):
    default_user_message = gettext_noop("Élément introuvable chez CJ")
    code_messages = {1608001: gettext_noop("Entrepôt introuvable chez CJ")}


class CJProductNotFound(CJNotFound):
    default_user_message = gettext_noop("Produit introuvable chez CJ (retiré ou hors vente)")
    code_messages = {}


class CJVariantNotFound(CJNotFound):
    default_user_message = gettext_noop("Variante introuvable chez CJ (retirée ou hors vente)")
    code_messages = {}


class CJOrderNotFound(CJNotFound):
    default_user_message = gettext_noop("Commande introuvable chez CJ")
    code_messages = {}


class CJInvalidRequest(CJError):
    default_user_message = gettext_noop("Requête refusée par CJ (paramètres invalides)")
    code_messages = {
        1600100: gettext_noop("Requête refusée par CJ : paramètres invalides ou interface hors service"),
        1600101: gettext_noop("Interface CJ introuvable"),
        1603000: gettext_noop("Échec de la création de la commande chez CJ"),
        1603001: gettext_noop("Échec de la confirmation de la commande chez CJ"),
        1603002: gettext_noop(
            "Échec de la suppression : seules les commandes CREATED ou IN_CART peuvent être supprimées"
        ),
        16900202: gettext_noop("Méthode HTTP non acceptée par CJ"),
        16900203: gettext_noop("Type de contenu non accepté par CJ"),
        16900204: gettext_noop("Corps de requête manquant"),
        16900205: gettext_noop("Corps de requête JSON invalide"),
        16900403: gettext_noop("Paramètre obligatoire manquant"),
    }

    @property
    def user_message(self) -> str:
        base = super().user_message
        return f"{base} — {self.message}" if self.message and self.code not in self.code_messages else base


class CJDuplicateOrder(CJError):
    default_user_message = gettext_noop("Cette commande existe déjà chez CJ (numéro de commande en double)")


class CJInsufficientBalance(CJError):
    default_user_message = gettext_noop("Solde CJ insuffisant")
    code_messages = {
        1604000: gettext_noop("Solde CJ insuffisant"),
        1604001: gettext_noop("Paiement par solde CJ temporairement restreint : payez depuis My CJ"),
    }


class CJLogisticsError(CJError):
    default_user_message = gettext_noop("Erreur de livraison CJ")
    code_messages = {
        1605000: gettext_noop("Mode de livraison introuvable chez CJ"),
        1605001: gettext_noop("Mode de livraison invalide : recalculez les frais de port"),
        1605002: gettext_noop("Code pays inconnu de CJ"),
        1607004: gettext_noop("Échec du calcul des frais de port chez CJ"),
    }


class CJWebhookConfigError(CJError):
    default_user_message = gettext_noop("Configuration des webhooks CJ refusée")
    code_messages = {
        1606000: gettext_noop("Webhooks déjà configurés chez CJ"),
        1606001: gettext_noop("URL de webhook non conforme (HTTPS, POST JSON, réponse 200 en moins de 3 s)"),
        1607000: gettext_noop("URL de webhook non conforme (HTTPS, POST JSON, réponse 200 en moins de 3 s)"),
        1607001: gettext_noop("L'URL de webhook ne doit pas être localhost ni 127.0.0.1"),
        1607002: gettext_noop("L'URL de webhook doit commencer par https://"),
        1607003: gettext_noop("L'URL de webhook doit répondre HTTP 200"),
        1606010: gettext_noop("Webhooks produits désactivés chez CJ"),
        1606011: gettext_noop("Limite d'abonnements produits CJ atteinte"),
        1606012: gettext_noop("Ce produit ne peut pas être suivi par webhook"),
        1606013: gettext_noop("Échec de l'abonnement aux webhooks produit"),
    }


class CJUnavailable(CJError):
    """Network error, timeout, HTTP 5xx, 1600000 (system busy), 1600301, or an unreadable response."""

    default_retryable = True
    default_user_message = gettext_noop("CJ est momentanément indisponible, réessayez plus tard")
    code_messages = {1600301: gettext_noop("CJ ne répond pas (délai dépassé), réessayez plus tard")}


class CJUnreachable(CJUnavailable):
    """No answer at all from the API address (connection refused, unknown host): the address — often an "Autre
    adresse" typed in Configuration — or the network is at fault, not CJ being down."""

    default_user_message = gettext_noop(
        "L'adresse de l'API %(host)s ne répond pas : vérifiez-la dans Configuration (ou votre connexion "
        "Internet), puis testez à nouveau"
    )

    def __init__(self, message: str = "", *, host: str = "", **kw: object) -> None:
        self.host = host
        super().__init__(message, **kw)

    @property
    def user_message(self) -> str:
        return _translate(self.default_user_message) % {"host": self.host or "?"}


def _table() -> dict[int, type[CJError]]:
    t: dict[int, type[CJError]] = {}
    for c in (1600001, 1600002, 1600003, *range(1600004, 1600009), 1600009, 1600010, 1600011, 1600012):
        t[c] = CJAuthError
    t.update({1600013: CJAuthError, 1600030: CJAuthError, 1600031: CJAuthError, 1601000: CJAuthError})
    t.update({1600200: CJRateLimited})
    t.update({1600201: CJQuotaExhausted, 16900500: CJQuotaExhausted, 429: CJQuotaExhausted})
    t.update({1602001: CJProductNotFound, 1602002: CJProductNotFound})
    t.update({1602000: CJVariantNotFound, 1602003: CJVariantNotFound})
    t.update({1603100: CJOrderNotFound, 1608001: CJNotFound})
    for c in (1600100, 1600101, 1600300, 16900202, 16900203, 16900204, 16900205, 16900403):
        t[c] = CJInvalidRequest
    for c in (1603000, 1603001, 1603002):
        t[c] = CJInvalidRequest
    t[1603003] = CJDuplicateOrder
    t.update({1604000: CJInsufficientBalance, 1604001: CJInsufficientBalance})
    for c in (1605000, 1605001, 1605002, 1607004):
        t[c] = CJLogisticsError
    for c in (1606000, 1606001, 1607000, 1607001, 1607002, 1607003, 1606010, 1606011, 1606012, 1606013):
        t[c] = CJWebhookConfigError
    t.update({1600000: CJUnavailable, 1600301: CJUnavailable})
    return t


#: CJ business code → exception class (see CJ-API.md §10). 1600300 is special-cased in ``error_for``.
CODE_TABLE: dict[int, type[CJError]] = _table()


def normalize_endpoint(endpoint: str | None) -> str:
    ep = (endpoint or "").split("?", 1)[0].strip("/")
    marker = "api2.0/v1/"
    if marker in ep:
        ep = ep.split(marker, 1)[1]
    return ep


def error_for(
    code: int | None,
    message: str | None,
    request_id: str | None,
    http_status: int | None,
    endpoint: str | None,
    *,
    now: datetime | None = None,
) -> CJError:
    """The one mapping from a failed CJ answer to an exception instance.

    Precedence: getAccessToken throttling → quota codes → 1600200 → HTTP 5xx → code table
    (1600300 on order lookups → not found) → HTTP status alone → plain ``CJError``.
    """
    ep = normalize_endpoint(endpoint)
    kw: dict[str, object] = {
        "code": code,
        "request_id": request_id,
        "http_status": http_status,
        "endpoint": ep or None,
    }
    msg = message or ""
    if ep == GET_ACCESS_TOKEN and (code == 1600200 or http_status == 429):
        return CJAuthThrottled(msg, retry_after_s=AUTH_THROTTLE_S, **kw)
    cls = CODE_TABLE.get(code) if code is not None else None
    if cls is CJQuotaExhausted:
        return CJQuotaExhausted(msg, now=now, **kw)
    if cls is CJRateLimited:
        return CJRateLimited(msg, **kw)
    if http_status is not None and http_status >= 500:
        return CJUnavailable(msg or f"HTTP {http_status}", **kw)
    if code == 1600300 and ep in ORDER_LOOKUP_ENDPOINTS:
        return CJOrderNotFound(msg, **kw)
    if cls is not None:
        return cls(msg, **kw)
    if code is None or code in (200, 0):
        if http_status == 429:
            return CJRateLimited(msg or "HTTP 429", **kw)
        if http_status in (401, 403):
            return CJAuthError(msg or f"HTTP {http_status}", **kw)
        if http_status == 404:
            return CJInvalidRequest(msg or "HTTP 404 (unknown endpoint)", **kw)
        if http_status is not None and http_status != 200:
            return CJError(msg or f"HTTP {http_status}", **kw)
    return CJError(msg, **kw)
