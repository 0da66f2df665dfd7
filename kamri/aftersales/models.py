"""A customer's after-sales request ("Signaler un problème") on one order, and its photos."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from kamri.orders.models import Order


def new_photo_token() -> str:
    return secrets.token_urlsafe(32)


class CustomerRequest(models.Model):
    class Kind(models.TextChoices):
        NOT_RECEIVED = "not_received", _("Colis non reçu")
        DAMAGED = "damaged", _("Article endommagé")
        WRONG_ITEM = "wrong_item", _("Mauvais article")
        MISSING_ITEM = "missing_item", _("Article manquant")
        RETURN = "return", _("Retour souhaité")

    class Status(models.TextChoices):
        NEW = "new", _("Nouvelle")
        DISPUTED = "disputed", _("En litige chez CJ")
        REFUNDED = "refunded", _("Remboursée")
        RESENT = "resent", _("Renvoyée")
        REFUSED = "refused", _("Refusée")
        CLOSED = "closed", _("Clôturée")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="aftersales_requests")
    kind = models.CharField(_("motif"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    message = models.TextField(_("message du client"), max_length=2000)
    lines = models.JSONField(_("articles"), default=list, blank=True)  # [{"line_id", "quantity"}]
    request_key = models.CharField(max_length=64)  # the form's key: a double submit adds nothing
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("demande après-vente")
        verbose_name_plural = _("demandes après-vente")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "request_key"], name="one_request_per_form_and_order")
        ]

    def __str__(self) -> str:
        return f"{self.order.number} — {self.get_kind_display()}"

    @property
    def reference(self) -> str:
        return f"SAV-{self.pk:05d}"


class RequestPhoto(models.Model):
    """A photo stored outside the web root (KAMRI_AFTERSALES_DIR), named by an unguessable token."""

    request = models.ForeignKey(CustomerRequest, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=64, unique=True, default=new_photo_token, editable=False)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo de demande")
        verbose_name_plural = _("photos de demande")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or self.token[:8]
