from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.aftersales.models import CustomerRequest
from kamri.aftersales.services import MESSAGE_LIMIT


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Motif"), choices=CustomerRequest.Kind.choices, widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Votre message"),
        max_length=MESSAGE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MESSAGE_LIMIT}),
    )
    request_key = forms.CharField(widget=forms.HiddenInput)
