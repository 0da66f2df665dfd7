"""Payment providers, pluggable: a small interface and a registry, chosen by `KAMRI_PAYMENT_PROVIDER`.

A provider is asked to `start` the payment of a PENDING order. It either confirms at once (the demo
provider), or returns a URL to send the customer to (a card provider's hosted page) and later confirms
through its own callback. Every confirmation goes through `kamri.orders.services.mark_paid`, the one
place that sets `paid_at`, moves the order to CONFIRMED and sends `order_paid` after commit.

Adding a provider::

    @register
    class MyPsp(PaymentProvider):
        name = "mypsp"
        label = _("Carte bancaire")
        def start(self, order, *, return_url, data=None): ...
        def refund(self, payment, *, amount, request_key): ...

and set `KAMRI_PAYMENT_PROVIDER = "mypsp"`.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.orders import stripe_gateway
from kamri.orders.models import Order, OrderEvent, Payment, PaymentSettings
from kamri.orders.services import mark_paid, record_event

DEFAULT_PROVIDER = "demo"


@dataclass(frozen=True)
class PaymentResult:
    """`paid`: confirmed now; `redirect`: send the customer to `redirect_url`; `failed`: show `message`;
    `action`: the browser must finish (3-D Secure) with `client_secret`, then go to `redirect_url`."""

    status: str
    reference: str = ""
    redirect_url: str = ""
    message: str = ""
    client_secret: str = ""

    PAID: ClassVar[str] = "paid"
    REDIRECT: ClassVar[str] = "redirect"
    FAILED: ClassVar[str] = "failed"
    ACTION: ClassVar[str] = "action"

    @property
    def is_paid(self) -> bool:
        return self.status == self.PAID


class PaymentProvider(ABC):
    """A way to pay: subclasses say how an order's payment starts (and may confirm it at once)."""

    name: ClassVar[str] = ""
    label: ClassVar[str | Promise] = ""
    #: shown on the payment page under the pay button
    notice: ClassVar[str | Promise] = ""
    #: the payment page shows a card form (Stripe.js) and posts its token
    card_form: ClassVar[bool] = False

    @abstractmethod
    def start(self, order: Order, *, return_url: str, data: Mapping[str, str] | None = None) -> PaymentResult:
        """Begin paying `order`; return paid, a redirect to the provider, or failed."""

    def refund(self, payment: Payment, *, amount: Decimal, request_key: str) -> str:
        """Give `amount` of `payment` back; return the provider's reference. Same `request_key`, same refund.

        A provider that cannot refund from KAMRI says so (the refund is recorded as failed, nothing is lost)."""
        raise stripe_gateway.StripeFailure(
            _(
                "Ce moyen de paiement ne rembourse pas depuis KAMRI : remboursez depuis son propre tableau de bord."
            )
        )


_REGISTRY: dict[str, type[PaymentProvider]] = {}


def register(provider: type[PaymentProvider]) -> type[PaymentProvider]:
    """Class decorator: make a provider selectable by its `name`."""
    if not provider.name:
        raise ValueError("a payment provider needs a name")
    _REGISTRY[provider.name] = provider
    return provider


def available_providers() -> list[str]:
    return sorted(_REGISTRY)


def provider_label(name: str) -> str:
    """A provider as the admin reads it ("Carte bancaire — Stripe"), not its code; an unknown code (a payment
    recorded by a provider since removed, "manuel") as it was stored."""
    provider = _REGISTRY.get(name)
    return f"{provider.label} — {name.capitalize()}" if provider is not None else name


def get_provider(name: str | None = None) -> PaymentProvider:
    """The configured provider (`KAMRI_PAYMENT_PROVIDER`, default "demo"), or the one named."""
    name = name or getattr(settings, "KAMRI_PAYMENT_PROVIDER", DEFAULT_PROVIDER) or DEFAULT_PROVIDER
    try:
        return _REGISTRY[name]()
    except KeyError:
        raise ImproperlyConfigured(
            f"KAMRI_PAYMENT_PROVIDER={name!r} is not a registered payment provider "
            f"(known: {', '.join(available_providers())})"
        ) from None


def start_payment(
    order: Order, *, return_url: str = "", provider: str | None = None, data: Mapping[str, str] | None = None
) -> PaymentResult:
    """Ask the provider to collect an order's payment. Paid or cancelled orders are not charged again."""
    order.refresh_from_db(fields=["paid_at", "status"])
    if order.is_paid:
        return PaymentResult(PaymentResult.PAID, message=_("Cette commande est déjà payée."))
    if order.status == Order.Status.CANCELLED:
        return PaymentResult(
            PaymentResult.FAILED, message=_("Cette commande a été annulée : elle ne peut pas être payée.")
        )
    chosen = get_provider(provider)
    if chosen.card_form:  # only a card-form provider gets the form's data (its token); others keep `start(order, *, return_url)`
        return chosen.start(order, return_url=return_url, data=data)
    return chosen.start(order, return_url=return_url)


