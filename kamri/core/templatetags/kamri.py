"""Small template helpers for the admin: icons, money, status badges."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from kamri.core.money import cents
from kamri.core.money import convert as converted
from kamri.core.roles import may

register = template.Library()

_ICONS = {
    "home": "M3 11l9-8 9 8v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
    "box": "M21 8l-9-5-9 5 9 5 9-5zM3 8v8l9 5 9-5V8M12 13v8",
    "undo": "M9 14L4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3",
    "cart": "M3 4h2l2.4 11h10.2L20 7H6.2M9 20a1 1 0 1 0 0-.01M17 20a1 1 0 1 0 0-.01",
    "truck": "M3 6h11v10H3zM14 10h4l3 3v3h-7M7 19a2 2 0 1 0 0-.01M17 19a2 2 0 1 0 0-.01",
    "gear": "M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM19 12l2-1-2-4-2 .5-1.5-1L15 4h-4l-.5 2.5-1.5 1L7 7 5 11l2 1-2 1 2 4 2-.5 1.5 1L11 20h4l.5-2.5 1.5-1 2 .5 2-4z",
    "search": "M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5",
    "bell": "M6 16V11a6 6 0 1 1 12 0v5l2 2H4zM10 20a2 2 0 0 0 4 0",
    "sync": "M4 12a8 8 0 0 1 14-5l2 2M20 12a8 8 0 0 1-14 5l-2-2M20 4v5h-5M4 20v-5h5",
    "tag": "M3 12V4h8l10 10-8 8zM7.5 7.5h.01",
    "alert": "M12 3l10 18H2zM12 10v5M12 18h.01",
    "chart": "M4 20V10M10 20V4M16 20v-7M22 20H2",
    "coins": "M12 8c4.4 0 8-1.3 8-3s-3.6-3-8-3-8 1.3-8 3 3.6 3 8 3zM4 5v6c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 11v6c0 1.7 3.6 3 8 3s8-1.3 8-3v-6",
    "pin": "M12 21s7-6 7-11a7 7 0 1 0-14 0c0 5 7 11 7 11zM12 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4z",
    "list": "M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01",
    "users": "M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a6 6 0 0 1 12 0v1M16 3.1a4 4 0 0 1 0 7.8M22 21v-1a6 6 0 0 0-4-5.6",
    "db": "M12 8c4.4 0 8-1.3 8-3s-3.6-3-8-3-8 1.3-8 3 3.6 3 8 3zM4 5v14c0 1.7 3.6 3 8 3s8-1.3 8-3V5M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
}


@register.simple_tag
def icon(name: str) -> str:
    path = _ICONS.get(name, _ICONS["box"])
    return format_html(
        '<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" '
        'stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="{}"/></svg>',
        path,
    )


def _lang() -> str:
    return (translation.get_language() or "fr").split("-")[0]


def _grouped_digits(whole: int) -> str:
    """Thousands grouped the active language's way: 106 274 (French, narrow no-break space) · 106,274."""
    if _lang() == "fr":
        return f"{whole:,}".replace(",", "\u202f")
    return f"{whole:,}"


@register.filter
def money(value, currency: str = "") -> str:
    """1234.5 → '1 234,50 €' on French pages, '€1,234.50' on English ones; currency code or symbol."""
    if value is None or value == "":
        return "—"
    amount = cents(Decimal(str(value)))
    sign = "-" if amount < 0 else ""
    whole, hundredths = f"{abs(amount):.2f}".split(".")
    grouped = _grouped_digits(int(whole))
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency.upper(), currency.upper()) if currency else ""
    if _lang() == "fr":
        return f"{sign}{grouped},{hundredths}\u00a0{symbol}".strip()
    if symbol in ("€", "$", "£"):
        return f"{sign}{symbol}{grouped}.{hundredths}"
    return f"{sign}{grouped}.{hundredths}\u00a0{symbol}".strip()


@register.filter
def grouped(value) -> str:
    """A count or a stock, thousands grouped: 106 274 (French) · 106,274 (English); '—' for nothing."""
    if value is None or value == "":
        return "—"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    return ("-" if number < 0 else "") + _grouped_digits(abs(number))


