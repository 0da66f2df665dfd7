from django.contrib import admin

from kamri.catalog.models import Category, Product, ProductImage, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0


class ImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "position")
    search_fields = ("name",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "source", "category", "created_at")
    list_filter = ("status", "source")
    search_fields = ("title",)
    inlines = [VariantInline, ImageInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("sku", "product", "price", "cost", "stock", "is_active")
    search_fields = ("sku", "product__title")
