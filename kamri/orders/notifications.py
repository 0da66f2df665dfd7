"""E-mails to customers. Each is sent at most once per order, guarded by a timeline event."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.orders.countries import country_name
from kamri.orders.models import Order, Refund
from kamri.orders.services import record_event

logger = logging.getLogger(__name__)

EMAIL_SHIPPING_EVENT = "email_shipping"


def customer_order_url(order: Order) -> str:
    """Absolute private link to the customer's order page."""
    try:
        path = reverse("storefront:order", args=[order.access_key])
    except NoReverseMatch:
        path = f"/commande/{order.access_key}/"
    return f"{settings.KAMRI_PUBLIC_URL}{path}"


def _parcels(tracking: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    parcels = []
    for item in tracking or []:
        number = str(item.get("number") or "").strip()
        if number:
            parcels.append(
                {
                    "number": number,
                    "url": str(item.get("url") or ""),
                    "carrier": str(item.get("carrier") or ""),
                }
            )
    return parcels


def send_shipping_email(order: Order, tracking: list[dict]) -> bool:
    """Tell the customer their parcel left, once: True only when this call sent the e-mail.

    Idempotent: the order row is locked and an `email_shipping` event is written in the same transaction,
    so two workers (or a retried job) never send it twice. Without a tracking number nothing is sent. If
    the mail server fails, nothing is recorded and a later call tries again.
    """
    parcels = _parcels(tracking)
    if not parcels:
        return False
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.events.filter(type=EMAIL_SHIPPING_EVENT).exists():
            return False
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "order": locked,
                "parcels": parcels,
                "order_url": customer_order_url(locked),
                "store_name": settings.KAMRI_STORE_NAME,
                "country": country_name(locked.country),
            }
            subject = _("%(store)s — votre commande %(number)s est expédiée") % {
                "store": settings.KAMRI_STORE_NAME,
                "number": locked.number,
            }
            text = render_to_string("orders/email/shipping.txt", context)
            html = render_to_string("orders/email/shipping.html", context)
            message = _("E-mail d'expédition envoyé à %(email)s.") % {"email": locked.email}
        try:
            send_mail(subject, text, None, [locked.email], html_message=html, fail_silently=False)
        except Exception:
            logger.exception("shipping e-mail of order %s could not be sent", locked.number)
            return False
        record_event(
            locked, EMAIL_SHIPPING_EVENT, message, to=locked.email, parcels=[p["number"] for p in parcels]
        )
    return True


ORDER_EMAILS = {
    # kind: (template, subject)
    "confirmation": ("confirmation", gettext_lazy("%(store)s — confirmation de votre commande %(number)s")),
    "refund": ("refund", gettext_lazy("%(store)s — remboursement de votre commande %(number)s")),
    "cancellation": ("cancellation", gettext_lazy("%(store)s — annulation de votre commande %(number)s")),
}


def email_event_type(kind: str, refund_id: int | None = None, resend_key: str = "") -> str:
    """One timeline event per e-mail: per kind, per refund, and per deliberate "Renvoyer"."""
    return (
        f"email_{kind}" + (f"_{refund_id}" if refund_id else "") + (f"_r{resend_key}" if resend_key else "")
    )


def order_language(order: Order) -> str:
    """The language the customer paid in (their e-mails are written in it), else the shop's."""
    languages = dict(settings.LANGUAGES)
    paid_in = order.payments.exclude(language="").values_list("language", flat=True).first() or ""
    return paid_in[:2] if paid_in[:2] in languages else settings.LANGUAGE_CODE


def send_order_email(order_id: int, kind: str, *, refund_id: int | None = None, resend_key: str = "") -> bool:
    """Confirmation, refund or cancellation e-mail, HTML and text, in the order's language, at most once.

    Same guard as the shipping e-mail: the order row is locked and the timeline event is written in the same
    transaction. A mail server failure raises (the worker retries) and records nothing.
    """
    template, subject_format = ORDER_EMAILS[kind]
    event_type = email_event_type(kind, refund_id, resend_key)
    with transaction.atomic():
        locked = Order.objects.select_for_update().filter(pk=order_id).first()
        if (
            locked is None
        ):  # the order was deleted since (Données brutes): nobody to write to, nothing to retry
            return False
        if locked.events.filter(type=event_type).exists():
            return False
        refund = Refund.objects.filter(pk=refund_id, order=locked).first() if refund_id else None
        with translation.override(order_language(locked)):
            context = {
                "order": locked,
                "lines": list(locked.lines.all()),
                "refund": refund,
                "order_url": customer_order_url(locked),
                "store_name": settings.KAMRI_STORE_NAME,
                "country": country_name(locked.country),
            }
            subject = str(subject_format) % {"store": settings.KAMRI_STORE_NAME, "number": locked.number}
            text = render_to_string(f"orders/email/{template}.txt", context)
            html = render_to_string(f"orders/email/{template}.html", context)
            message = _("E-mail « %(subject)s » envoyé à %(email)s.") % {
                "subject": subject,
                "email": locked.email,
            }
        send_mail(subject, text, None, [locked.email], html_message=html, fail_silently=False)
        record_event(locked, event_type, message, to=locked.email)
    return True
