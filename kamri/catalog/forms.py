"""Forms of KAMRI's product editor and of the catalogue's bulk actions (validation only; saving is
kamri.catalog.editor / kamri.catalog.bulk)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.catalog.models import Category, Product, Variant
from kamri.catalog.pricing import PricingRule
from kamri.catalog.selectors import in_tree_order
from kamri.core.forms_l10n import localize_decimals
from kamri.core.money import Rounding
from kamri.core.text import single_line

MAX_IMAGES = 20
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")  # an <img> runs no SVG script


def image_url_problem(url: str) -> str | None:
    """Why an image address is refused, or None. KAMRI never downloads it (no request leaves the server, so
    no SSRF): the customer's browser loads it, as it loads CJ's images; only http(s) image files are taken."""
    if len(url) > 500:
        return _("L'adresse de l'image dépasse 500 caractères.")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("L'image doit être une adresse http(s) complète, par exemple https://exemple.fr/photo.jpg.")
    if not parts.path.lower().endswith(IMAGE_SUFFIXES):
        return _("L'adresse doit être celle d'une image (.jpg, .jpeg, .png, .gif, .webp, .avif ou .svg).")
    return None


#: A variant's price in the editor: each refusal a sentence with an example (Django's own are about digits).
PRICE_ERRORS = {
    "invalid": _("Saisissez un prix, par exemple 12,50."),
    "min_value": _("Un prix positif ou zéro, par exemple 12,50."),
    "max_digits": _("Un prix de 10 chiffres au plus avant la virgule, par exemple 12,50."),
    "max_whole_digits": _("Un prix de 10 chiffres au plus avant la virgule, par exemple 12,50."),
    "max_decimal_places": _("Deux décimales au plus, par exemple 12,50."),
    "required": _("Indiquez le prix, par exemple 12,50."),
}


class RuleFields(forms.Form):
    """A pricing rule, as on CJ's import form: margin, rounding, optional compare-at multiplier."""

    margin_percent = forms.DecimalField(
        label=_("Marge (%)"),
        min_value=0,
        max_value=1000,
        decimal_places=2,
        help_text=_("Pourcentage ajouté au coût (par exemple 60 : prix = coût × 1,6 avant l'arrondi)."),
        error_messages={
            "invalid": _("Saisissez une marge en pourcentage, par exemple 60."),
            "min_value": _("Une marge entre 0 et 1000 %%, par exemple 60."),
            "max_value": _("Une marge entre 0 et 1000 %%, par exemple 60."),
            "max_decimal_places": _("Deux décimales au plus, par exemple 62,5."),
            "required": _("Indiquez la marge, par exemple 60."),
        },
    )
    rounding = forms.ChoiceField(label=_("Arrondi"), choices=Rounding.choices)
    compare_at_multiplier = forms.DecimalField(
        label=_("Prix barré (× prix)"),
        required=False,
        min_value=Decimal("1.01"),
        max_value=10,
        decimal_places=2,
        help_text=_("Facultatif, par exemple 1,5."),
        error_messages={
            "invalid": _("Saisissez un multiplicateur, par exemple 1,5."),
            "min_value": _("Un multiplicateur entre 1,01 et 10, par exemple 1,5 (ou laissez vide)."),
            "max_value": _("Un multiplicateur entre 1,01 et 10, par exemple 1,5 (ou laissez vide)."),
            "max_decimal_places": _("Deux décimales au plus, par exemple 1,25."),
        },
    )

    def rule(self) -> PricingRule:
        return PricingRule.of(self.cleaned_data)


class ProductEditForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    seo_title = forms.CharField(label=_("Titre SEO"), max_length=255, required=False)
    seo_description = forms.CharField(
        label=_("Description SEO"), max_length=320, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    title_en = forms.CharField(label=_("Titre"), max_length=255, required=False)
    description_en = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    seo_title_en = forms.CharField(label=_("Titre SEO"), max_length=255, required=False)
    seo_description_en = forms.CharField(
        label=_("Description SEO"), max_length=320, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    status = forms.ChoiceField(label=_("Statut"), choices=Product.Status.choices)
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("— Sans catégorie —"),
    )
    new_image_url = forms.CharField(label=_("Ajouter une image (adresse)"), required=False, max_length=600)

    def __init__(self, *args, product: Product, variants: list[Variant], rule: PricingRule | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product, self.variants, self.has_rule = product, variants, rule is not None
        in_tree_order(self.fields["category"])
        self.option_rows: list[dict] = []
        labels = product.option_labels or {}
        for index, (name, values) in enumerate(_distinct_options(variants).items()):
            shown = (labels.get("names") or {}).get(name) or {}
            row = {
                "name": name,
                "key": f"opt{index}",
                "fr": f"opt{index}_fr",
                "en": f"opt{index}_en",
                "values": [],
            }
            for lang in ("fr", "en"):
                self.fields[f"opt{index}_{lang}"] = forms.CharField(
                    required=False, max_length=60, initial=shown.get(lang, ""), label=name
                )
            for value_index, value in enumerate(values):
                value_shown = ((labels.get("values") or {}).get(name) or {}).get(value) or {}
                key = f"opt{index}v{value_index}"
                for lang in ("fr", "en"):
                    self.fields[f"{key}_{lang}"] = forms.CharField(
                        required=False, max_length=120, initial=value_shown.get(lang, ""), label=value
                    )
                row["values"].append({"value": value, "key": key, "fr": f"{key}_fr", "en": f"{key}_en"})
            self.option_rows.append(row)
        if rule is not None:
            rule_fields = RuleFields(
                initial={
                    "margin_percent": rule.margin_percent,
                    "rounding": rule.rounding.value,
                    "compare_at_multiplier": rule.compare_at_multiplier,
                }
            )
            for name, field in rule_fields.fields.items():
                self.fields[name] = field
                self.initial.setdefault(name, rule_fields.initial.get(name))
        for variant in variants:
            fixed = variant.price_fixed or rule is None
            self.fields[f"price_{variant.pk}"] = forms.DecimalField(
                label=_("Prix"),
                min_value=0,
                max_digits=12,
                decimal_places=2,
                required=rule is None,
                initial=variant.price if fixed else None,
                error_messages=PRICE_ERRORS,
            )
            self.fields[f"compare_{variant.pk}"] = forms.DecimalField(
                label=_("Prix barré"),
                min_value=0,
                max_digits=12,
                decimal_places=2,
                required=False,
                initial=variant.compare_at_price if fixed else None,
                error_messages=PRICE_ERRORS,
            )
        localize_decimals(self)

    def get(self, name: str):
        """A bound field by name, for the template's dynamic rows (`form|get_item:key`)."""
        return self[name] if name in self.fields else None

    @property
    def language_blocks(self):
        yield (
            "fr",
            _("Français"),
            self["title"],
            self["description"],
            self["seo_title"],
            self["seo_description"],
        )
        yield (
            "en",
            _("Anglais"),
            self["title_en"],
            self["description_en"],
            self["seo_title_en"],
            self["seo_description_en"],
        )

    def clean_title(self) -> str:
        return single_line(self.cleaned_data["title"]).strip()

    def clean_title_en(self) -> str:
        return single_line(self.cleaned_data["title_en"]).strip()

    def clean(self):
        cleaned = super().clean()
        images, problems = self._images()
        for problem in problems:
            self.add_error("new_image_url", problem)
        cleaned["images"] = images
        for variant in self.variants:
            price, compare = cleaned.get(f"price_{variant.pk}"), cleaned.get(f"compare_{variant.pk}")
            if price is not None and compare is not None and compare <= price:
                self.add_error(f"compare_{variant.pk}", _("Le prix barré doit être supérieur au prix."))
        return cleaned

    def _images(self) -> tuple[list[str], list[str]]:
        """The gallery in the order the positions say, without the removed ones, plus the new address."""
        urls = self.data.getlist("image_url")
        positions = self.data.getlist("image_position")
        removed = set(self.data.getlist("image_remove"))
        ordered = []
        for index, url in enumerate(urls[:MAX_IMAGES]):
            try:
                position = int(positions[index])
            except (IndexError, ValueError):
                position = index + 1
            if url not in removed:
                ordered.append((position, index, url.strip()))
        images, problems = [url for _p, _i, url in sorted(ordered)], []
        new = (self.data.get("new_image_url") or "").strip()
        if new:
            images.append(new)
        for url in images:
            problem = image_url_problem(url)
            if problem and problem not in problems:
                problems.append(problem)
        if len(images) > MAX_IMAGES:
            problems.append(_("Au plus %(n)s images par produit.") % {"n": MAX_IMAGES})
        return list(dict.fromkeys(images)), problems

    def option_labels(self) -> dict:
        names, values = {}, {}
        for row in self.option_rows:
            names[row["name"]] = self._pair(row["key"])
            for value in row["values"]:
                values.setdefault(row["name"], {})[value["value"]] = self._pair(value["key"])
        clean = {name: pair for name, pair in names.items() if pair}
        clean_values = {
            name: {value: pair for value, pair in by_value.items() if pair}
            for name, by_value in values.items()
        }
        return {"names": clean, "values": {name: v for name, v in clean_values.items() if v}}

    def _pair(self, key: str) -> dict:
        return {
            lang: single_line(self.cleaned_data.get(f"{key}_{lang}") or "").strip()
            for lang in ("fr", "en")
            if (self.cleaned_data.get(f"{key}_{lang}") or "").strip()
        }

    def rule(self) -> PricingRule | None:
        if not self.has_rule:
            return None
        return PricingRule.of(self.cleaned_data)

    def prices(self) -> dict[int, tuple[Decimal | None, Decimal | None]]:
        return {
            variant.pk: (
                self.cleaned_data.get(f"price_{variant.pk}"),
                self.cleaned_data.get(f"compare_{variant.pk}"),
            )
            for variant in self.variants
        }


def _distinct_options(variants: list[Variant]) -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for variant in variants:
        for name, value in (variant.options or {}).items():
            values = options.setdefault(str(name), [])
            if str(value) not in values:
                values.append(str(value))
    return options


class BulkForm(forms.Form):
    """One bulk action on the ticked products: a status, a category, or a pricing rule."""

    ACTIONS = (("status", _("statut")), ("category", _("catégorie")), ("rule", _("règle de prix")))

    action = forms.ChoiceField(choices=ACTIONS)
    status = forms.ChoiceField(label=_("Statut"), choices=Product.Status.choices, required=False)
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("— Sans catégorie —"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_tree_order(self.fields["category"])
        rule_fields = RuleFields()
        for name, field in rule_fields.fields.items():
            field.required = False
            self.fields[name] = field
        self.fields["rounding"].initial = Rounding.NINETY_NINE.value
        localize_decimals(self)

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "status" and not cleaned.get("status"):
            self.add_error("status", _("Choisissez un statut."))
        if action == "rule" and cleaned.get("margin_percent") is None:
            self.add_error("margin_percent", _("Indiquez la marge de la règle de prix."))
        return cleaned

    def rule(self) -> PricingRule:
        return PricingRule.of(self.cleaned_data)
