"""Money after the checkout: card payments, refunds, holds before the supplier order, Stripe's webhook inbox.

New models rather than new Order columns: an order may have several payment attempts and several refunds.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kamri.catalog.models import MONEY
from kamri.core import crypto


class PaymentSettings(models.Model):
    """The shop's Stripe account (one row) and its hold rules. Secrets encrypted; only 4 characters ever show."""

    secret_key_encrypted = models.TextField(blank=True, editable=False)
    secret_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    publishable_key = models.CharField(_("clé publiable"), max_length=255, blank=True)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    webhook_secret_last4 = models.CharField(max_length=4, blank=True, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_ok = models.BooleanField(default=False)
    check_message = models.CharField(max_length=300, blank=True)

    hold_amount_above = models.DecimalField(_("retenir au-dessus de"), **MONEY, null=True, blank=True)
    hold_first_order_above = models.DecimalField(
        _("retenir une première commande au-dessus de"), **MONEY, null=True, blank=True
    )
    hold_on_elevated_risk = models.BooleanField(_("retenir si Stripe juge le risque élevé"), default=True)
    hold_on_flagged_address = models.BooleanField(
        _("retenir si la vérification d'adresse la signale"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réglages de paiement")
        verbose_name_plural = _("réglages de paiement")

    def __str__(self) -> str:
        return f"Stripe …{self.secret_key_last4}"

    @classmethod
    def load(cls) -> PaymentSettings:
        """The one row; an unsaved default until first saved (a page view writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def secret_key(self) -> str:
        return crypto.decrypt(self.secret_key_encrypted)

    def set_secret_key(self, value: str) -> None:
        value = value.strip()
        self.secret_key_encrypted, self.secret_key_last4 = crypto.encrypt(value), value[-4:]

    @property
    def webhook_secret(self) -> str:
        return crypto.decrypt(self.webhook_secret_encrypted)

    def set_webhook_secret(self, value: str) -> None:
        value = value.strip()
        self.webhook_secret_encrypted, self.webhook_secret_last4 = crypto.encrypt(value), value[-4:]

    @property
    def is_configured(self) -> bool:
        return bool(self.secret_key_encrypted and self.publishable_key and self.webhook_secret_encrypted)


class Payment(models.Model):
    """One attempt at collecting an order's total (a Stripe PaymentIntent, or the demo provider)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente de confirmation")
        SUCCEEDED = "succeeded", _("Payé")
        FAILED = "failed", _("Refusé")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField(_("moyen"), max_length=20)
    reference = models.CharField(_("référence"), max_length=100, unique=True)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.PENDING)
    amount = models.DecimalField(_("montant"), **MONEY)
    currency = models.CharField(_("devise"), max_length=3)
    fee = models.DecimalField(_("frais Stripe"), **MONEY, null=True, blank=True)
    risk_level = models.CharField(_("risque Stripe"), max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    #: the customer's language when paying: the order's e-mails are written in it
    language = models.CharField(max_length=8, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class Refund(models.Model):
    """Money given back: who, when, how much, the provider's reference. `request_key` makes the button idempotent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En cours")
        SUCCEEDED = "succeeded", _("Remboursé")
        FAILED = "failed", _("Échec")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    request_key = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(_("montant"), **MONEY)
    currency = models.CharField(_("devise"), max_length=3)
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    lines = models.JSONField(default=list, blank=True)  # [{"line_id", "quantity"}] for a refund per line
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.PENDING)
    provider_reference = models.CharField(_("référence"), max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    by = models.CharField(_("par"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("remboursement")
        verbose_name_plural = _("remboursements")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount} {self.currency}"


class Hold(models.Model):
    """A reason not to send a paid order to the supplier yet; released in one click. ADDRESS comes from the
    supplier side's pre-flight (the `hold_reasons` signal); releasing it asks again and refuses while flagged."""

    class Reason(models.TextChoices):
        AMOUNT = "amount", _("Montant élevé")
        FIRST_ORDER = "first_order", _("Première commande d'un nouveau client")
        RISK = "risk", _("Risque élevé selon Stripe")
        ADDRESS = "address", _("Adresse signalée")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    detail = models.CharField(_("détail"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("retenue")
        verbose_name_plural = _("retenues")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "reason"], name="one_hold_per_reason")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.reason}"


class StripeEvent(models.Model):
    """Stripe's webhook inbox: the row is written first (dedupe on Stripe's event id), a worker applies it."""

    event_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=80, db_index=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("événement Stripe")
        verbose_name_plural = _("événements Stripe")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
