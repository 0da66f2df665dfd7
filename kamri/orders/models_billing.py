"""What the checkout charges and documents: VAT rates per country, shipping rules, numbered invoices."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from kamri.catalog.models import MONEY


class VatRate(models.Model):
    """The standard VAT rate of one EU country (OSS: the delivery country's rate applies). Editable."""

    country = models.CharField(_("pays"), max_length=2, primary_key=True)
    rate = models.DecimalField(_("taux (%)"), max_digits=5, decimal_places=2)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("taux de TVA")
        verbose_name_plural = _("taux de TVA")
        ordering = ["country"]

    def __str__(self) -> str:
        return f"{self.country} {self.rate} %"


class ShippingRule(models.Model):
    """One step of a zone's ordered list: the first rule that applies to a cart sets its shipping price."""

    class Kind(models.TextChoices):
        FREE_ABOVE = "free_above", _("Offerte à partir d'un montant")
        QUOTE = "quote", _("Tarif du fournisseur × majoration")
        FLAT = "flat", _("Forfait")
        FREE = "free", _("Offerte")

    #: a country code, "EU" (every EU country) or "*" (everywhere else)
    zone = models.CharField(_("zone"), max_length=3, db_index=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    kind = models.CharField(_("règle"), max_length=12, choices=Kind.choices)
    amount = models.DecimalField(_("montant"), **MONEY, default=Decimal("0"))
    markup_percent = models.DecimalField(
        _("majoration (%)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    threshold = models.DecimalField(_("à partir de"), **MONEY, default=Decimal("0"))

    class Meta:
        verbose_name = _("règle de livraison")
        verbose_name_plural = _("règles de livraison")
        ordering = ["zone", "position", "id"]

    def __str__(self) -> str:
        return f"{self.zone} #{self.position} {self.get_kind_display()}"


class InvoiceSequence(models.Model):
    """The last number given per year and kind: its row is locked while a number is taken (no gaps)."""

    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("séquence de factures")
        verbose_name_plural = _("séquences de factures")
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="invoice_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class Invoice(models.Model):
    """An invoice (issued when the order is paid) or a credit note (a refund): amounts frozen at issue."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Facture")
        CREDIT_NOTE = "credit", _("Avoir")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.INVOICE)
    number = models.CharField(_("numéro"), max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    issued_at = models.DateTimeField(_("émise le"))
    language = models.CharField(_("langue"), max_length=5, default="fr")
    currency = models.CharField(_("devise"), max_length=3)
    total = models.DecimalField(_("total TTC"), **MONEY)
    vat_rate = models.DecimalField(_("taux de TVA"), max_digits=5, decimal_places=2)
    vat_total = models.DecimalField(_("TVA"), **MONEY)
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    reference = models.CharField(_("référence"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["year", "kind", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "kind", "sequence"], name="invoice_number_unique"),
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind="invoice"), name="one_invoice_per_order"
            ),
            models.UniqueConstraint(
                fields=["order", "reference"],
                condition=models.Q(kind="credit") & ~models.Q(reference=""),
                name="one_credit_note_per_refund",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def net_total(self) -> Decimal:
        return self.total - self.vat_total
