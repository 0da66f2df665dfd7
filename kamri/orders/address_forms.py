"""The shipping address of a store order, corrected by the admin (held store order, or the CJ order page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.core.text import single_line
from kamri.orders.checkout import ADDRESS_LINES, ShippingAddress, identity_errors, phone_is_plausible
from kamri.orders.countries import country_choices, country_name
from kamri.orders.limits import too_long
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

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if not phone_is_plausible(phone):
            raise forms.ValidationError(_("Téléphone invalide : 6 à 15 chiffres, indicatif compris."))
        return phone

    def clean(self):
        cleaned = super().clean()
        for name in ADDRESS_LINES:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = single_line(cleaned[name])
        cleaned["tax_id"] = "".join((cleaned.get("tax_id") or "").upper().split())
        wanted = ShippingAddress(
            customer_name="",
            email="",
            phone="",
            country=cleaned.get("country") or "",
            city="",
            address1="",
            house_number=cleaned.get("house_number") or "",
            tax_id=cleaned["tax_id"],
        )
        for name, message in identity_errors(wanted).items():
            if name not in self.errors:
                self.add_error(name, message)
        for name, (length, limit) in too_long(cleaned).items():
            if name not in self.errors:
                self.add_error(
                    name,
                    _("CJ n'accepte pas plus de %(limit)s caractères ici (%(length)s saisis).")
                    % {"limit": limit, "length": length},
                )
        return cleaned
