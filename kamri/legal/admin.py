from django.contrib import admin

from kamri.legal.models import CGVAcceptance, LegalPage


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "updated_at")


@admin.register(CGVAcceptance)
class CGVAcceptanceAdmin(admin.ModelAdmin):
    list_display = ("order", "accepted_at", "cgv_version")
    readonly_fields = ("order", "accepted_at", "cgv_version")  # a record of what the customer accepted
