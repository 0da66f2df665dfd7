from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kamri.cj.tiers import Tier


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

    def __init__(self, *args, has_saved_key: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_saved_key = has_saved_key
        self.fields["base_url"].choices = base_url_choices()
        self.fields["base_url"].initial = settings.CJ_SANDBOX_URL

    def clean_api_key(self) -> str:
        key = self.cleaned_data.get("api_key", "")
        if any(character.isspace() for character in key):
            raise forms.ValidationError(_("La clé API ne doit pas contenir d'espace."))
        if not key and not self.has_saved_key:
            raise forms.ValidationError(_("Saisissez la clé API fournie par CJ."))
        return key
