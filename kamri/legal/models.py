"""The shop's legal pages (CGV, mentions légales, retours et rétractation, confidentialité) and the customer's
acceptance of the CGV, kept beside the order (a small related model: the Order model is not touched)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalPage(models.Model):
    class Kind(models.TextChoices):
        CGV = "cgv", _("Conditions générales de vente")
        NOTICE = "mentions-legales", _("Mentions légales")
        RETURNS = "retours", _("Retours et droit de rétractation")
        PRIVACY = "confidentialite", _("Confidentialité et cookies")

    kind = models.SlugField(_("page"), max_length=40, choices=Kind.choices, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("texte"), help_text=_("Texte simple : une ligne vide sépare deux paragraphes (aucune balise HTML).")
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.title


class CGVAcceptance(models.Model):
    """The customer ticked "J'accepte les CGV" for this order: when, and which version of the CGV."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="cgv_acceptance")
    accepted_at = models.DateTimeField(_("acceptées le"), default=timezone.now)
    cgv_version = models.DateTimeField(_("version des CGV (modifiées le)"))

    class Meta:
        verbose_name = _("acceptation des CGV")
        verbose_name_plural = _("acceptations des CGV")

    def __str__(self) -> str:
        return f"{self.order_id} {self.accepted_at:%Y-%m-%d %H:%M}"
