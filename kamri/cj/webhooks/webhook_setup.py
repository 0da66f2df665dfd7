""" "Activer les webhooks": register our secret URL at CJ for the chosen topics; disable; rotate the secret."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.cj import queue
from kamri.cj.client import WEBHOOK_TOPICS
from kamri.cj.connection.account import client_for, require_account
from kamri.cj.models import CJAccount, CJSettings
from kamri.cj.webhooks import webhook_inbox

TOPIC_LABELS = {
    "product": gettext_lazy("PRODUCT : changements de produits"),
    "stock": gettext_lazy("STOCK : mises à jour de stock"),
    "order": gettext_lazy("ORDER : changements de statut"),
    "logistics": gettext_lazy("LOGISTICS : informations de tracking"),
}


def callback_url(secret: str | None = None) -> str:
    secret = secret or webhook_inbox.config().secret
    return settings.KAMRI_PUBLIC_URL + reverse("cj_webhook", args=[secret])


def _is_local(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".local") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def talks_to_sandbox(account: CJAccount | None) -> bool:
    if account is None:
        return False
    local_sandbox = account.is_sandbox and _is_local(urlsplit(account.base_url).hostname or "")
    return local_sandbox or account.base_url.rstrip("/") == settings.CJ_SANDBOX_URL.rstrip("/")


def url_warning(account: CJAccount | None = None) -> str:
    """Why CJ would refuse our URL (public HTTPS only), or "" — the local sandbox accepts anything."""
    account = account or CJAccount.objects.order_by("pk").first()
    if talks_to_sandbox(account):
        return ""
    parts = urlsplit(settings.KAMRI_PUBLIC_URL)
    if parts.scheme != "https":
        return _(
            "CJ n'accepte que des adresses HTTPS : réglez KAMRI_PUBLIC_URL sur l'adresse publique "
            "https://… de la boutique."
        )
    if _is_local(parts.hostname or ""):
        return _(
            "CJ refuse localhost et les adresses privées : KAMRI_PUBLIC_URL doit être l'adresse publique."
        )
    return ""


@dataclass(frozen=True)
class SetupResult:
    ok: bool
    message: str


def enable(topics: list[str]) -> SetupResult:
    chosen = [topic for topic in WEBHOOK_TOPICS if topic in topics]
    if not chosen:
        return SetupResult(False, _("Choisissez au moins un type d'événement."))
    account = require_account()
    warning = url_warning(account)
    if warning:
        return SetupResult(False, warning)
    client_for(account).set_webhooks(callback_url(), chosen)  # CJError reaches the view, shown in words
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(
        webhooks_enabled=True, webhook_topics=chosen, webhooks_enabled_at=timezone.now()
    )
    webhook_inbox.forget_config()
    if {"product", "stock"} & set(chosen):
        transaction.on_commit(queue.subscribe_pending_products)
    return SetupResult(
        True, _("Webhooks activés pour : %(t)s.") % {"t": ", ".join(t.upper() for t in chosen)}
    )


def disable() -> SetupResult:
    client_for(require_account()).set_webhooks(None, [])
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(webhooks_enabled=False)
    return SetupResult(True, _("Webhooks désactivés chez CJ."))


def rotate_secret() -> SetupResult:
    """A new secret URL; the old one stops working at once (404). Re-registered at CJ when enabled."""
    settings_row = CJSettings.load()
    CJSettings.objects.filter(pk=settings_row.pk).update(webhook_secret=webhook_inbox.new_secret())
    webhook_inbox.forget_config()
    if settings_row.webhooks_enabled and settings_row.webhook_topics:
        registered = enable(settings_row.webhook_topics)
        if not registered.ok:
            return registered
        return SetupResult(True, _("Nouvelle adresse secrète générée et enregistrée chez CJ."))
    return SetupResult(True, _("Nouvelle adresse secrète générée."))


def registered_at_cj() -> dict:
    """What CJ itself has on file (setting/get → callback), to check the configuration."""
    return client_for(require_account()).get_settings().callback or {}
