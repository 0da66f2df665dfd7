from django.contrib import admin

from kamri.catalog.models import Category, Product, ProductImage, Variant
from kamri.core.admin_fields import HTTPS_URL_FIELDS


class VariantInline(admin.TabularInline):
    model = Variant
    formfield_overrides = HTTPS_URL_FIELDS
    extra = 0


class ImageInline(admin.TabularInline):
    model = ProductImage
    formfield_overrides = HTTPS_URL_FIELDS
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position")
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("title", "status", "source", "category", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title",)
    inlines = [VariantInline, ImageInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("sku", "product", "price", "cost", "stock", "is_active")
    search_fields = ("sku", "product__title")
