"""KAMRI's own catalogue. It knows nothing of CJ: the CJ app links to it (like django-oscar's StockRecord)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


class Category(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return " › ".join(category.name for category in self.ancestors_and_self())

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Category, self.name)
        super().save(*args, **kwargs)

    def ancestors_and_self(self) -> list[Category]:
        chain, node, seen = [], self, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Product(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Actif")
        INACTIVE = "inactive", _("Inactif")
        DRAFT = "draft", _("Brouillon")

    class Source(models.TextChoices):
        OWN = "own", _("KAMRI")
        CJ = "cj", _("CJ Dropshipping")

    title = models.CharField(_("titre"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=280, unique=True)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.OWN, db_index=True
    )
    image_url = models.URLField(_("image principale"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("produit")
        verbose_name_plural = _("produits")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Product, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("catalog:product_detail", args=[self.pk])


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    url = models.URLField(_("image"), max_length=500)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("galerie")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.url


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=100, unique=True)
    options = models.JSONField(
        _("options"), default=dict, blank=True, help_text=_('Par exemple {"Couleur": "Noir"}')
    )
    price = models.DecimalField(_("prix"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    compare_at_price = models.DecimalField(_("prix barré"), **MONEY, null=True, blank=True)
    cost = models.DecimalField(_("coût"), **MONEY, null=True, blank=True)
    cost_currency = models.CharField(_("devise du coût"), max_length=3, default="USD")
    stock = models.IntegerField(_("stock"), default=0)
    weight_g = models.PositiveIntegerField(_("poids (g)"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    image_url = models.URLField(_("image"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("variante")
        verbose_name_plural = _("variantes")
        ordering = ["product_id", "id"]

    def __str__(self) -> str:
        return f"{self.product.title} — {self.options_label or self.sku}"

    @property
    def options_label(self) -> str:
        return " / ".join(str(value) for value in (self.options or {}).values())

    @property
    def in_stock(self) -> bool:
        return self.is_active and self.stock > 0


def unique_slug(model: type[models.Model], text: str) -> str:
    base = slugify(text)[:200] or "item"
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
