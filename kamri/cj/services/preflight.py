"""Checks run before any CJ order call: a bad address or an unmapped line never reaches CJ."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kamri.orders.checkout import phone_is_plausible
from kamri.orders.countries import POSTCODE_PATTERNS, postcode_is_valid, postcode_required, province_required
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
    return result


def province_for_cj(order: Order) -> str:
    """CJ requires shippingProvince: where a country has none, the city is what carriers expect."""
    return (order.province or "").strip() or (order.city or "").strip()
