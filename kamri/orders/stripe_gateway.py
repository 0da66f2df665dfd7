"""Every call KAMRI makes to Stripe, through the official `stripe` package (localstripe in the demo and tests).

The flow is the one localstripe supports and real Stripe accepts: Stripe.js turns the card into a token in the
browser, the server attaches it to a customer (a declined card fails here) and confirms a PaymentIntent; a
3-D Secure card comes back `requires_action` and Stripe.js finishes it in the browser. The payment counts only
once Stripe's signed webhook says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

from kamri.orders.payment_models import PaymentSettings

log = logging.getLogger(__name__)

ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "JPY",
    "KMF",
    "KRW",
    "MGA",
    "PYG",
    "RWF",
    "UGX",
    "VND",
    "VUV",
    "XAF",
}
ELEVATED_RISK = {"elevated", "highest"}


class StripeFailure(Exception):
    """A Stripe call that did not go through; `user_message` is a French sentence with a next step."""

    def __init__(self, user_message: str, *, declined: bool = False):
        super().__init__(user_message)
        self.user_message = user_message
        self.declined = declined


def to_minor(amount: Decimal, currency: str) -> int:
    return int(amount if currency.upper() in ZERO_DECIMAL else (amount * 100).quantize(Decimal("1")))


def from_minor(value: int, currency: str) -> Decimal:
    return (
        Decimal(value)
        if currency.upper() in ZERO_DECIMAL
        else (Decimal(value) / 100).quantize(Decimal("0.01"))
    )


def js_url() -> str:
    """Stripe.js, the shop's one external script (payment page only); localstripe serves its own fake one."""
    base = settings.KAMRI_STRIPE_API_BASE
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


def client(secret_key: str | None = None) -> stripe.StripeClient:
    """A client for the configured account; `KAMRI_STRIPE_API_BASE` points it at localstripe in the demo."""
    key = secret_key if secret_key is not None else PaymentSettings.load().secret_key
    if not key:
        raise StripeFailure(
            _("Le paiement par carte n'est pas configuré : renseignez les clés Stripe (Paiements).")
        )
    bases = {"api": settings.KAMRI_STRIPE_API_BASE} if settings.KAMRI_STRIPE_API_BASE else None
    return stripe.StripeClient(
        key,
        base_addresses=bases,
        max_network_retries=settings.KAMRI_STRIPE_RETRIES,
        http_client=stripe.HTTPXClient(
            timeout=settings.KAMRI_STRIPE_TIMEOUT_SECONDS, allow_sync_methods=True
        ),
    )


def _failure(error: stripe.StripeError) -> StripeFailure:
    """Stripe's error as a French sentence; the raw error goes to the log (it never holds a key)."""
    if isinstance(error, stripe.CardError):
        return StripeFailure(
            _("Votre carte a été refusée. Vérifiez ses informations ou essayez une autre carte."),
            declined=True,
        )
    if isinstance(error, stripe.APIConnectionError):
        log.warning("Stripe unreachable: %s", type(error).__name__)
        return StripeFailure(
            _(
                "Le service de paiement est injoignable pour le moment : rien n'a été débité, réessayez dans un instant."
            )
        )
    if isinstance(error, stripe.AuthenticationError):
        return StripeFailure(_("Stripe refuse la clé secrète : vérifiez-la sur la page Paiements."))
    log.warning("Stripe error %s: %s", type(error).__name__, getattr(error, "code", ""))
    return StripeFailure(
        _("Le service de paiement a refusé la demande : réessayez, ou contactez la boutique.")
    )


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    client_secret: str
    card_last4: str = ""


def pay(
    *, token: str, amount: Decimal, currency: str, order_number: str, email: str, attempt_key: str
) -> Intent:
    """Attach the card (declines surface here) and confirm a PaymentIntent for the order's total."""
    api = client()
    try:
        customer = api.v1.customers.create(
            params={"email": email, "source": token, "metadata": {"order": order_number}},
            options={"idempotency_key": f"{attempt_key}-customer"},
        )
        intent = api.v1.payment_intents.create(
            params={
                "amount": to_minor(amount, currency),
                "currency": currency.lower(),
                "customer": customer.id,
                "payment_method": customer.default_source,
                "payment_method_types": ["card"],
                "confirm": True,
                "metadata": {"order": order_number},
            },
            options={"idempotency_key": f"{attempt_key}-intent"},
        )
    except stripe.StripeError as error:
        raise _failure(error) from None
    return Intent(intent.id, intent.status, intent.client_secret or "")


def refund(*, intent_id: str, amount: Decimal, currency: str, request_key: str, order_number: str) -> str:
    """Refund part or all of a PaymentIntent; the same `request_key` never refunds twice (Stripe idempotency)."""
    try:
        created = client().v1.refunds.create(
            params={
                "payment_intent": intent_id,
                "amount": to_minor(amount, currency),
                "metadata": {"order": order_number},
            },
            options={"idempotency_key": f"refund-{request_key}"},
        )
    except stripe.StripeError as error:
        raise _failure(error) from None
    return created.id


def intent_status(intent_id: str) -> str:
    """Stripe's status of an intent, "" when Stripe cannot be asked right now."""
    try:
        return str(client().v1.payment_intents.retrieve(intent_id).status)
    except (stripe.StripeError, StripeFailure):
        return ""


@dataclass(frozen=True)
class ChargeFacts:
    fee: Decimal | None
    risk_level: str
    card_last4: str


def charge_facts(intent_id: str, currency: str) -> ChargeFacts:
    """Stripe's fee (balance transaction) and risk level of a paid intent, when Stripe gives them."""
    api = client()
    try:
        intent = api.v1.payment_intents.retrieve(intent_id)
        charge_id = intent.latest_charge if isinstance(intent.latest_charge, str) else intent.latest_charge.id
        charge = api.v1.charges.retrieve(charge_id).to_dict()
        fee = None
        if charge.get("balance_transaction"):
            txn = api.v1.balance_transactions.retrieve(str(charge["balance_transaction"]))
            fee = from_minor(int(txn.fee), currency)
    except (stripe.StripeError, AttributeError, KeyError, TypeError, ValueError):
        log.warning("Stripe charge facts of %s unavailable", intent_id)
        return ChargeFacts(None, "", "")
    outcome = charge.get("outcome") or {}
    details = charge.get("payment_method_details") or {}
    return ChargeFacts(
        fee, str(outcome.get("risk_level") or ""), str((details.get("card") or {}).get("last4") or "")
    )


def check_keys(secret_key: str, publishable_key: str, webhook_secret: str) -> tuple[bool, str]:
    """ "Tester": the shapes of the three keys, then one read-only call with the secret key."""
    if not secret_key.startswith(("sk_", "rk_")):
        return False, _("La clé secrète doit commencer par « sk_ » (ou « rk_ » pour une clé restreinte).")
    if not publishable_key.startswith("pk_"):
        return False, _("La clé publiable doit commencer par « pk_ ».")
    if not webhook_secret.startswith("whsec_"):
        return False, _(
            "Le secret du webhook doit commencer par « whsec_ » (tableau de bord Stripe › Webhooks)."
        )
    if ("_live_" in secret_key) != ("_live_" in publishable_key):
        return False, _("Les deux clés ne sont pas du même mode (test et production mélangés).")
    try:
        client(secret_key).v1.payment_intents.list(params={"limit": 1})
    except stripe.StripeError as error:
        return False, _failure(error).user_message
    return True, _("Stripe répond et accepte la clé secrète.")
