from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kamri.catalog.forms import RuleFields
from kamri.catalog.models import Category, Product
from kamri.catalog.selectors import in_tree_order
from kamri.cj.catalog.search import SearchFilters
from kamri.cj.connection import account as connection
from kamri.cj.models import CJSettings
from kamri.cj.orders import ioss
from kamri.cj.tiers import Tier
from kamri.core.forms_l10n import localize_decimals
from kamri.orders.address_forms import OrderAddressForm


def base_url_choices() -> list[tuple[str, str]]:
    return [
        (settings.CJ_SANDBOX_URL, _("Bac à sable CJ de KAMRI (démonstration, aucun vrai achat)")),
        (settings.CJ_PRODUCTION_URL, _("CJ Dropshipping (production)")),
    ]


class CJSettingsForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail du compte CJ"),
        required=False,
        help_text=_("Facultatif : CJ authentifie avec la clé API seule."),
    )
    api_key = forms.CharField(
        label=_("Clé API"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Dans CJ : Developer › API Key. Laissez vide pour garder la clé enregistrée."),
    )
    tier = forms.ChoiceField(label=_("Abonnement (tier)"), choices=Tier.choices, initial=Tier.FREE)
    base_url = forms.ChoiceField(label=_("Adresse de l'API CJ"), choices=())
    custom_base_url = forms.URLField(
        label=_("Autre adresse (avancé)"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("Remplace le choix ci-dessus, par exemple pour un autre bac à sable."),
    )

    def __init__(self, *args, has_saved_key: bool = False, current_base_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.has_saved_key = has_saved_key
        self.current_base_url = current_base_url
        choices = base_url_choices()
        if current_base_url and current_base_url not in dict(choices):
            choices.append((current_base_url, current_base_url))
        self.fields["base_url"].choices = choices
        self.fields["base_url"].initial = current_base_url or settings.CJ_SANDBOX_URL

    def clean_api_key(self) -> str:
        key = self.cleaned_data.get("api_key", "")
        if any(character.isspace() for character in key):
            raise forms.ValidationError(_("La clé API ne doit pas contenir d'espace."))
        if not key and not self.has_saved_key:
            raise forms.ValidationError(_("Saisissez la clé API fournie par CJ."))
        return key

    def clean(self):
        cleaned = super().clean()
        custom = cleaned.pop("custom_base_url", "")
        if custom:
            cleaned["base_url"] = custom
        base_url = cleaned.get("base_url")
        if base_url:
            problem = connection.address_problem(base_url)
            if problem:
                self.add_error("custom_base_url" if custom else "base_url", problem)
            elif (
                self.has_saved_key
                and not cleaned.get("api_key")
                and "api_key" not in self.errors
                and base_url.strip() != self.current_base_url.strip()
            ):
                self.add_error("api_key", connection.RETYPE_KEY_MESSAGE)
        return cleaned


COUNTRY_CHOICES = [
    ("", _("Tous les pays")),
    ("US", _("États-Unis (US)")),
    ("FR", _("France (FR)")),
    ("DE", _("Allemagne (DE)")),
    ("GB", _("Royaume-Uni (GB)")),
    ("CN", _("Chine (CN)")),
]


class ProductSearchForm(forms.Form):
    """The Produits search. Its GET parameters are an interface: the dashboard's quick filters and the
    pagination links build them, so the form has no prefix.

    Country, category, sort and page come from a select or a link, never from typing: a stale or edited value
    is ignored (listed in ``ignored``) and the rest of the search still runs. A typed price that is wrong
    stops the search, with its error under the field."""

    IGNORED_WHEN_INVALID = ("country", "category", "sort", "page")

    q = forms.CharField(label=_("Mot-clé"), required=False, max_length=200)
    min_price = forms.DecimalField(label=_("Prix min (USD)"), required=False, min_value=0, decimal_places=2)
    max_price = forms.DecimalField(label=_("Prix max (USD)"), required=False, min_value=0, decimal_places=2)
    country = forms.ChoiceField(label=_("Pays"), required=False, choices=COUNTRY_CHOICES)
    category = forms.ChoiceField(label=_("Catégorie"), required=False, choices=())
    sort = forms.ChoiceField(label=_("Tri"), required=False, choices=())
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=1000)

    def __init__(self, *args, category_choices=(), sort_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Toutes les catégories")), *category_choices]
        self.fields["sort"].choices = list(sort_choices)
        localize_decimals(self)
        self.ignored: list[str] = []  # names of the fields whose invalid value was dropped

    @property
    def ignored_labels(self) -> list[str]:
        return [str(self.fields[name].label) for name in self.ignored]

    def clean(self):
        cleaned = super().clean()
        for name in self.IGNORED_WHEN_INVALID:
            if name in self.errors:
                del self.errors[name]
                self.ignored.append(name)
                cleaned[name] = None
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("Le prix max doit être supérieur au prix min."))
        return cleaned

    def filters(self) -> SearchFilters:
        """CJ's search parameters from a valid form (ignored parts fall back to no filter, page 1)."""
        data = self.cleaned_data
        return SearchFilters(
            keyword=data["q"] or "",
            min_price=data["min_price"],
            max_price=data["max_price"],
            country=data["country"] or "",
            category_id=data["category"] or "",
            sort=data["sort"] or "relevance",
            page=data["page"] or 1,
        )


class ImportForm(RuleFields):
    """The import form: a KAMRI category (or a new one), the pricing rule's fields, a status."""

    field_order = (
        "category",
        "new_category",
        "margin_percent",
        "rounding",
        "compare_at_multiplier",
        "status",
    )

    category = forms.ModelChoiceField(
        label=_("Catégorie KAMRI"), required=False, queryset=None, empty_label=_("— Sans catégorie —")
    )
    new_category = forms.CharField(
        label=_("ou nouvelle catégorie"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("Nom de la catégorie à créer")}),
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        choices=[(s.value, s.label) for s in (Product.Status.ACTIVE, Product.Status.INACTIVE)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
        in_tree_order(self.fields["category"])
        localize_decimals(self)


class BulkImportForm(ImportForm):
    """The import settings of "Import groupé", on the Produits page beside the search form: its own prefix
    keeps its ids (id_bulk-category…) apart from the search form's."""

    prefix = "bulk"


class AddressForm(OrderAddressForm):
    """The store order's address form, plus the IOSS choice, corrected by the admin before "Renvoyer"."""

    declare_without_ioss = forms.BooleanField(
        label=_("Déclarer sans IOSS"),
        required=False,
        help_text=_(
            "Pour un colis vers l'UE de plus de 150 € : l'IOSS ne s'applique pas, le destinataire paie la TVA "
            "d'importation à la livraison."
        ),
    )

    def __init__(self, *args, declare_without_ioss: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if (self.instance.country or "").upper() in ioss.EU_COUNTRIES:
            self.fields["declare_without_ioss"].initial = declare_without_ioss
        else:  # IOSS is an EU scheme: nothing to choose for other destinations
            del self.fields["declare_without_ioss"]


class TrackingForm(forms.Form):
    numbers = forms.CharField(
        label=_("Numéro(s) de suivi"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("Un ou plusieurs numéros, séparés par des espaces")}),
    )


WAREHOUSE_CHOICES = [code_label for code_label in COUNTRY_CHOICES if code_label[0]]


class AutomationSettingsForm(forms.ModelForm):
    """The shop owner's automation choices (CJSettings), grouped on one page."""

    stock_countries = forms.MultipleChoiceField(
        label=_("Entrepôts pris en compte pour le stock"),
        required=False,
        choices=WAREHOUSE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucun coché : tous les entrepôts."),
    )

    pay_batch_hours = forms.CharField(
        label=_("Heures des paiements par lots"),
        required=False,
        help_text=_("Heures de 0 à 23 séparées par des virgules, par exemple « 10, 18 »."),
    )

    SECTIONS = (
        (
            _("Import et prix"),
            (
                "default_margin_percent",
                "default_rounding",
                "default_compare_at_multiplier",
                "usd_rate",
                "stock_countries",
            ),
        ),
        (_("Commandes"), ("order_delay_minutes", "logistic_rule", "logistic_price_cap")),
        (
            _("Paiement des commandes CJ"),
            ("payment_mode", "pay_batch_hours", "pay_tolerance_percent", "daily_pay_cap_usd"),
        ),
        (_("Déclaration IOSS (colis vers l'UE)"), ("ioss_type", "ioss_number")),
        (
            _("Points CJ et fraîcheur du stock"),
            (
                "freshness_sold_hours",
                "freshness_max_age_hours",
                "points_reserve_multiplier",
                "points_reserve_floor",
            ),
        ),
        (
            _("Synchronisation et garde-fous"),
            (
                "price_tolerance_percent",
                "margin_floor_percent",
                "unavailable_action",
                "off_sale_action",
            ),
        ),
        (
            _("Webhooks et alertes"),
            (
                "require_signature",
                "webhook_retention_days",
                "no_webhook_alert_hours",
                "webhook_error_alert_percent",
                "no_tracking_alert_days",
                "low_balance_usd",
            ),
        ),
    )

    class Meta:
        model = CJSettings
        fields = [
            "default_margin_percent",
            "default_rounding",
            "default_compare_at_multiplier",
            "usd_rate",
            "stock_countries",
            "order_delay_minutes",
            "payment_mode",
            "pay_batch_hours",
            "pay_tolerance_percent",
            "daily_pay_cap_usd",
            "ioss_type",
            "ioss_number",
            "logistic_rule",
            "logistic_price_cap",
            "freshness_sold_hours",
            "freshness_max_age_hours",
            "points_reserve_multiplier",
            "points_reserve_floor",
            "price_tolerance_percent",
            "margin_floor_percent",
            "unavailable_action",
            "off_sale_action",
            "require_signature",
            "webhook_retention_days",
            "no_webhook_alert_hours",
            "webhook_error_alert_percent",
            "no_tracking_alert_days",
            "low_balance_usd",
        ]
        # CJ's "product not found" is acted on at once (catalog.availability.mark_not_found); the model's older label
        # said "2 fois de suite" and is not migrated for a label alone
        labels = {"unavailable_action": _("produit introuvable chez CJ")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        localize_decimals(self)
        # "IM 2500 012 345" as printed on the registration letter is accepted: checked once normalised
        self.fields["ioss_number"].max_length = None
        self.fields["ioss_number"].validators = []
        self.fields["ioss_number"].widget.attrs.pop("maxlength", None)
        if not self.is_bound:
            self.initial["pay_batch_hours"] = ", ".join(str(h) for h in self.instance.pay_batch_hours or [])

    def clean_pay_batch_hours(self) -> list[int]:
        text = (self.cleaned_data.get("pay_batch_hours") or "").replace(";", ",")
        hours = []
        for part in filter(None, (p.strip().removesuffix("h") for p in text.split(","))):
            if not part.isdigit() or not 0 <= int(part) <= 23:
                raise forms.ValidationError(
                    _(
                        "« %(part)s » n'est pas une heure : écrivez des heures de 0 à 23, par exemple « 10, 18 »."
                    )
                    % {"part": part}
                )
            hours.append(int(part))
        if self.cleaned_data.get("payment_mode") == CJSettings.PaymentMode.BATCH and not hours:
            raise forms.ValidationError(_("Le paiement par lots demande au moins une heure."))
        return sorted(set(hours))

    def clean_ioss_number(self) -> str:
        number = ioss.normalize_number(self.cleaned_data.get("ioss_number") or "")
        if self.cleaned_data.get("ioss_type") == CJSettings.IossType.OWN and not number:
            raise forms.ValidationError(
                _("Saisissez votre numéro IOSS, ou choisissez une autre déclaration.")
            )
        if number and not ioss.number_is_valid(number):
            raise forms.ValidationError(
                _("Numéro IOSS invalide : IM suivi de 10 chiffres, par exemple IM2500012345.")
            )
        return number

    def clean_daily_pay_cap_usd(self):
        cap = self.cleaned_data["daily_pay_cap_usd"]
        if cap is None or cap <= 0:
            raise forms.ValidationError(_("Le plafond journalier doit être positif."))
        return cap

    def clean_usd_rate(self):
        rate = self.cleaned_data["usd_rate"]
        if rate is None or rate <= 0:
            raise forms.ValidationError(_("Le taux de change doit être positif."))
        return rate

    def clean_default_margin_percent(self):
        margin = self.cleaned_data["default_margin_percent"]
        if margin < 0:
            raise forms.ValidationError(_("La marge ne peut pas être négative."))
        return margin

    def clean_default_compare_at_multiplier(self):
        value = self.cleaned_data.get("default_compare_at_multiplier")
        if value is not None and value <= 1:
            raise forms.ValidationError(_("Le prix barré doit être supérieur au prix (multiplicateur > 1)."))
        return value

    def clean_freshness_sold_hours(self):
        hours = self.cleaned_data["freshness_sold_hours"]
        if hours is None or hours < Decimal("0.5"):
            raise forms.ValidationError(_("Au moins 0,5 heure : CJ compte chaque vérification."))
        return hours

    def clean_freshness_max_age_hours(self):
        hours = self.cleaned_data["freshness_max_age_hours"]
        if hours is None or not 6 <= hours <= 24 * 14:
            raise forms.ValidationError(_("Entre 6 heures et 14 jours (336 heures)."))
        return hours

    def clean(self):
        data = super().clean()
        sold, oldest = data.get("freshness_sold_hours"), data.get("freshness_max_age_hours")
        if sold is not None and oldest is not None and sold > oldest:
            self.add_error(
                "freshness_sold_hours", _("La fraîcheur des produits vendus ne peut dépasser l'âge maximal.")
            )
        return data

    FORECAST_SECTION = "freshness_sold_hours"  # the section holding this field shows the live points forecast

    def sections(self):
        return [
            (title, [self[name] for name in names], self.FORECAST_SECTION in names)
            for title, names in self.SECTIONS
        ]

    def planner_settings(self) -> CJSettings | None:
        """The saved settings with the typed freshness and reserve values (not saved), or None if one is invalid."""
        names = (
            "freshness_sold_hours",
            "freshness_max_age_hours",
            "points_reserve_multiplier",
            "points_reserve_floor",
        )
        self.is_valid()
        if any(name in self.errors for name in names):
            return None
        row = CJSettings.load()
        for name in names:
            setattr(row, name, self.cleaned_data[name])
        return row