def card_form_context(provider: PaymentProvider) -> dict[str, str]:
    """What the payment page's card form needs: the publishable key (public by design) and Stripe.js."""
    if not provider.card_form:
        return {}
    return {
        "publishable_key": PaymentSettings.load().publishable_key,
        "stripe_js_url": stripe_gateway.js_url(),
    }


AWAITING, ABANDONED, NOTHING = "awaiting", "abandoned", "nothing"


def awaiting_confirmation(order: Order) -> str:
    """Is a card payment of this unpaid order on its way (the webhook will confirm it), abandoned, or absent?

    Only a read: confirming is the webhook's job. An intent Stripe no longer expects to succeed (declined at
    3-D Secure, cancelled) is recorded as failed so the customer can pay again.
    """
    payment = order.payments.filter(status=Payment.Status.PENDING, provider=StripeProvider.name).first()
    if payment is None:
        return NOTHING
    status = stripe_gateway.intent_status(payment.reference)
    if status in ("requires_payment_method", "requires_action", "requires_confirmation", "canceled"):
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED
        )
        return ABANDONED
    return AWAITING


@register
class DemoProvider(PaymentProvider):
    """Confirms at once, no card: for the demo, development and tests."""

    name = "demo"
    label = gettext_lazy("Paiement de démonstration")
    notice = gettext_lazy("Mode démonstration : aucune carte n'est demandée et aucun montant n'est débité.")

    def start(self, order: Order, *, return_url: str, data: Mapping[str, str] | None = None) -> PaymentResult:
        if not settings.KAMRI_ALLOW_DEMO_PAYMENTS:  # production settings: a free order would spend real stock
            return PaymentResult(
                PaymentResult.FAILED,
                message=_(
                    "Le paiement de démonstration est désactivé sur cette boutique : "
                    "aucun paiement n'a été pris. Contactez la boutique."
                ),
            )
        reference = f"DEMO-{order.number}-{secrets.token_hex(4).upper()}"
        Payment.objects.create(
            order=order,
            provider=self.name,
            reference=reference,
            status=Payment.Status.SUCCEEDED,
            amount=order.total,
            currency=order.currency,
            fee=Decimal("0.00"),
            language=translation.get_language() or "",
        )
        if mark_paid(order, provider=self.name, label=str(self.label), reference=reference):
            return PaymentResult(PaymentResult.PAID, reference=reference)
        order.refresh_from_db(fields=["paid_at", "status"])
        if order.is_paid:
            return PaymentResult(PaymentResult.PAID, message=_("Cette commande est déjà payée."))
        return PaymentResult(PaymentResult.FAILED, message=_("Le paiement n'a pas pu être confirmé."))

    def refund(self, payment: Payment, *, amount: Decimal, request_key: str) -> str:
        """No money moved, none to give back: the refund is recorded under a demo reference."""
        return f"DEMO-RE-{request_key[:12].upper()}"


@register
class StripeProvider(PaymentProvider):
    """Card payment with Stripe (localstripe in the demo and tests). Paid only when Stripe's webhook says so."""

    name = "stripe"
    label = gettext_lazy("Carte bancaire")
    notice = gettext_lazy(
        "Paiement traité par Stripe : vos données de carte ne passent jamais par la boutique."
    )
    card_form = True

    def start(self, order: Order, *, return_url: str, data: Mapping[str, str] | None = None) -> PaymentResult:
        token = str((data or {}).get("token", ""))
        if not token.startswith("tok_") or len(token) > 100:
            return PaymentResult(
                PaymentResult.FAILED, message=_("Saisissez les informations de votre carte.")
            )
        try:
            intent = stripe_gateway.pay(
                token=token,
                amount=order.total,
                currency=order.currency,
                order_number=order.number,
                email=order.email,
                attempt_key=f"{order.number}-{token}",
            )
        except stripe_gateway.StripeFailure as failure:
            record_event(order, OrderEvent.Type.PAYMENT_FAILED, failure.user_message, provider=self.name)
            return PaymentResult(PaymentResult.FAILED, message=failure.user_message)
        Payment.objects.update_or_create(
            reference=intent.id,
            defaults={
                "order": order,
                "provider": self.name,
                "amount": order.total,
                "currency": order.currency,
                "language": translation.get_language() or "",
            },
        )
        if intent.status == "requires_action":
            return PaymentResult(
                PaymentResult.ACTION,
                reference=intent.id,
                client_secret=intent.client_secret,
                redirect_url=return_url,
            )
        if intent.status in ("succeeded", "processing"):
            return PaymentResult(PaymentResult.REDIRECT, reference=intent.id, redirect_url=return_url)
        return PaymentResult(
            PaymentResult.FAILED,
            message=_("Le paiement n'a pas abouti. Vérifiez votre carte ou essayez-en une autre."),
        )

    def refund(self, payment: Payment, *, amount: Decimal, request_key: str) -> str:
        return stripe_gateway.refund(
            intent_id=payment.reference,
            amount=amount,
            currency=payment.currency,
            request_key=request_key,
            order_number=payment.order.number,
        )
