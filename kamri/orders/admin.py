from django.contrib import admin

from kamri.orders.models import Order, OrderEvent, OrderLine


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0


class EventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    readonly_fields = ("type", "message", "data", "created_at")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "customer_name",
        "country",
        "status",
        "total",
        "currency",
        "paid_at",
        "created_at",
    )
    list_filter = ("status", "country")
    search_fields = ("number", "customer_name", "email")
    inlines = [LineInline, EventInline]
