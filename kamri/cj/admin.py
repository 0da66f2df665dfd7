"""Raw data (Données brutes) for the CJ integration. Secrets are never shown: encrypted fields are excluded."""

from django.contrib import admin

from kamri.cj import models
from kamri.core.admin_fields import HTTPS_URL_FIELDS


@admin.register(models.CJAccount)
class CJAccountAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = ("__str__", "tier", "base_url", "last_check_ok", "last_check_at", "last_sync_at")
    exclude = ("api_key_encrypted", "open_id_encrypted")
    readonly_fields = (
        "api_key_last4",
        "fingerprint",
        "account_name",
        "account_email",
        "qps_limit",
        "is_sandbox",
        "last_check_at",
        "last_check_ok",
        "last_check_error",
        "last_sync_at",
    )

    def has_add_permission(self, request):  # the Configuration page creates it, after CJ accepted the key
        return False


@admin.register(models.CJSettings)
class CJSettingsAdmin(admin.ModelAdmin):
    exclude = ("webhook_secret",)

    def has_add_permission(self, request):
        return False


@admin.register(models.CJOrder)
class CJOrderAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS
    list_display = (
        "order_number",
        "cj_order_id",
        "state",
        "cj_status",
        "logistic_name",
        "track_number",
        "created_at",
    )
    list_filter = ("state", "cj_status")
    search_fields = ("order_number", "cj_order_id", "track_number")
    raw_id_fields = ("order", "split_from")


@admin.register(models.WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "type", "message_type", "status", "attempts", "message_id")
    list_filter = ("status", "type")
    search_fields = ("message_id",)
    raw_id_fields = ("duplicate_of",)


@admin.register(models.CJApiCall)
class CJApiCallAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "method",
        "endpoint",
        "http_status",
        "cj_code",
        "duration_ms",
        "attempt",
        "ok",
    )
    list_filter = ("ok", "endpoint")


@admin.register(models.CJProductLink)
class CJProductLinkAdmin(admin.ModelAdmin):
    list_display = ("pid", "product", "cj_sku", "margin_percent", "webhook_subscribed", "last_synced_at")
    search_fields = ("pid", "cj_sku", "product__title")
    raw_id_fields = ("product",)


@admin.register(models.CJVariantLink)
class CJVariantLinkAdmin(admin.ModelAdmin):
    list_display = ("vid", "variant", "cj_sku", "cost_usd", "last_synced_at")
    search_fields = ("vid", "cj_sku")
    raw_id_fields = ("variant", "product_link")


for model in (models.SyncRun, models.PriceChange, models.Problem, models.NewCJVariant):
    admin.site.register(model)
