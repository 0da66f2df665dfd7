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
        def start(self, order, *, return_url): ...

and set `KAMRI_PAYMENT_PROVIDER = "mypsp"`.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.orders.models import Order
from kamri.orders.services import mark_paid

DEFAULT_PROVIDER = "demo"


@dataclass(frozen=True)
class PaymentResult:
    """`paid`: confirmed now; `redirect`: send the customer to `redirect_url`; `failed`: show `message`."""

    status: str
    reference: str = ""
    redirect_url: str = ""
    message: str = ""

    PAID: ClassVar[str] = "paid"
    REDIRECT: ClassVar[str] = "redirect"
    FAILED: ClassVar[str] = "failed"

    @property
    def is_paid(self) -> bool:
        return self.status == self.PAID


class PaymentProvider(ABC):
    """A way to pay: subclasses say how an order's payment starts (and may confirm it at once)."""

    name: ClassVar[str] = ""
    label: ClassVar[str | Promise] = ""
    #: shown on the payment page under the pay button
    notice: ClassVar[str | Promise] = ""

    @abstractmethod
    def start(self, order: Order, *, return_url: str) -> PaymentResult:
        """Begin paying `order`; return paid, a redirect to the provider, or failed."""


_REGISTRY: dict[str, type[PaymentProvider]] = {}


def register(provider: type[PaymentProvider]) -> type[PaymentProvider]:
    """Class decorator: make a provider selectable by its `name`."""
    if not provider.name:
        raise ValueError("a payment provider needs a name")
    _REGISTRY[provider.name] = provider
    return provider


def available_providers() -> list[str]:
    return sorted(_REGISTRY)


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


def start_payment(order: Order, *, return_url: str = "", provider: str | None = None) -> PaymentResult:
    """Ask the provider to collect an order's payment. Paid or cancelled orders are not charged again."""
    order.refresh_from_db(fields=["paid_at", "status"])
    if order.is_paid:
        return PaymentResult(PaymentResult.PAID, message=_("Cette commande est déjà payée."))
    if order.status == Order.Status.CANCELLED:
        return PaymentResult(
            PaymentResult.FAILED, message=_("Cette commande a été annulée : elle ne peut pas être payée.")
        )
    return get_provider(provider).start(order, return_url=return_url)


@register
class DemoProvider(PaymentProvider):
    """Confirms at once, no card: for the demo, development and tests."""

    name = "demo"
    label = gettext_lazy("Paiement de démonstration")
    notice = gettext_lazy("Mode démonstration : aucune carte n'est demandée et aucun montant n'est débité.")

    def start(self, order: Order, *, return_url: str) -> PaymentResult:
        if not settings.KAMRI_ALLOW_DEMO_PAYMENTS:  # production settings: a free order would spend real stock
            return PaymentResult(
                PaymentResult.FAILED,
                message=_(
                    "Le paiement de démonstration est désactivé sur cette boutique : "
                    "aucun paiement n'a été pris. Contactez la boutique."
                ),
            )
        reference = f"DEMO-{order.number}-{secrets.token_hex(4).upper()}"
        if mark_paid(order, provider=self.name, label=str(self.label), reference=reference):
            return PaymentResult(PaymentResult.PAID, reference=reference)
        order.refresh_from_db(fields=["paid_at", "status"])
        if order.is_paid:
            return PaymentResult(PaymentResult.PAID, message=_("Cette commande est déjà payée."))
        return PaymentResult(PaymentResult.FAILED, message=_("Le paiement n'a pas pu être confirmé."))
