""" "Prêt pour la production": the go-live checklist on the CJ home, each line passed or not, with the fix."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.translation import gettext as _

from kamri.cj.client import CJ_PRODUCTION_URL
from kamri.cj.connection.account import ConnectionReport
from kamri.cj.models import CJAccount, CJSettings
from kamri.cj.reports import dashboard as figures
from kamri.cj.webhooks.webhook_setup import _is_local as local


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    ok: bool
    fix: str = ""


def _is_local(host: str) -> bool:
    return local(host)


def checklist(*, report: ConnectionReport | None, account: CJAccount | None) -> list[Line]:
    settings_row = CJSettings.load()
    real = account is not None and account.base_url.rstrip("/") == CJ_PRODUCTION_URL.rstrip("/")
    connected = bool(report and report.connected and not report.is_sandbox)
    public = urlsplit(settings.KAMRI_PUBLIC_URL)
    balance = report.balance if report else None

    usage = figures.daily_usage()
    email = settings.EMAIL_BACKEND
    deploy = [
        m
        for m in checks.run_checks(include_deployment_checks=True)
        if m.level >= checks.WARNING and not m.is_silenced()
    ]
    return [
        Line(
            "cj_account",
            _("Adresse réelle de CJ et clé API réelle connectée"),
            real and connected,
            _("Dans Connexion, mettez l'adresse %(url)s et votre clé API CJ, puis « Tester la connexion ».")
            % {"url": CJ_PRODUCTION_URL},
        ),
        Line(
            "public_url",
            _("KAMRI_PUBLIC_URL est une adresse publique HTTPS"),
            public.scheme == "https" and not _is_local(public.hostname or ""),
            _(
                "Réglez la variable d'environnement KAMRI_PUBLIC_URL sur https://votre-boutique… puis redémarrez."
            ),
        ),
        Line(
            "webhooks",
            _("Webhooks enregistrés chez CJ, test d'adresse de CJ reçu"),
            settings_row.webhooks_enabled and settings_row.webhook_url_check_at is not None,
            _("Ouvrez Webhooks et cliquez sur « Activer les webhooks » (CJ appelle alors l'adresse)."),
        ),
        Line(
            "payment",
            _("Paiement des commandes CJ automatique ou par lots, solde au-dessus du seuil d'alerte"),
            settings_row.payment_mode != CJSettings.PaymentMode.MANUAL
            and balance is not None
            and balance >= settings_row.low_balance_usd,
            _("Choisissez le mode de paiement dans Paramètres et rechargez le solde CJ (au moins %(min)s).")
            % {"min": f"{settings_row.low_balance_usd} USD"},
        ),
        Line(
            "points",
            _("Points CJ du jour dans le budget (moins de 80 %)"),
            usage.percent < 80,
            _("Espacez les synchronisations de stock et de prix dans Paramètres."),
        ),
        Line(
            "email",
            _("Envoi d'e-mails configuré (pas la console)"),
            not any(word in email for word in ("console", "locmem", "dummy", "filebased")),
            _("Réglez EMAIL_URL (serveur SMTP) dans l'environnement de production."),
        ),
        Line(
            "deploy",
            _("« manage.py check --deploy » sans avertissement"),
            not deploy,
            _("Lancez « manage.py check --deploy » et corrigez : %(ids)s.")
            % {"ids": ", ".join(sorted({m.id or "?" for m in deploy})[:6])},
        ),
    ]


def ready(lines: list[Line]) -> bool:
    return all(line.ok for line in lines)
