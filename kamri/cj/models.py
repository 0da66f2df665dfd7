"""The CJ integration's records. Catalog and orders know nothing of CJ; these rows link to them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kamri.cj.client import credentials_fingerprint
from kamri.cj.tiers import Tier
from kamri.core import crypto
from kamri.core.money import Rounding


def credential_fingerprint(base_url: str, api_key: str) -> str:
    """A stable, irreversible name for one (CJ host, API key) pair: keys the tokens and the rate limiter."""
    return credentials_fingerprint(base_url.strip(), api_key)


class CJAccount(models.Model):
    """The shop's CJ connection (one row). The API key is encrypted; only its last 4 characters show."""

    email = models.EmailField(_("e-mail CJ"), blank=True)
    api_key_encrypted = models.TextField(blank=True, editable=False)
    api_key_last4 = models.CharField(max_length=4, blank=True, editable=False)
    fingerprint = models.CharField(max_length=32, blank=True, editable=False, db_index=True)
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

    fingerprint = models.CharField(max_length=32, unique=True)
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

    class Meta:
        verbose_name = _("créneau du limiteur CJ")
        verbose_name_plural = _("créneaux du limiteur CJ")

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
    # CJ points (services/points_budget.py): what the call was for, and CJ's own figures after it (pointsInfo)
    purpose = models.CharField(_("usage"), max_length=12, blank=True, db_index=True)
    cj_points_used = models.PositiveIntegerField(null=True, blank=True)
    cj_points_remaining = models.PositiveIntegerField(null=True, blank=True)
    cj_points_total = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("appel à l'API CJ")
        verbose_name_plural = _("appels à l'API CJ")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-started_at"]),
            # Covers the day's spend and the calls chart (points_budget._spend, the CJ dashboard): they read
            # a day of calls (20,000 at full speed) from the index alone.
            models.Index(
                fields=["started_at", "ok", "purpose", "endpoint", "cj_code"], name="cj_apicall_spend_idx"
            ),
            # The latest answer carrying CJ's pointsInfo: most calls carry none.
            models.Index(
                fields=["-started_at"],
                condition=models.Q(cj_points_total__isnull=False),
                name="cj_apicall_points_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint}"


def default_pay_batch_hours() -> list[int]:
    return [10, 18]


class CJSettings(models.Model):
    """The shop owner's automation choices for CJ (one row). Every "a setting" of the guide lives here."""

    class LogisticRule(models.TextChoices):
        CHEAPEST = "cheapest", _("Le moins cher")
        FASTEST = "fastest", _("Le plus rapide sous un plafond de prix")

    class OffSaleAction(models.TextChoices):
        """A product CJ takes off sale (PRODUCT webhook)."""

        DEACTIVATE = "deactivate", _("Désactiver le produit")
        KEEP = "keep", _("Le garder actif")

    class UnavailableAction(models.TextChoices):
        """A product CJ no longer finds, twice in a row (syncs)."""

        STOCK_ZERO = "stock0", _("Mettre le stock à 0")
        INACTIVE = "inactive", _("Désactiver")

    # Pricing defaults for imports.
    default_margin_percent = models.DecimalField(
        _("marge par défaut (%)"), max_digits=6, decimal_places=2, default=60
    )
    default_rounding = models.CharField(
        _("arrondi par défaut"), max_length=5, choices=Rounding.choices, default="99"
    )
    default_compare_at_multiplier = models.DecimalField(
        _("prix barré par défaut (× prix)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    usd_rate = models.DecimalField(
        _("taux de change (devise de la boutique pour 1 USD)"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0.92"),
    )
    # Orders.
    order_delay_minutes = models.PositiveIntegerField(
        _("délai avant envoi à CJ (minutes)"),
        default=0,
        help_text=_("Laisse le temps d'annuler une commande avant qu'elle parte chez CJ."),
    )

    class PaymentMode(models.TextChoices):
        AUTO = "auto", _("Automatique (solde CJ, dès la création)")
        BATCH = "batch", _("Par lots (aux heures choisies)")
        MANUAL = "manual", _("Manuel (je paie dans MyCJ)")

    payment_mode = models.CharField(
        _("paiement des commandes CJ"), max_length=10, choices=PaymentMode.choices, default=PaymentMode.AUTO
    )
    pay_batch_hours = models.JSONField(
        _("heures des paiements par lots"),
        default=default_pay_batch_hours,
        blank=True,
        help_text=_("Heures (0 à 23, fuseau de la boutique), par exemple 10 et 18."),
    )
    pay_tolerance_percent = models.DecimalField(
        _("écart toléré sur le montant CJ (%)"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    daily_pay_cap_usd = models.DecimalField(
        _("plafond de paiements CJ par jour (USD)"), max_digits=10, decimal_places=2, default=Decimal("1000")
    )

    class IossType(models.TextChoices):
        """createOrderV2 `iossType` for parcels to the EU: 1 no IOSS, 2 own IOSS, 3 CJ's IOSS (≤ 150 €)."""

        NONE = "none", _("Sans IOSS (le destinataire paie la TVA à la livraison)")
        OWN = "own", _("Mon propre numéro IOSS")
        CJ = "cj", _("L'IOSS de CJ (colis de 150 € au plus)")

    ioss_type = models.CharField(
        _("déclaration IOSS des colis vers l'UE"),
        max_length=5,
        choices=IossType.choices,
        default=IossType.NONE,
        help_text=_("L'IOSS ne vaut que pour les colis d'une valeur de 150 € au plus (hors TVA et port)."),
    )
    ioss_number = models.CharField(
        _("numéro IOSS"),
        max_length=12,
        blank=True,
        help_text=_(
            "Votre numéro d'identification IOSS : IM suivi de 10 chiffres, par exemple IM2500012345."
        ),
    )
    logistic_rule = models.CharField(
        _("choix du transporteur"),
        max_length=20,
        choices=LogisticRule.choices,
        default=LogisticRule.CHEAPEST,
    )
    logistic_price_cap = models.DecimalField(
        _("plafond de frais de port (USD)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    # Webhooks.
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)
    webhooks_enabled = models.BooleanField(_("webhooks activés"), default=False)
    webhooks_enabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    webhook_topics = models.JSONField(_("types d'événements"), default=list, blank=True)
    # CJ's URL check (unsigned, no messageId) when webhooks are registered: "Test CJ", outside the statistics.
    webhook_url_check_at = models.DateTimeField(
        _("dernier test CJ de l'URL"), null=True, blank=True, editable=False
    )
    webhook_url_checks = models.PositiveIntegerField(default=0, editable=False)
    require_signature = models.BooleanField(
        _("refuser les webhooks sans signature"),
        default=True,
        help_text=_("CJ signe chaque message (en-tête « sign ») avec votre openId."),
    )
    off_sale_action = models.CharField(
        _("produit retiré de la vente chez CJ"),
        max_length=12,
        choices=OffSaleAction.choices,
        default=OffSaleAction.DEACTIVATE,
    )
    webhook_retention_days = models.PositiveIntegerField(
        _("conservation des webhooks traités (jours)"), default=30
    )
    no_webhook_alert_hours = models.PositiveIntegerField(_("alerte sans webhook depuis (heures)"), default=6)
    webhook_error_alert_percent = models.PositiveIntegerField(
        _("alerte taux d'erreur webhooks (%)"), default=10
    )
    # Synchronisation and guards.
    stock_sync_minutes = models.PositiveIntegerField(_("synchronisation du stock (minutes)"), default=60)
    price_sync_minutes = models.PositiveIntegerField(_("synchronisation des prix (minutes)"), default=360)
    # CJ points budget and the freshness planner (services/points_budget.py, services/freshness.py).
    points_reserve_multiplier = models.PositiveSmallIntegerField(
        _(
            "réserve de points pour les commandes (× les points des commandes du jour le plus chargé des 7 derniers)"
        ),
        default=3,
    )
    points_reserve_floor = models.PositiveIntegerField(
        _("réserve minimale pour les commandes (points)"), default=1000
    )
    freshness_sold_hours = models.DecimalField(
        _("fraîcheur visée des produits vendus (heures)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1.5"),
    )
    freshness_max_age_hours = models.PositiveIntegerField(
        _("âge maximal du stock de tout produit (heures)"), default=72
    )
    price_tolerance_percent = models.DecimalField(
        _("tolérance de variation du coût (%)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    margin_floor_percent = models.DecimalField(
        _("marge minimale (%)"), max_digits=5, decimal_places=2, default=Decimal("15")
    )
    unavailable_action = models.CharField(
        _("produit introuvable chez CJ (2 fois de suite)"),
        max_length=12,
        choices=UnavailableAction.choices,
        default=UnavailableAction.STOCK_ZERO,
    )
    no_tracking_alert_days = models.PositiveIntegerField(
        _("alerte sans numéro de suivi après (jours)"), default=7
    )
    low_balance_usd = models.DecimalField(
        _("alerte solde CJ bas (USD)"), max_digits=10, decimal_places=2, default=Decimal("50")
    )
    stock_countries = models.JSONField(
        _("entrepôts pris en compte pour le stock"),
        default=list,
        blank=True,
        help_text=_("Codes pays (CN, US, FR…). Vide : tous les entrepôts."),
    )

    class Meta:
        verbose_name = _("paramètres CJ")
        verbose_name_plural = _("paramètres CJ")

    def __str__(self) -> str:
        return "CJ settings"

    @classmethod
    def load(cls) -> CJSettings:
        settings_row, _ = cls.objects.get_or_create(pk=1)
        return settings_row


class CJProductLink(models.Model):
    """A KAMRI product imported from CJ: the CJ product id, and the pricing rule used for it."""

    product = models.OneToOneField("catalog.Product", on_delete=models.CASCADE, related_name="cj_link")
    pid = models.CharField(_("identifiant CJ"), max_length=64, unique=True)
    cj_sku = models.CharField(_("SKU CJ"), max_length=100, blank=True)
    cj_name = models.CharField(max_length=500, blank=True)
    cj_category = models.CharField(max_length=300, blank=True)
    cj_description = models.TextField(blank=True)  # CJ's last text: the shop's copy follows it until edited
    margin_percent = models.DecimalField(max_digits=6, decimal_places=2)
    rounding = models.CharField(max_length=5, default="99")
    compare_at_multiplier = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    webhook_subscribed = models.BooleanField(default=False)
    subscription_error = models.CharField(max_length=300, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    not_found_count = models.PositiveSmallIntegerField(default=0)
    # the freshness planner's next check of this product at CJ, and whether its stock fell at the last one
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    stock_falling = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("produit CJ")
        verbose_name_plural = _("produits CJ")

    def __str__(self) -> str:
        return f"CJ {self.pid}"


class CJVariantLink(models.Model):
    """A KAMRI variant mapped to a CJ variant (vid): cost in USD and stock per warehouse country."""

    variant = models.OneToOneField("catalog.Variant", on_delete=models.CASCADE, related_name="cj_link")
    product_link = models.ForeignKey(CJProductLink, on_delete=models.CASCADE, related_name="variant_links")
    vid = models.CharField(_("identifiant de variante CJ"), max_length=64, unique=True)
    cj_sku = models.CharField(max_length=100, blank=True)
    cost_usd = models.DecimalField(_("coût CJ (USD)"), max_digits=12, decimal_places=2)
    stock_by_country = models.JSONField(default=dict, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    not_found_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("variante CJ")
        verbose_name_plural = _("variantes CJ")

    def __str__(self) -> str:
        return f"CJ {self.vid}"


class SyncRun(models.Model):
    """One long job (bulk import, order or stock synchronisation): progress and a readable summary."""

    class Kind(models.TextChoices):
        BULK_IMPORT = "bulk_import", _("Import groupé")
        ORDERS = "orders", _("Synchronisation des commandes")
        STOCK = "stock", _("Synchronisation du stock")
        PRICES = "prices", _("Synchronisation des prix")

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminée")
        FAILED = "failed", _("Échec")

    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    params = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Saved with the progress: a running job whose heartbeat is old was cut by a worker kill (jobs.sweep).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    interruptions = models.JSONField(default=list, blank=True)  # French sentences: when and where it stopped

    class Meta:
        verbose_name = _("synchronisation")
        verbose_name_plural = _("synchronisations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent(self) -> int:
        return (
            int(100 * (self.done + self.failed) / self.total)
            if self.total
            else (100 if self.finished_at else 0)
        )


class CJOrder(models.Model):
    """The outbox row of a supplier order: it exists before any job, and keeps every reason and retry."""

    class State(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        PLACING = "placing", _("En cours d'envoi")
        TO_PAY = "to_pay", _("À payer chez CJ")
        PAYING = "paying", _("Paiement en cours")
        PLACED = "placed", _("Passée chez CJ")
        NEEDS_ATTENTION = "needs_attention", _("À traiter")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulée")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="cj_orders")
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="splits"
    )
    order_number = models.CharField(_("numéro de commande CJ (orderNumber)"), max_length=50, db_index=True)
    cj_order_id = models.CharField(_("identifiant CJ"), max_length=64, null=True, blank=True, unique=True)
    state = models.CharField(
        _("état"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    cj_status = models.CharField(_("statut CJ"), max_length=20, blank=True, db_index=True)
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)

    from_country = models.CharField(max_length=2, blank=True)
    logistic_name = models.CharField(_("transporteur"), max_length=80, blank=True)
    freight_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    product_amount_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    postage_amount_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    order_amount_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    lines = models.JSONField(default=list, blank=True)  # [{"vid", "quantity", "sku", "line_id"}]
    # The admin's choice for this order when the IOSS of the Paramètres cannot apply (above 150 €).
    declare_without_ioss = models.BooleanField(_("déclarer sans IOSS"), default=False)
    # Payment at CJ: what KAMRI expected (goods + chosen freight), CJ's pay link, and who paid how much when.
    expected_amount_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    pay_url = models.URLField(_("lien de paiement CJ"), max_length=500, blank=True)
    paid_at = models.DateTimeField(_("payée chez CJ le"), null=True, blank=True, db_index=True)
    paid_amount_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_by = models.CharField(_("payée par"), max_length=150, blank=True)
    balance_after_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    track_number = models.CharField(_("numéro de suivi"), max_length=80, blank=True, db_index=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    logistic_status = models.SmallIntegerField(null=True, blank=True)

    placed_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commande CJ")
        verbose_name_plural = _("commandes CJ")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(split_from__isnull=True),
                name="one_primary_cj_order_per_order",
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.order_number

    @property
    def retry_waiting(self) -> bool:
        """A retry is scheduled for later (an attempt time already past means "as soon as a worker is free")."""
        return self.next_attempt_at is not None and self.next_attempt_at > timezone.now()


class CJOrderAttempt(models.Model):
    """One try at placing a CJ order: what was checked or called, and how it ended."""

    OUTCOME_LABELS = {
        "placed": _("Passée chez CJ"),
        "created": _("Créée chez CJ, à payer"),
        "paid": _("Payée chez CJ"),
        "pay_blocked": _("Paiement retenu"),
        "intercepted": _("Interceptée par CJ"),
        "duplicate": _("Déjà connue de CJ"),
        "retry": _("Nouvel essai prévu"),
        "unavailable": _("CJ indisponible"),
        "lookup_failed": _("Recherche chez CJ impossible"),
        "needs_attention": _("À traiter"),
        "failed": _("Échec"),
        "cancelled": _("Arrêtée (commande annulée ou remboursée)"),
    }

    cj_order = models.ForeignKey(CJOrder, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=30)
    message = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("appel CJ d'une commande")
        verbose_name_plural = _("appels CJ des commandes")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.cj_order_id}: {self.outcome}"

    @property
    def outcome_label(self) -> str:
        return str(self.OUTCOME_LABELS.get(self.outcome, self.outcome))

    #: The badge of each outcome: what went through is green, what waits amber, what needs the admin red.
    OUTCOME_TONES = {
        "placed": "ok",
        "created": "ok",
        "paid": "ok",
        "duplicate": "ok",
        "cancelled": "info",
        "retry": "warn",
        "unavailable": "warn",
        "pay_blocked": "warn",
        "lookup_failed": "warn",
    }

    @property
    def tone(self) -> str:
        return self.OUTCOME_TONES.get(self.outcome, "err")


class WebhookEvent(models.Model):
    """The webhook inbox: a row before any job, unique per CJ messageId, with every processing attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        PROCESSED = "processed", _("Traité")
        ERROR = "error", _("Erreur")
        IGNORED = "ignored", _("Ignoré")
        REJECTED = "rejected", _("Rejeté")
        DUPLICATE = "duplicate", _("Doublon")

    message_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="repeats"
    )
    type = models.CharField(_("type"), max_length=20, blank=True, db_index=True)
    message_type = models.CharField(max_length=30, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PENDING)
    raw_body = models.TextField(blank=True)
    signature_valid = models.BooleanField(null=True)
    received_at = models.DateTimeField(_("reçu le"), db_index=True)
    processed_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("erreur"), blank=True)
    result = models.CharField(_("résultat"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("webhook reçu")
        verbose_name_plural = _("webhooks reçus")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-received_at"]),
            models.Index(fields=["type", "-received_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id or '-'}"


class WebhookAttempt(models.Model):
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.DecimalField(max_digits=10, decimal_places=1, default=Decimal("0"))
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("traitement de webhook")
        verbose_name_plural = _("traitements de webhooks")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"attempt {self.pk} of {self.event_id}"


class NewCJVariant(models.Model):
    """A variant CJ added to an imported product, waiting for the admin to import or ignore it."""

    class Status(models.TextChoices):
        NEW = "new", _("Nouvelle")
        IMPORTED = "imported", _("Importée")
        IGNORED = "ignored", _("Ignorée")

    product_link = models.ForeignKey(CJProductLink, on_delete=models.CASCADE, related_name="new_variants")
    vid = models.CharField(max_length=64, unique=True)
    sku = models.CharField(max_length=100, blank=True)
    key = models.CharField(max_length=200, blank=True)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(max_length=10, default=Status.NEW, choices=Status.choices)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nouvelle variante CJ")
        verbose_name_plural = _("nouvelles variantes CJ")

    def __str__(self) -> str:
        return self.vid


class PriceChange(models.Model):
    """A CJ cost change beyond the tolerance (or under the margin floor), waiting for approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Approuvé")
        REJECTED = "rejected", _("Refusé")
        AUTO = "auto", _("Appliqué automatiquement")

    variant_link = models.ForeignKey(CJVariantLink, on_delete=models.CASCADE, related_name="price_changes")
    old_cost_usd = models.DecimalField(max_digits=12, decimal_places=2)
    new_cost_usd = models.DecimalField(max_digits=12, decimal_places=2)
    old_price = models.DecimalField(max_digits=12, decimal_places=2)
    new_price = models.DecimalField(max_digits=12, decimal_places=2)
    new_compare_at = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    change_percent = models.DecimalField(max_digits=8, decimal_places=2)
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, default="sync")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("changement de prix")
        verbose_name_plural = _("changements de prix")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.variant_link.vid}: {self.old_cost_usd} → {self.new_cost_usd}"


class ProblemSeverity(models.TextChoices):
    INFO = "info", _("Information")
    WARNING = "warning", _("Attention")
    CRITICAL = "critical", _("Critique")


#: Problems are listed most severe first — critical, warning, info — not in the alphabetical order of the values.
PROBLEM_SEVERITY_RANK = models.Case(
    models.When(severity=ProblemSeverity.CRITICAL, then=models.Value(0)),
    models.When(severity=ProblemSeverity.WARNING, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)


class Problem(models.Model):
    """One entry of the problems panel, refreshed by the health check; the admin can dismiss it."""

    Severity = ProblemSeverity

    code = models.CharField(max_length=60, unique=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.WARNING)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    action_url = models.CharField(max_length=300, blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField(auto_now=True)
    active = models.BooleanField(default=True, db_index=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = _("problème")
        verbose_name_plural = _("problèmes")
        ordering = ["-active", PROBLEM_SEVERITY_RANK.asc(), "-last_seen"]

    def __str__(self) -> str:
        return self.title


class ProfitLine(models.Model):
    """One paid order's figures for the Rapport de marge, in whole cents: what the report's SQL computes per
    order (kamri.cj.reports.dashboard), stored so the report sums a narrow table instead of recomputing the
    period. Never edited: a change to anything a line depends on deletes it (`forget`), and the report and
    the periodic job write it again from the same SQL. `basis` names the settings it was computed with (USD
    rate, payment fee rule); a line of another basis counts as missing."""

    order = models.OneToOneField(
        "orders.Order", primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=True
    )
    paid_at = models.DateTimeField()
    basis = models.CharField(max_length=80)
    kind = models.PositiveSmallIntegerField()  # OWN, WAITING or COSTED (kamri.cj.reports.dashboard)
    total_c = models.BigIntegerField()
    cj_c = models.BigIntegerField()
    own_c = models.BigIntegerField()
    vat_c = models.BigIntegerField()
    shipping_charged_c = models.BigIntegerField()
    goods_usd_c = models.BigIntegerField()
    shipping_usd_c = models.BigIntegerField()
    goods_c = models.BigIntegerField()
    shipping_c = models.BigIntegerField()
    fees_c = models.BigIntegerField()
    refunds_c = models.BigIntegerField()

    class Meta:
        verbose_name = _("ligne du rapport de marge")
        verbose_name_plural = _("lignes du rapport de marge")
        indexes = [
            models.Index(fields=["paid_at", "order"], name="profit_line_paid_at"),
            models.Index(fields=["kind", "paid_at", "order"], name="profit_line_kind_paid_at"),  # the rows
        ]

    def __str__(self) -> str:
        return f"ProfitLine({self.order_id})"

    @classmethod
    def forget(cls, order_ids) -> None:
        """These orders' figures may have changed: their lines go (and their days' sums), to be computed again
        when next read. Called by kamri.cj's receivers (every save and delete of an order, its lines, refunds and
        CJ orders) and by kamri.cj's bulk updates that place a CJ order or set its amounts (no signal); a CJ order
        moving between states that are all "waiting" (queued, placing, to pay, paying…) changes no figure."""
        lines = cls.objects.filter(order_id__in=order_ids)
        ProfitDay.forget_at(lines.values_list("paid_at", flat=True))
        lines.delete()


class ProfitDay(models.Model):
    """The sums of one local day's ProfitLines of one kind (the Rapport de marge's per-day groups), kept so the
    report reads a few rows per day instead of summing every line of the period. A day [start, end) has a row
    for each kind once summed (zeros included); any change to a line of the day deletes the day's rows."""

    basis = models.CharField(max_length=80)
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.PositiveSmallIntegerField()
    orders = models.BigIntegerField()
    total_c = models.BigIntegerField()
    cj_c = models.BigIntegerField()
    own_c = models.BigIntegerField()
    own_orders = models.BigIntegerField()
    mixed_orders = models.BigIntegerField()
    vat_c = models.BigIntegerField()
    shipping_charged_c = models.BigIntegerField()
    goods_c = models.BigIntegerField()
    shipping_c = models.BigIntegerField()
    fees_c = models.BigIntegerField()
    refunds_c = models.BigIntegerField()
    goods_usd_c = models.BigIntegerField()
    shipping_usd_c = models.BigIntegerField()

    #: More changed times than this at once: every day's sums go (one statement, not one condition each).
    MANY = 200

    class Meta:
        verbose_name = _("jour du rapport de marge")
        verbose_name_plural = _("jours du rapport de marge")
        constraints = [
            models.UniqueConstraint(fields=["basis", "start", "end", "kind"], name="profit_day_unique"),
        ]

    def __str__(self) -> str:
        return f"ProfitDay({self.start:%Y-%m-%d}, {self.kind})"

    @classmethod
    def forget_at(cls, moments) -> None:
        """The days holding these times (paid_at of changed lines) are summed again when next read."""
        found = set(moments)
        if len(found) > cls.MANY:
            cls.objects.all().delete()
            return
        condition = models.Q()
        for moment in found:
            condition |= models.Q(start__lte=moment, end__gt=moment)
        if condition:
            cls.objects.filter(condition).delete()


from kamri.cj.models_disputes import CJDispute  # noqa: E402, F401  (after-sales disputes, their own module)
