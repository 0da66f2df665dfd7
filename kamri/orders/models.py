"""Customer orders. They know nothing of CJ: the CJ app links its supplier orders to them."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamri.catalog.models import MONEY, Variant

ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: easy to read over the phone


def new_order_number() -> str:
    return "KM-" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", _("En attente")
        CONFIRMED = "CONFIRMED", _("Confirmée")
        SHIPPED = "SHIPPED", _("Expédiée")
        DELIVERED = "DELIVERED", _("Livrée")
        CANCELLED = "CANCELLED", _("Annulée")

    number = models.CharField(
        _("numéro"), max_length=20, unique=True, default=new_order_number, editable=False
    )
    access_key = models.CharField(max_length=64, unique=True, default=new_access_key, editable=False)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )

    customer_name = models.CharField(_("client"), max_length=120)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)

    country = models.CharField(_("pays"), max_length=2, help_text=_("Code ISO à deux lettres"), db_index=True)
    province = models.CharField(_("région / État"), max_length=80, blank=True)
    city = models.CharField(_("ville"), max_length=80)
    zip_code = models.CharField(_("code postal"), max_length=20, blank=True)
    address1 = models.CharField(_("adresse"), max_length=200)
    address2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    # Asked at the checkout only where the carrier or customs need them (kamri.orders.countries).
    house_number = models.CharField(_("numéro de rue"), max_length=20, blank=True)
    tax_id = models.CharField(_("numéro fiscal du destinataire"), max_length=20, blank=True)

    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    subtotal = models.DecimalField(_("sous-total"), **MONEY, default=0)
    shipping_total = models.DecimalField(_("livraison"), **MONEY, default=0)
    total = models.DecimalField(_("total"), **MONEY, default=0)
    # What the checkout promised and charged (kamri.orders.shipping / vat): kept as they were at the time.
    shipping_quote = models.DecimalField(
        _("coût fournisseur de la livraison estimé"), **MONEY, null=True, blank=True
    )
    shipping_rule = models.CharField(_("règle de livraison"), max_length=120, blank=True)
    shipping_carrier = models.CharField(_("transporteur prévu"), max_length=80, blank=True)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2, default=0)
    vat_total = models.DecimalField(_("TVA incluse"), **MONEY, default=0)
    delivery_min = models.DateField(_("livraison estimée à partir du"), null=True, blank=True)
    delivery_max = models.DateField(_("livraison estimée au plus tard le"), null=True, blank=True)

    paid_at = models.DateTimeField(_("payée le"), null=True, blank=True)
    # Set once when the stock taken at checkout went back on sale (unpaid past the reservation, or cancelled).
    stock_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            # Covers the cash sums (kamri.orders.selectors.paid_orders): read from the index, not the orders.
            models.Index(fields=["paid_at", "status", "total"], name="orders_paid_total_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def street_line(self) -> str:
        """The street as a person reads it: with its house number when that is kept apart (Benelux)."""
        return " ".join(part for part in (self.address1, self.house_number) if part)

    @property
    def net_total(self):
        return self.total - self.vat_total

    @property
    def delivery_window(self):
        return (self.delivery_min, self.delivery_max) if self.delivery_min and self.delivery_max else None

    @property
    def past_delivery_promise(self) -> bool:
        """Not delivered yet and the latest promised day is over (the CJ Commandes page flags it)."""
        return bool(
            self.delivery_max
            and self.status not in (self.Status.DELIVERED, self.Status.CANCELLED)
            and self.delivery_max < timezone.localdate()
        )


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(
        Variant, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_lines"
    )
    title = models.CharField(_("article"), max_length=300)
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    unit_price = models.DecimalField(_("prix unitaire"), **MONEY)
    quantity = models.PositiveIntegerField(_("quantité"))

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """One entry of an order's timeline: store events, supplier calls, status changes."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=40, db_index=True)
    message = models.TextField(_("message"))
    data = models.JSONField(_("données"), default=dict, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("historique")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type}: {self.message}"


from kamri.orders.models_billing import Invoice, InvoiceSequence, ShippingRule, VatRate  # noqa: E402

# Payments, refunds, holds and Stripe's inbox live in their own module (kept apart from Order's columns).
from kamri.orders.payment_models import Hold, Payment, PaymentSettings, Refund, StripeEvent  # noqa: E402

__all__ = [
    "Hold",
    "Invoice",
    "InvoiceSequence",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentSettings",
    "Refund",
    "ShippingRule",
    "StripeEvent",
    "VatRate",
]
