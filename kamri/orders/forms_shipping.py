"""Forms of the Livraison page: a shipping rule, the VAT table."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.orders.countries import country_choices, country_name
from kamri.orders.models_billing import ShippingRule
from kamri.orders.shipping import EU_ZONE, EVERYWHERE
from kamri.orders.vat import EU_COUNTRIES


def zone_choices() -> list[tuple[str, str]]:
    return [
        (EVERYWHERE, str(_("Partout (par défaut)"))),
        (EU_ZONE, str(_("Union européenne"))),
        *country_choices(),  # the checkout's order: by name in the language, accents ignored
    ]


def zone_label(zone: str) -> str:
    return dict(zone_choices()).get(zone, zone)


class ShippingRuleForm(forms.ModelForm):
    zone = forms.ChoiceField(label=_("Zone"), choices=zone_choices)
    kind = forms.ChoiceField(
        label=_("Règle"), choices=ShippingRule.Kind.choices, initial=ShippingRule.Kind.FLAT
    )

    class Meta:
        model = ShippingRule
        fields = ["zone", "position", "kind", "amount", "markup_percent", "threshold"]
        localized_fields = ["amount", "markup_percent", "threshold"]  # "4,90" in French
        help_texts = {
            "position": _(
                "Les règles d'une zone s'appliquent dans cet ordre : la première qui convient fixe le prix."
            ),
            "amount": _("Pour un forfait."),
            "markup_percent": _(
                "Pour le tarif du transporteur : 10 = tarif + 10 %, arrondi aux 10 centimes supérieurs."
            ),
            "threshold": _("Pour « offerte à partir d'un montant » : sous-total TTC des articles."),
        }

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for name in ("amount", "markup_percent", "threshold"):
            value = cleaned.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Indiquez un nombre positif ou zéro."))
        if kind == ShippingRule.Kind.FLAT and not cleaned.get("amount"):
            self.add_error("amount", _("Indiquez le montant du forfait, par exemple 4,90."))
        if kind == ShippingRule.Kind.FREE_ABOVE and not cleaned.get("threshold"):
            self.add_error(
                "threshold",
                _("Indiquez le montant à partir duquel la livraison est offerte, par exemple 50."),
            )
        if (cleaned.get("markup_percent") or Decimal("0")) > 500:
            self.add_error("markup_percent", _("500 % au maximum."))
        return cleaned


class VatRatesForm(forms.Form):
    """One field per EU country, its standard rate in percent."""

    def __init__(self, *args, rates: dict[str, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for code in [code for code, _name in country_choices() if code in EU_COUNTRIES]:
            self.fields[code] = forms.DecimalField(
                label=country_name(code),
                initial=rates.get(code),
                min_value=Decimal("0"),
                max_value=Decimal("50"),
                max_digits=5,
                decimal_places=2,
                error_messages={
                    # Django formats these two with the limit (message % params): "%%" writes the sign.
                    "min_value": _("Un taux entre 0 et 50 %%."),
                    "max_value": _("Un taux entre 0 et 50 %%."),
                    "invalid": _("Un nombre, par exemple 20 ou 25,5."),
                    "required": _("Indiquez le taux, par exemple 20."),
                },
                localize=True,
            )
