"""Customer forms. Labels and messages in French; the rules themselves live in kamri.orders.checkout."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.orders.addresses import ShippingAddress, address_errors
from kamri.orders.checkout import MAX_LINE_QUANTITY
from kamri.orders.countries import (
    COUNTRIES,
    DEFAULT_COUNTRY,
    country_choices,
    house_number_required,
    postcode_required,
    province_required,
    tax_id_required,
)


class CartLineForm(forms.Form):
    """Which variant, how many: all the browser may say about a cart line (prices are ignored)."""

    variant = forms.IntegerField(
        min_value=1,
        error_messages={"required": _("Choisissez une variante."), "invalid": _("Article inconnu.")},
    )
    quantity = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_LINE_QUANTITY,
        error_messages={
            "invalid": _("Indiquez une quantité en chiffres."),
            "min_value": _("La quantité ne peut pas être négative."),
            "max_value": _("%(limit_value)s exemplaires au maximum."),
        },
    )


def _text(label, *, required: bool = True, autocomplete: str = "", help_text="", **attrs):
    """An address field. Its length is checked with the rest of the address (kamri.orders.limits), never cut
    short by the browser: a pasted street that lost its end would ship to the wrong door."""
    widget_attrs = {"autocomplete": autocomplete} if autocomplete else {}
    widget_attrs.update(attrs)
    return forms.CharField(
        label=label, required=required, help_text=help_text, widget=forms.TextInput(attrs=widget_attrs)
    )


# Fields required in some countries only: the rule, from kamri.orders.countries.
REQUIRED_IN_SOME_COUNTRIES: dict[str, Callable[[str], bool]] = {
    "zip_code": postcode_required,
    "province": province_required,
    "house_number": house_number_required,
    "tax_id": tax_id_required,
}
# Of those, the fields shown only where they are required (elsewhere nobody should be asked for them).
SHOWN_ONLY_WHERE_REQUIRED = ("house_number", "tax_id")


class CheckoutForm(forms.Form):
    customer_name = _text(_("Nom et prénom"), autocomplete="name")
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=None,  # kamri.orders.limits has the real one, checked with the address
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.")},
        help_text=_("Pour la confirmation et le suivi de votre colis."),
    )
    phone = _text(_("Téléphone"), autocomplete="tel", inputmode="tel", placeholder="+33 6 12 34 56 78")
    country = forms.ChoiceField(
        label=_("Pays"),
        initial=DEFAULT_COUNTRY,
        widget=forms.Select(attrs={"autocomplete": "country"}),
        error_messages={"invalid_choice": _("Nous ne livrons pas encore ce pays.")},
    )
    address1 = _text(_("Adresse"), autocomplete="address-line1", placeholder=_("Numéro et nom de rue"))
    address2 = _text(
        _("Complément d'adresse"),
        required=False,
        autocomplete="address-line2",
        placeholder=_("Appartement, étage, bâtiment (facultatif)"),
    )
    zip_code = _text(_("Code postal"), required=False, autocomplete="postal-code")
    city = _text(_("Ville"), autocomplete="address-level2")
    province = _text(_("Région / État / Province"), required=False, autocomplete="address-level1")
    house_number = _text(_("Numéro de rue"), required=False, placeholder="12")
    tax_id = _text(
        _("Numéro fiscal du destinataire"),
        required=False,
        autocomplete="off",
        help_text=_(
            "Exigé par la douane : CPF ou CNPJ au Brésil, code PCCC (P et 12 chiffres) en Corée du Sud. "
            "Il ne sert qu'au dédouanement."
        ),
    )
    expected_total = forms.DecimalField(
        required=False, widget=forms.HiddenInput, max_digits=12, decimal_places=2
    )

    def __init__(self, *args, cgv=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        if cgv is not None:  # the shop published its CGV: the customer accepts them to order
            self.fields["accept_cgv"] = forms.BooleanField(
                label=_("J'ai lu et j'accepte les conditions générales de vente"),
                error_messages={
                    "required": _("Cochez la case pour accepter les conditions générales de vente.")
                },
            )
        country = str(self["country"].value() or "").upper()
        for name, rule in REQUIRED_IN_SOME_COUNTRIES.items():
            field = self.fields[name]
            # Read by _field.html (the asterisk, for the country shown) and checkout.html's script (on change).
            field.required_in = sorted(code for code in COUNTRIES if rule(code))
            field.required_now = rule(country)
            field.widget.attrs["data-required-in"] = " ".join(field.required_in)
            if field.required_now:
                field.widget.attrs["aria-required"] = "true"
            field.shown_only_where_required = name in SHOWN_ONLY_WHERE_REQUIRED
        self.fields["province"].help_text = _("Obligatoire pour : %(countries)s.") % {
            "countries": ", ".join(
                name for code, name in country_choices() if code in self.fields["province"].required_in
            )
        }

    def clean_expected_total(self) -> Decimal | None:
        try:
            value = Decimal(self.cleaned_data.get("expected_total") or "")
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def clean(self):
        cleaned = super().clean()
        address = self.address(cleaned)
        for name, message in address_errors(address).items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def address(self, data: dict | None = None) -> ShippingAddress:
        data = self.cleaned_data if data is None else data
        country = data.get("country") or ""
        return ShippingAddress(
            customer_name=data.get("customer_name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
            country=country,
            city=data.get("city") or "",
            address1=data.get("address1") or "",
            province=data.get("province") or "",
            zip_code=data.get("zip_code") or "",
            address2=data.get("address2") or "",
            # typed for another country, then hidden: never an error on a field the customer cannot see
            house_number=(data.get("house_number") or "") if house_number_required(country) else "",
            tax_id=(data.get("tax_id") or "") if tax_id_required(country) else "",
        )
