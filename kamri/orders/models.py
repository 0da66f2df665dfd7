"""Customer orders. They know nothing of CJ: the CJ app links its supplier orders to them."""

from __future__ import annotations

import re
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
            # The period's paid orders in payment order (Rapport de marge pages, the dashboard's cash).
            models.Index(fields=["paid_at", "id"], name="order_paid_at_id"),
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


class OrderEventType(models.TextChoices):
    """The type of an order's timeline entry, with the label the timeline shows (`event_label`).

    E-mails are recorded as their kind plus what makes each one unique ("email_refund_12", "email_delivered_CJPKL1",
    "email_confirmation_r1a2b"), so the field itself takes any string: the label is found from the kind."""

    CREATED = "created", _("Commande créée")
    PAYMENT = "payment", _("Paiement")
    STATUS = "status", _("Statut")
    CJ = "cj", _("CJ")
    CJ_STATUS = "cj_status", _("Statut CJ")
    CJ_PAYMENT = "cj_payment", _("Paiement CJ")
    TRACKING = "tracking", _("Suivi")
    PARCEL = "parcel", _("Colis")
    ADDRESS = "address", _("Adresse")
    DEMO = "demo", _("Démonstration")
    NOTE = "note", _("Note")
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")
    PAYMENT_FAILED = "payment_failed", _("Paiement refusé")
    PAYMENT_MISMATCH = "payment_mismatch", _("Paiement à vérifier")
    REFUND = "refund", _("Remboursement")
    REFUND_FAILED = "refund_failed", _("Remboursement refusé")
    HOLD = "hold", _("Retenue")
    HOLD_RELEASED = "hold_released", _("Retenue levée")
    # After-sales (kamri.aftersales) and CJ disputes.
    AFTERSALES_REQUEST = "aftersales_request", _("Demande après-vente")
    AFTERSALES_STATUS = "aftersales_status", _("Après-vente")
    CJ_DISPUTE = "cj_dispute", _("Litige CJ")
    # E-mails: the kind (what follows it in the stored type makes each e-mail unique).
    EMAIL_SHIPPING = "email_shipping", _("E-mail d'expédition")
    EMAIL_CONFIRMATION = "email_confirmation", _("E-mail de confirmation")
    EMAIL_REFUND = "email_refund", _("E-mail de remboursement")
    EMAIL_CANCELLATION = "email_cancellation", _("E-mail d'annulation")
    EMAIL_AFTERSALES = "email_aftersales", _("E-mail après-vente")
    EMAIL_SAV_REPLY = "email_sav_reply", _("Réponse au client")
    EMAIL_OUT_FOR_DELIVERY = "email_out_for_delivery", _("E-mail « en cours de livraison »")
    EMAIL_DELIVERED = "email_delivered", _("E-mail « livré »")
    EMAIL_NO_NEWS = "email_no_news", _("E-mail « pas de nouvelles »")

    @classmethod
    def label_of(cls, value: str) -> str:
        """A stored type in the admin's words: its kind's label for an e-mail, the type itself when unknown."""
        # "email_refund_12", "email_confirmation_r1a2b": one e-mail of a kind (per refund, or sent again)
        kind = re.sub(r"_(\d+|r[0-9a-f]+)$", "", value) if value.startswith("email_") else value
        # one e-mail per parcel or per reply: "email_delivered_CJPKL123", "email_sav_reply_a1b2"
        kind = next((k for k in _PER_ITEM_EMAILS if value.startswith(f"{k}_")), kind)
        labels = dict(cls.choices)
        return str(labels.get(value, labels.get(kind, value)))


_PER_ITEM_EMAILS = (
    OrderEventType.EMAIL_OUT_FOR_DELIVERY,
    OrderEventType.EMAIL_DELIVERED,
    OrderEventType.EMAIL_NO_NEWS,
    OrderEventType.EMAIL_SAV_REPLY,
)


class OrderEvent(models.Model):
    """One entry of an order's timeline: store events, supplier calls, status changes."""

    Type = OrderEventType

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

    @property
    def label(self) -> str:
        """The type in the admin's words, on the timelines."""
        return OrderEventType.label_of(self.type)


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
