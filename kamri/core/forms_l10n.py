"""Decimal inputs in the admin's language: "60,00" and "1,5" on French pages, "60.00" on English ones.

Django renders a DecimalField as <input type="number">, whose value is always written with a dot whatever the
language; a localized text input shows and accepts the active language's decimal mark (a dot is still read).
"""

from __future__ import annotations

from django import forms


def localize_decimals(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if not isinstance(field, forms.DecimalField):
            continue
        kept = {key: value for key, value in field.widget.attrs.items() if key not in ("step", "min", "max")}
        field.localize = True
        field.widget = forms.TextInput(attrs={**kept, "inputmode": "decimal"})
        field.widget.is_localized = True
