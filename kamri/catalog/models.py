"""KAMRI's own catalogue. It knows nothing of CJ: the CJ app links to it (like django-oscar's StockRecord)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 12, "decimal_places": 2}


# --- What can be sold: the one rule ----------------------------------------------------------------------
# A product is on sale when it is active and has an active variant (an out-of-stock one still shows, "Épuisé").
# A variant can be bought when it and its product are active and its stock is above 0, up to its stock.
# Python objects and querysets both ask here: `has_stock`, `Variant.is_offered` / `in_stock`,
# `Product.objects.on_sale()`, `Variant.objects.active()` / `stocked()` / `can_supply()`, `active_variant()`.


def has_stock(stock: int) -> bool:
    """A stock figure that can be sold from (a supplier may report 0 or less)."""
    return stock > 0


def active_variant(prefix: str = "") -> models.Q:
    """The filter of an active variant; `prefix` reaches it from another model ("variants__" from a product)."""
    return models.Q(**{f"{prefix}is_active": True})


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(status=Product.Status.ACTIVE)

    def on_sale(self) -> ProductQuerySet:
        """What a customer can see: active products with at least one active variant."""
        return self.active().filter(
            models.Exists(Variant.objects.filter(product=models.OuterRef("pk")).active())
        )


class VariantQuerySet(models.QuerySet):
    def active(self) -> VariantQuerySet:
        return self.filter(active_variant())

    def stocked(self) -> VariantQuerySet:
        """Variants with stock above 0 (active or not)."""
        return self.filter(stock__gt=0)

    def can_supply(self, quantity: int) -> VariantQuerySet:
        """Active variants with at least `quantity` in stock: the guard of the write that takes the stock."""
        return self.active().filter(stock__gte=quantity)


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
    # The shop's texts: `title`/`description` are French (the shop's language), the *_en ones English; an
    # empty English text falls back (kamri.catalog.texts). The description is sanitized HTML.
    title_en = models.CharField(_("titre (anglais)"), max_length=255, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    seo_title = models.CharField(_("titre SEO"), max_length=255, blank=True)
    seo_description = models.CharField(_("description SEO"), max_length=320, blank=True)
    seo_title_en = models.CharField(_("titre SEO (anglais)"), max_length=255, blank=True)
    seo_description_en = models.CharField(_("description SEO (anglais)"), max_length=320, blank=True)
    # The supplier's original texts, kept beside the shop's (read-only in the editor).
    supplier_title = models.CharField(_("titre du fournisseur"), max_length=500, blank=True)
    supplier_description = models.TextField(_("description du fournisseur"), blank=True)
    texts_edited_at = models.DateTimeField(_("textes modifiés le"), null=True, blank=True)
    supplier_text_changed_at = models.DateTimeField(
        _("texte du fournisseur modifié le"), null=True, blank=True
    )
    # Shop names of the supplier's option names and values, per language:
    # {"names": {"Color": {"fr": "Couleur", "en": "Colour"}}, "values": {"Color": {"Black": {"fr": "Noir"}}}}
    option_labels = models.JSONField(_("noms des options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ProductQuerySet.as_manager()

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

    @property
    def supplier_text_notice(self) -> bool:
        """The supplier changed its text after the shop last edited its own ("texte CJ modifié depuis")."""
        changed, edited = self.supplier_text_changed_at, self.texts_edited_at
        return changed is not None and (edited is None or changed > edited)


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
    # A price typed by the shop: no pricing rule (import, cost change, bulk rule) changes it.
    price_fixed = models.BooleanField(_("prix fixé"), default=False)

    objects = VariantQuerySet.as_manager()

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
    def is_offered(self) -> bool:
        """The variant and its product are active (its stock aside)."""
        return self.is_active and self.product.status == Product.Status.ACTIVE

    @property
    def in_stock(self) -> bool:
        return self.is_active and has_stock(self.stock)


def unique_slug(model: type[models.Model], text: str) -> str:
    base = slugify(text)[:200] or "item"
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug
