"""The CJ integration's records. Catalog and orders know nothing of CJ; these rows link to them."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from kamri.cj.tiers import Tier
from kamri.core import crypto


def credential_fingerprint(base_url: str, api_key: str) -> str:
    """A stable, irreversible name for one (CJ host, API key) pair: keys the tokens and the rate limiter."""
    material = f"{base_url.strip().rstrip('/')}|{api_key.strip()}".encode()
    return hashlib.sha256(material).hexdigest()[:24]


class CJAccount(models.Model):
    """The shop's CJ connection (one row). The API key is encrypted; only its last 4 characters show."""

    email = models.EmailField(_("e-mail CJ"), blank=True)
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    fingerprint = models.CharField(max_length=24, blank=True, editable=False, db_index=True)
    tier = models.CharField(_("abonnement"), max_length=10, choices=Tier.choices, default=Tier.FREE)
    base_url = models.URLField(_("adresse de l'API CJ"), max_length=300)

    # What CJ said about the account at the last check (setting/get).
    open_id_encrypted = models.TextField(blank=True, editable=False)
    account_name = models.CharField(max_length=200, blank=True)
    account_email = models.CharField(max_length=200, blank=True)
    qps_limit = models.PositiveIntegerField(null=True, blank=True)
    is_sandbox = models.BooleanField(default=False)

    last_check_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    last_check_error = models.CharField(max_length=500, blank=True)
    last_sync_at = models.DateTimeField(_("dernière synchronisation"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compte CJ")
        verbose_name_plural = _("compte CJ")

    def __str__(self) -> str:
        return f"CJ ({self.get_tier_display()}) …{self.api_key_last4}"

    @property
    def api_key(self) -> str:
        return crypto.decrypt(self.api_key_encrypted)

    def set_api_key(self, api_key: str) -> None:
        api_key = api_key.strip()
        self.api_key_encrypted = crypto.encrypt(api_key)
        self.api_key_last4 = api_key[-4:]
        self.fingerprint = credential_fingerprint(self.base_url, api_key)

    @property
    def open_id(self) -> str:
        return crypto.decrypt(self.open_id_encrypted)


class CJCredential(models.Model):
    """Tokens of one (CJ host, API key) pair, encrypted, and when a token was last asked for.

    Keyed by fingerprint, so testing a key from the form and saving it share one token (CJ allows one
    getAccessToken per 5 minutes), and a new key or host never uses the old tokens.
    """

    fingerprint = models.CharField(max_length=24, unique=True)
    open_id_encrypted = models.TextField(blank=True)
    access_token_encrypted = models.TextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    tokens_created_at = models.DateTimeField(null=True, blank=True)
    last_auth_request_at = models.DateTimeField(null=True, blank=True)
    last_refresh_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jeton CJ")
        verbose_name_plural = _("jetons CJ")

    def __str__(self) -> str:
        return f"credential {self.fingerprint[:8]}"


class CJRateSlot(models.Model):
    """The next free call slot of one CJ account, shared by every process (database-backed limiter)."""

    account_key = models.CharField(max_length=64, unique=True)
    next_at_us = models.BigIntegerField(default=0)  # epoch microseconds

    def __str__(self) -> str:
        return self.account_key


class CJApiCall(models.Model):
    """One HTTP attempt to CJ. Never holds the API key, a token or a request body."""

    endpoint = models.CharField(_("point d'accès"), max_length=120, db_index=True)
    method = models.CharField(max_length=8)
    started_at = models.DateTimeField(_("date"), db_index=True)
    duration_ms = models.DecimalField(_("durée (ms)"), max_digits=10, decimal_places=1)
    http_status = models.PositiveSmallIntegerField(_("statut HTTP"), null=True, blank=True)
    cj_code = models.BigIntegerField(_("code CJ"), null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    attempt = models.PositiveSmallIntegerField(_("tentative"), default=1)
    ok = models.BooleanField(_("succès"), default=True, db_index=True)

    class Meta:
        verbose_name = _("appel à l'API CJ")
        verbose_name_plural = _("appels à l'API CJ")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["endpoint", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"
