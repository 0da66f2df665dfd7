"""Checks run before any CJ order call: a bad address or an unmapped line never reaches CJ."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.orders import ioss
from kamri.core.templatetags.kamri import money
from kamri.orders.addresses import INVALID, MISSING, TOO_LONG, Problem, ShippingAddress, address_problems
from kamri.orders.countries import TAX_ID_EXAMPLES, TAX_ID_NAMES, country_name
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


def check_address(order: Order, *, then: str = "") -> Preflight:
    """The one address rule set (kamri.orders.addresses), in the admin's words with the next step.

    The values are checked as createOrderV2 gets them: an empty province is sent as the city, which the
    city's own checks already cover (same length limit). Nothing here is stricter than the address form.
    `then` is the button the admin clicks once it is corrected (« Renvoyer » on the CJ order page)."""
    result = Preflight()
    then = then or _("« Renvoyer »")
    address = ShippingAddress.of(order)
    country = address.country.strip().upper()
    problems = address_problems(address)
    for problem in problems.values():  # the lengths first: CJ refuses the whole order on one of them
        if problem.kind == TOO_LONG:
            result.add(
                _("« %(field)s » trop long pour CJ : %(length)s caractères pour %(limit)s au maximum.")
                % {
                    "field": capfirst(Order._meta.get_field(problem.field).verbose_name),
                    "length": problem.length,
                    "limit": problem.limit,
                }
            )
    for problem in problems.values():
        if problem.kind != TOO_LONG:
            result.add(_sentence(problem, address, country, then))
    return result


def _sentence(problem: Problem, address: ShippingAddress, country: str, then: str) -> str:
    """A problem of the address rule set as the CJ order page says it."""
    where = {"country": country_name(country), "then": then}
    key = (problem.field, problem.kind)
    if key == ("phone", MISSING):
        return _("Téléphone manquant : les transporteurs l'exigent.")
    if key == ("phone", INVALID):
        return _("Téléphone invalide : « %(phone)s ».") % {"phone": address.phone}
    if problem.field == "country":
        return _("Pays invalide : un code ISO à deux lettres est attendu.")
    if key == ("zip_code", MISSING):
        return _("Code postal manquant.")
    if key == ("zip_code", INVALID):
        return _("Code postal « %(zip)s » invalide pour %(country)s.") % {
            "zip": address.zip_code.strip(),
            "country": country,
        }
    if problem.field == "province":
        return _("Région / État obligatoire pour %(country)s.") % {"country": country}
    if problem.field == "city":
        return _("Ville manquante.")
    if problem.field == "address1":
        return _("Adresse manquante.")
    if problem.field == "customer_name":
        return _("Nom du destinataire manquant.")
    if problem.field == "house_number":
        return (
            _(
                "Numéro de rue manquant : le transporteur l'exige à part de la rue pour %(country)s. "
                "Saisissez-le dans « Numéro de rue » de l'adresse ci-dessous, puis %(then)s."
            )
            % where
        )
    names = {**where, "name": TAX_ID_NAMES[country], "example": TAX_ID_EXAMPLES[country]}
    if key == ("tax_id", MISSING):
        return (
            _(
                "Numéro fiscal du destinataire (%(name)s) manquant : la douane de %(country)s l'exige. "
                "Demandez-le au client, saisissez-le dans l'adresse ci-dessous, puis %(then)s."
            )
            % names
        )
    return (
        _(
            "Numéro fiscal du destinataire (%(name)s) invalide pour %(country)s, par exemple %(example)s : "
            "corrigez-le dans l'adresse ci-dessous, puis %(then)s."
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
