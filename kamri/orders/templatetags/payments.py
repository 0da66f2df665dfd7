"""`{{ payment.provider|provider_label }}`: "Carte bancaire — Stripe", not the provider's code."""

from __future__ import annotations

from django import template

from kamri.orders.payments import provider_label as label_of

register = template.Library()


@register.filter
def provider_label(name: str) -> str:
    return label_of(name or "")
