"""A dispute KAMRI opened at CJ for a customer's after-sales request: our id first, CJ's id once known."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CJDispute(models.Model):
    class State(models.TextChoices):
        SENDING = (
            "sending",
            _("Envoi en cours"),
        )  # created here, CJ's answer not known yet: a retry looks first
        OPEN = "open", _("En cours chez CJ")
        REFUNDED = "refunded", _("Remboursé par CJ")
        RESENT = "resent", _("Renvoi accordé par CJ")
        REFUSED = "refused", _("Refusé par CJ")
        CANCELLED = "cancelled", _("Annulé")
        FAILED = "failed", _("Refusé à l'ouverture")

    ACTIVE = (State.SENDING, State.OPEN)

    class Expect(models.IntegerChoices):
        REFUND = 1, _("Remboursement")
        RESEND = 2, _("Renvoi")

    cj_order = models.ForeignKey("cj.CJOrder", on_delete=models.CASCADE, related_name="disputes")
    request = models.ForeignKey(
        "aftersales.CustomerRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cj_disputes",
    )
    business_dispute_id = models.CharField(_("référence KAMRI"), max_length=100, unique=True)
    dispute_id = models.CharField(_("litige CJ"), max_length=64, blank=True, db_index=True)
    state = models.CharField(
        _("état"), max_length=10, choices=State.choices, default=State.SENDING, db_index=True
    )
    expect_type = models.PositiveSmallIntegerField(_("demande"), choices=Expect.choices)
    reason_id = models.PositiveIntegerField()
    reason_name = models.CharField(_("motif CJ"), max_length=200, blank=True)
    message = models.CharField(_("message à CJ"), max_length=500)
    lines = models.JSONField(default=list)  # [{"lineItemId", "quantity", "price"}] USD
    image_urls = models.JSONField(default=list, blank=True)
    requested_usd = models.DecimalField(_("montant demandé (USD)"), max_digits=12, decimal_places=2)
    max_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    credit_usd = models.DecimalField(
        _("crédit CJ (USD)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    resend_order_code = models.CharField(_("commande de renvoi CJ"), max_length=64, blank=True)
    cj_status = models.CharField(_("statut CJ"), max_length=20, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("décidé le"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("litige CJ")
        verbose_name_plural = _("litiges CJ")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One dispute under way per request: a retry or a second click finds it instead of opening another.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(state__in=["sending", "open"]),
                name="one_active_cj_dispute_per_request",
            )
        ]

    def __str__(self) -> str:
        return self.dispute_id or self.business_dispute_id

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE
