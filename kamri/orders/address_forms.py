"""The shipping address of a store order, corrected by the admin (held store order, or the CJ order page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.core.text import single_line
from kamri.orders.addresses import ADDRESS_LINES, ShippingAddress, admin_address_errors
from kamri.orders.countries import country_choices, country_name, normalize_postcode
from kamri.orders.models import Order


class OrderAddressForm(forms.ModelForm):
    """The store order's address fields, validated by the address rules of kamri.orders."""

    class Meta:
        model = Order
        # the order a person writes an address in: who, how to reach them, street, town, country
        fields = [
            "customer_name",
            "email",
            "phone",
            "address1",
            "address2",
            "zip_code",
            "city",
            "province",
            "country",
            "house_number",
            "tax_id",
        ]
        help_texts = {
            "house_number": _("Exigé à part de la rue pour la Belgique, le Luxembourg et les Pays-Bas."),
            "tax_id": _("Exigé par la douane : CPF ou CNPJ au Brésil, RUT au Chili, PCCC en Corée du Sud."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = country_choices()
        current = (self.instance.country or "").upper()
        if current and current not in dict(choices):  # an order's code KAMRI does not list stays choosable
            choices = [(current, country_name(current)), *choices]
        self.fields["country"] = forms.ChoiceField(
            label=self.fields["country"].label,
            choices=choices,
            error_messages={"invalid_choice": _("Choisissez le pays dans la liste.")},
        )

    def clean(self):
        cleaned = super().clean()
        for name in ADDRESS_LINES:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = single_line(cleaned[name])
        cleaned["tax_id"] = "".join((cleaned.get("tax_id") or "").upper().split())
        if isinstance(cleaned.get("phone"), str):
            cleaned["phone"] = cleaned["phone"].strip()
        if isinstance(cleaned.get("zip_code"), str):
            cleaned["zip_code"] = normalize_postcode(cleaned["zip_code"])
        wanted = ShippingAddress(
            **{name: cleaned.get(name) or "" for name in ShippingAddress.__dataclass_fields__}
        )
        # the one rule set (kamri.orders.addresses), also the CJ pre-flight's: saved here, accepted there
        for name, message in admin_address_errors(wanted).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned
