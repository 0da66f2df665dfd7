"""After-sales e-mails to the customer, in the order's language, each at most once (a timeline event guards it,
written in the same transaction as the order row lock, as kamri.orders.notifications does)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.orders.models import Order
from kamri.orders.notifications import customer_order_url, order_language
from kamri.orders.services import record_event

SUBJECTS = {
    "request_received": gettext_lazy(
        "%(store)s — nous avons bien reçu votre demande sur la commande %(number)s"
    ),
    "reply": gettext_lazy("%(store)s — réponse à votre demande sur la commande %(number)s"),
    "out_for_delivery": gettext_lazy("%(store)s — votre colis %(number)s est en cours de livraison"),
    "delivered": gettext_lazy("%(store)s — votre colis %(number)s est livré"),
    "no_news": gettext_lazy("%(store)s — des nouvelles de votre colis %(number)s"),
}


def send(order_id: int, kind: str, event_type: str, **extra) -> bool:
    """Send the `kind` e-mail unless `event_type` is already in the timeline; True when this call sent it.
    A mail server failure raises (the task retries) and records nothing."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None or order.events.filter(type=event_type).exists():
            return False
        with translation.override(order_language(order)):
            context = {
                "order": order,
                "order_url": customer_order_url(order),
                "store_name": settings.KAMRI_STORE_NAME,
                **extra,
            }
            subject = str(SUBJECTS[kind]) % {"store": settings.KAMRI_STORE_NAME, "number": order.number}
            text = render_to_string(f"aftersales/email/{kind}.txt", context)
            html = render_to_string(f"aftersales/email/{kind}.html", context)
            said = _("E-mail « %(subject)s » envoyé à %(email)s.") % {
                "subject": subject,
                "email": order.email,
            }
        send_mail(subject, text, None, [order.email], html_message=html, fail_silently=False)
        logged = {k: v for k, v in extra.items() if k in ("parcels", "reply", "by")}
        if extra.get("request") is not None:
            logged["request"] = extra["request"].pk
        record_event(order, event_type, said, to=order.email, **logged)
    return True
