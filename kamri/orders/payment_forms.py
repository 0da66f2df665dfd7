"""Forms of the Paiements page and of the store order's actions."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kamri.orders.models import PaymentSettings


class StripeKeysForm(forms.Form):
    """Secrets are never shown back: an empty field keeps the stored value."""

    secret_key = forms.CharField(
        label=_("Clé secrète"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "placeholder": "sk_live_…"}),
        help_text=_("Laissez vide pour garder la clé enregistrée."),
    )
    publishable_key = forms.CharField(
        label=_("Clé publiable"),
        required=False,
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "pk_live_…"}),
    )
    webhook_secret = forms.CharField(
        label=_("Secret du webhook"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "placeholder": "whsec_…"}),
        help_text=_("Stripe › Développeurs › Webhooks › votre point de terminaison › Clé de signature."),
    )
    hold_amount_above = forms.DecimalField(
        label=_("Retenir une commande au-dessus de"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Vide : pas de seuil."),
        localize=True,
    )
    hold_first_order_above = forms.DecimalField(
        label=_("Retenir une première commande au-dessus de"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Vide : pas de seuil."),
        localize=True,
    )
    hold_on_elevated_risk = forms.BooleanField(
        label=_("Retenir si Stripe juge le risque élevé"), required=False
    )
    hold_on_flagged_address = forms.BooleanField(
        label=_("Retenir si la vérification d'adresse la signale"),
        required=False,
        help_text=_(
            "Téléphone, code postal, région, numéro de rue ou numéro fiscal manquant ou invalide : la commande "
            "attend que vous corrigiez l'adresse puis cliquiez sur « Libérer »."
        ),
    )

    def __init__(self, *args, current: PaymentSettings, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        if not self.is_bound:
            self.initial.update(
                publishable_key=current.publishable_key,
                hold_amount_above=current.hold_amount_above,
                hold_first_order_above=current.hold_first_order_above,
                hold_on_elevated_risk=current.hold_on_elevated_risk,
                hold_on_flagged_address=current.hold_on_flagged_address,
            )

    def keys(self) -> tuple[str, str, str]:
        """The keys to use: typed ones, else the stored ones."""
        data = self.cleaned_data
        return (
            data.get("secret_key", "").strip() or self.current.secret_key,
            data.get("publishable_key", "").strip(),
            data.get("webhook_secret", "").strip() or self.current.webhook_secret,
        )


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Montant"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        localize=True,
    )
    reason = forms.CharField(label=_("Motif"), required=False, max_length=300)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note interne"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