_STATUS_TONES = {
    "PENDING": "warn",
    "CONFIRMED": "info",
    "SHIPPED": "info",
    "DELIVERED": "ok",
    "CANCELLED": "err",
    "active": "ok",
    "inactive": "",
    "draft": "warn",
}


@register.simple_tag
def status_badge(value: str, label: str = "") -> str:
    tone = _STATUS_TONES.get(value, "")
    return format_html('<span class="badge {}">{}</span>', tone, label or value)


@register.simple_tag
def cj_badge() -> str:
    return mark_safe('<span class="badge cj" title="CJ Dropshipping">CJ</span>')


@register.filter
def get_item(mapping, key):
    """dict lookup in templates: {{ mapping|get_item:key }}."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def convert(amount, rate):
    """USD amount × store rate (display only; prices themselves come from kamri.catalog.pricing)."""
    if amount in (None, "") or rate in (None, ""):
        return None
    return converted(Decimal(str(amount)), Decimal(str(rate)))


@register.filter
def stars(score) -> str:
    try:
        value = max(0, min(5, int(score)))
    except (TypeError, ValueError):
        return ""
    return "★" * value + "☆" * (5 - value)


@register.filter
def multiply(value, factor):
    try:
        return int(value) * int(factor)
    except (TypeError, ValueError):
        return 0


_EVENT_LABELS = {
    "created": _("Commande créée"),
    "payment": _("Paiement"),
    "status": _("Statut"),
    "cj": _("CJ"),
    "cj_status": _("Statut CJ"),
    "cj_payment": _("Paiement CJ"),
    "invoice": _("Facture"),
    "tracking": _("Suivi"),
    "parcel": _("Colis"),
    "address": _("Adresse"),
    "email_shipping": _("E-mail d'expédition"),
    "demo": _("Démonstration"),
    "note": _("Note"),
    "payment_failed": _("Paiement refusé"),
    "payment_mismatch": _("Paiement à vérifier"),
    "refund": _("Remboursement"),
    # After-sales (kamri.aftersales) and CJ disputes.
    "aftersales_request": _("Demande après-vente"),
    "aftersales_status": _("Après-vente"),
    "cj_dispute": _("Litige CJ"),
    "email_aftersales": _("E-mail après-vente"),
    "email_sav_reply": _("Réponse au client"),
    "email_out_for_delivery": _("E-mail « en cours de livraison »"),
    "email_delivered": _("E-mail « livré »"),
    "email_no_news": _("E-mail « pas de nouvelles »"),
    "refund_failed": _("Remboursement refusé"),
    "hold": _("Retenue"),
    "hold_released": _("Retenue levée"),
    "email_confirmation": _("E-mail de confirmation"),
    "email_refund": _("E-mail de remboursement"),
    "email_cancellation": _("E-mail d'annulation"),
}


_PER_PARCEL_EMAILS = ("email_out_for_delivery", "email_delivered", "email_no_news", "email_sav_reply")


@register.filter
def event_label(event_type: str) -> str:
    """A timeline entry's type in the admin's words (unknown types stay as they are)."""
    # "email_refund_12", "email_confirmation_r1a2b": one e-mail of a kind (per refund, or sent again)
    kind = re.sub(r"_(\d+|r[0-9a-f]+)$", "", event_type) if event_type.startswith("email_") else event_type
    # one e-mail per parcel or per reply: "email_delivered_CJPKL123", "email_sav_reply_a1b2"
    kind = next((k for k in _PER_PARCEL_EMAILS if event_type.startswith(f"{k}_")), kind)
    return str(_EVENT_LABELS.get(event_type, _EVENT_LABELS.get(kind, event_type)))


@register.filter
def stamp(value) -> str:
    """A log timestamp to the second, in the admin's zone and language: 27/11/2026 11:42:32 · 11/27/2026 11:42:32."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'SHORT_DATE_FORMAT')} {local:%H:%M:%S}"


@register.filter
def may_open(user, url_name: str) -> bool:
    """{% if request.user|may_open:"cj:settings" %}: show a link only to a role that may open it."""
    return may(user, url_name, "GET")


@register.filter
def may_use(user, url_name: str) -> bool:
    """{% if request.user|may_use:"cj:webhooks_rotate" %}: show a button only to a role that may POST it."""
    return may(user, url_name, "POST")
