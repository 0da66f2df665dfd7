from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from kamri.core.roles import Role


class InviteForm(forms.Form):
    username = forms.CharField(
        label=_("Identifiant"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Lettres, chiffres et @ . + - _ uniquement."),
    )
    email = forms.EmailField(label=_("E-mail (facultatif)"), required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.OPERATOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
