"""Checks run before any CJ order call: a bad address or an unmapped line never reaches CJ."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.orders import ioss
from kamri.core.templatetags.kamri import money
from kamri.orders.checkout import phone_is_plausible
from kamri.orders.countries import (
    POSTCODE_PATTERNS,
    TAX_ID_EXAMPLES,
    TAX_ID_NAMES,
    country_name,
    house_number_required,
    postcode_is_valid,
    postcode_required,
    province_required,
    tax_id_is_valid,
    tax_id_required,
)
from kamri.orders.limits import ADDRESS_MAX_LENGTHS, too_long
from kamri.orders.models import Order


@dataclass
class Preflight:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


def check_address(order: Order) -> Preflight:
    """Lengths CJ accepts, phone, postcode and province, in the admin's words."""
    result = Preflight()
    # The values as createOrderV2 gets them (an empty province is sent as the city, checked as the city).
    sent = {name: getattr(order, name) or "" for name in ADDRESS_MAX_LENGTHS}
    for name, (length, limit) in too_long(sent).items():
        result.add(
            _("« %(field)s » trop long pour CJ : %(length)s caractères pour %(limit)s au maximum.")
            % {"field": capfirst(Order._meta.get_field(name).verbose_name), "length": length, "limit": limit}
        )
    country = (order.country or "").upper()
    if not (order.phone or "").strip():
        result.add(_("Téléphone manquant : les transporteurs l'exigent."))
    elif not phone_is_plausible(order.phone):
        result.add(_("Téléphone invalide : « %(phone)s ».") % {"phone": order.phone})
    if len(country) != 2 or not country.isalpha():
        result.add(_("Pays invalide : un code ISO à deux lettres est attendu."))
    zip_code = (order.zip_code or "").strip()
    if not zip_code and country in POSTCODE_PATTERNS and postcode_required(country):
        result.add(_("Code postal manquant."))
    elif zip_code and not postcode_is_valid(country, zip_code):
        result.add(
            _("Code postal « %(zip)s » invalide pour %(country)s.") % {"zip": zip_code, "country": country}
        )
    if province_required(country) and not (order.province or "").strip():
        result.add(_("Région / État obligatoire pour %(country)s.") % {"country": country})
    if not (order.city or "").strip():
        result.add(_("Ville manquante."))
    if not (order.address1 or "").strip():
        result.add(_("Adresse manquante."))
    if not (order.customer_name or "").strip():
        result.add(_("Nom du destinataire manquant."))
    _check_identity(order, country, result)
    return result


def _check_identity(order: Order, country: str, result: Preflight) -> None:
    """houseNumber and taxId where the carrier or the customs need them (kamri.orders.countries)."""
    where = {"country": country_name(country)}
    if house_number_required(country) and not (order.house_number or "").strip():
        result.add(
            _(
                "Numéro de rue manquant : le transporteur l'exige à part de la rue pour %(country)s. "
                "Saisissez-le dans « Numéro de rue » de l'adresse ci-dessous, puis « Renvoyer »."
            )
            % where
        )
    if not tax_id_required(country):
        return
    names = {**where, "name": TAX_ID_NAMES[country], "example": TAX_ID_EXAMPLES[country]}
    if not (order.tax_id or "").strip():
        result.add(
            _(
                "Numéro fiscal du destinataire (%(name)s) manquant : la douane de %(country)s l'exige. "
                "Demandez-le au client, saisissez-le dans l'adresse ci-dessous, puis « Renvoyer »."
            )
            % names
        )
    elif not tax_id_is_valid(country, order.tax_id):
        result.add(
            _(
                "Numéro fiscal du destinataire (%(name)s) invalide pour %(country)s, par exemple %(example)s : "
                "corrigez-le dans l'adresse ci-dessous, puis « Renvoyer »."
            )
            % names
        )


def check_declaration(order: Order, row: CJOrder, line_ids: list[int]) -> Preflight:
    """The IOSS declaration of an EU parcel: never IOSS above 150 €, never "own IOSS" without a valid number."""
    result = Preflight()
    declared = ioss.declaration(order, row, CJSettings.load())
    if declared.kind not in (CJSettings.IossType.OWN, CJSettings.IossType.CJ):
        return result
    value = ioss.intrinsic_value_eur(order, line_ids)
    without = _(
        "Cochez « Déclarer sans IOSS » sous l'adresse ci-dessous (le destinataire paiera la TVA "
        "d'importation à la livraison : prévenez-le), puis « Renvoyer »."
    )
    if value is None:
        result.add(
            _(
                "Valeur des articles en euros inconnue (aucun taux de change vers l'euro) : KAMRI ne peut pas "
                "vérifier le plafond IOSS de 150 €. %(next)s"
            )
            % {"next": without}
        )
    elif value > ioss.IOSS_CEILING_EUR:
        result.add(
            _(
                "Valeur des articles de %(value)s hors TVA, au-dessus du plafond IOSS de 150 € : la déclaration "
                "« %(kind)s » serait fausse pour ce colis. %(next)s"
            )
            % {
                "value": money(value, "EUR"),
                "kind": CJSettings.IossType(declared.kind).label,
                "next": without,
            }
        )
    elif declared.kind == CJSettings.IossType.OWN and not ioss.number_is_valid(declared.ioss_number or ""):
        result.add(
            _(
                "Déclaration IOSS avec votre propre numéro, mais aucun numéro IOSS valide (IM suivi de "
                "10 chiffres) n'est enregistré : saisissez-le dans Paramètres › Déclaration IOSS, puis "
                "« Renvoyer »."
            )
        )
    return result


def province_for_cj(order: Order) -> str:
    """CJ requires shippingProvince: where a country has none, the city is what carriers expect."""
    return (order.province or "").strip() or (order.city or "").strip()
