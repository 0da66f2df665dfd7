"""Checks run before any CJ order call: a bad address or an unmapped line never reaches CJ."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kamri.orders.models import Order

# Postcode formats of the countries CJ ships to most; others are only checked for presence where CJ needs it.
ZIP_FORMATS: dict[str, str] = {
    "US": r"\d{5}(-\d{4})?",
    "FR": r"\d{5}",
    "DE": r"\d{5}",
    "ES": r"\d{5}",
    "IT": r"\d{5}",
    "BE": r"\d{4}",
    "CH": r"\d{4}",
    "AT": r"\d{4}",
    "NL": r"\d{4} ?[A-Za-z]{2}",
    "PT": r"\d{4}-\d{3}",
    "GB": r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}",
    "CA": r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d",
    "AU": r"\d{4}",
    "PL": r"\d{2}-\d{3}",
    "SE": r"\d{3} ?\d{2}",
    "DK": r"\d{4}",
    "IE": r"[A-Za-z]\d[\dWw] ?[A-Za-z\d]{4}",
    "JP": r"\d{3}-?\d{4}",
    "BR": r"\d{5}-?\d{3}",
    "MX": r"\d{5}",
}
# Countries whose addresses are not deliverable without a state/province; elsewhere the city stands in for it.
PROVINCE_REQUIRED = frozenset({"US", "CA", "AU", "BR", "MX", "IN", "CN", "IT", "ES", "JP", "AR"})
ZIP_REQUIRED = frozenset(ZIP_FORMATS) - {"IE"}


@dataclass
class Preflight:
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


def phone_digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")


def check_address(order: Order) -> Preflight:
    """Phone, postcode and province, in the admin's words."""
    result = Preflight()
    country = (order.country or "").upper()
    digits = phone_digits(order.phone)
    if not digits:
        result.add(_("Téléphone manquant : les transporteurs l'exigent."))
    elif not 6 <= len(digits) <= 15 or re.search(r"[^\d\s+().\-]", order.phone):
        result.add(_("Téléphone invalide : « %(phone)s ».") % {"phone": order.phone})
    if len(country) != 2 or not country.isalpha():
        result.add(_("Pays invalide : un code ISO à deux lettres est attendu."))
    zip_code = (order.zip_code or "").strip()
    pattern = ZIP_FORMATS.get(country)
    if country in ZIP_REQUIRED and not zip_code:
        result.add(_("Code postal manquant."))
    elif pattern and zip_code and not re.fullmatch(pattern, zip_code):
        result.add(
            _("Code postal « %(zip)s » invalide pour %(country)s.") % {"zip": zip_code, "country": country}
        )
    if country in PROVINCE_REQUIRED and not (order.province or "").strip():
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
