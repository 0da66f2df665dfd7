"""Countries we ship to: ISO 3166-1 alpha-2 codes with French names, and the postcode formats we know.

One place for the rule: the checkout form validates with it, and a supplier's pre-flight checks can reuse
`postcode_is_valid` / `province_required` rather than keeping their own copies.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COUNTRIES: dict[str, Promise] = {
    # European Union
    "AT": _("Autriche"),
    "BE": _("Belgique"),
    "BG": _("Bulgarie"),
    "CY": _("Chypre"),
    "CZ": _("Tchéquie"),
    "DE": _("Allemagne"),
    "DK": _("Danemark"),
    "EE": _("Estonie"),
    "ES": _("Espagne"),
    "FI": _("Finlande"),
    "FR": _("France"),
    "GR": _("Grèce"),
    "HR": _("Croatie"),
    "HU": _("Hongrie"),
    "IE": _("Irlande"),
    "IT": _("Italie"),
    "LT": _("Lituanie"),
    "LU": _("Luxembourg"),
    "LV": _("Lettonie"),
    "MT": _("Malte"),
    "NL": _("Pays-Bas"),
    "PL": _("Pologne"),
    "PT": _("Portugal"),
    "RO": _("Roumanie"),
    "SE": _("Suède"),
    "SI": _("Slovénie"),
    "SK": _("Slovaquie"),
    # Rest of Europe
    "AD": _("Andorre"),
    "CH": _("Suisse"),
    "GB": _("Royaume-Uni"),
    "IS": _("Islande"),
    "LI": _("Liechtenstein"),
    "MC": _("Monaco"),
    "NO": _("Norvège"),
    # Elsewhere
    "AE": _("Émirats arabes unis"),
    "AU": _("Australie"),
    "BR": _("Brésil"),
    "CA": _("Canada"),
    "IL": _("Israël"),
    "JP": _("Japon"),
    "KR": _("Corée du Sud"),
    "MA": _("Maroc"),
    "MX": _("Mexique"),
    "NZ": _("Nouvelle-Zélande"),
    "SG": _("Singapour"),
    "SN": _("Sénégal"),
    "TN": _("Tunisie"),
    "US": _("États-Unis"),
    "CI": _("Côte d'Ivoire"),
}

DEFAULT_COUNTRY = "FR"

# Countries whose carriers need a state/province/region on the label.
PROVINCE_REQUIRED = frozenset({"US", "CA", "AU", "BR", "MX", "IN", "CN", "IT", "ES", "JP", "AR"})

# Countries whose carriers want the house number apart from the street (createOrderV2 `houseNumber`): PostNL,
# CJ's usual carrier to the Benelux, makes it mandatory for Benelux addresses ("Home number (only mandatory
# for Benelux shipments)", PostNL Parcels API business rules). CJ's docs list no country (docs/sandbox.md).
HOUSE_NUMBER_REQUIRED = frozenset({"NL", "BE", "LU"})

# Countries whose customs need the recipient's identity/tax number on the parcel (createOrderV2 `taxId`):
# Brazil (CPF or CNPJ, Receita Federal since 2020-01-01), Chile (RUT), South Korea (personal customs
# clearance code, PCCC). Not in CJ's docs; the rule of carriers and marketplaces (docs/sandbox.md).
TAX_ID_PATTERNS: dict[str, str] = {
    "BR": r"\d{3}\.?\d{3}\.?\d{3}-?\d{2}|\d{2}\.?\d{3}\.?\d{3}/?\d{4}-?\d{2}",
    "CL": r"\d{1,2}\.?\d{3}\.?\d{3}-?[\dK]",
    "KR": r"P\d{12}",
}
TAX_ID_EXAMPLES: dict[str, str] = {"BR": "123.456.789-09", "CL": "12.345.678-5", "KR": "P123456789012"}
TAX_ID_NAMES: dict[str, str] = {"BR": "CPF / CNPJ", "CL": "RUT", "KR": "PCCC"}

_FIVE = r"\d{5}"
_FOUR = r"\d{4}"
POSTCODE_PATTERNS: dict[str, str] = {
    "FR": _FIVE,
    "MC": r"980\d{2}",
    "DE": _FIVE,
    "IT": _FIVE,
    "ES": _FIVE,
    "FI": _FIVE,
    "EE": _FIVE,
    "HR": _FIVE,
    "LT": r"(LT-?)?\d{5}",
    "US": r"\d{5}(-\d{4})?",
    "MX": _FIVE,
    "MA": _FIVE,
    "SN": _FIVE,
    "BE": _FOUR,
    "LU": r"(L-?)?\d{4}",
    "CH": _FOUR,
    "LI": r"94(8[5-9]|9[0-7])",
    "AT": _FOUR,
    "DK": _FOUR,
    "NO": _FOUR,
    "HU": _FOUR,
    "SI": _FOUR,
    "BG": _FOUR,
    "CY": _FOUR,
    "AU": _FOUR,
    "NZ": _FOUR,
    "TN": _FOUR,
    "NL": r"\d{4} ?[A-Z]{2}",
    "PT": r"\d{4}-\d{3}",
    "PL": r"\d{2}-\d{3}",
    "SE": r"\d{3} ?\d{2}",
    "CZ": r"\d{3} ?\d{2}",
    "SK": r"\d{3} ?\d{2}",
    "GR": r"\d{3} ?\d{2}",
    "LV": r"(LV-?)?\d{4}",
    "RO": r"\d{6}",
    "SG": r"\d{6}",
    "IS": r"\d{3}",
    "AD": r"AD\d{3}",
    "MT": r"[A-Z]{3} ?\d{4}",
    "IE": r"[A-Z]\d[\dW] ?[A-Z\d]{4}",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}",
    "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "BR": r"\d{5}-?\d{3}",
    "JP": r"\d{3}-?\d{4}",
    "KR": _FIVE,
    "IL": r"\d{7}",
    "AE": r"",  # no postcodes
}

POSTCODE_EXAMPLES: dict[str, str] = {
    "FR": "75011",
    "BE": "1000",
    "DE": "10115",
    "CH": "1201",
    "NL": "1012 AB",
    "PT": "1100-148",
    "PL": "00-950",
    "GB": "SW1A 1AA",
    "US": "10001",
    "CA": "H2X 1Y4",
    "IE": "D02 X285",
}


def _sort_key(item: tuple[str, str]) -> str:
    return unicodedata.normalize("NFKD", item[1]).encode("ascii", "ignore").decode().lower()


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the active language, accents ignored."""
    return sorted(((code, str(name)) for code, name in COUNTRIES.items()), key=_sort_key)


def country_name(code: str) -> str:
    name = COUNTRIES.get((code or "").upper())
    return str(name) if name is not None else (code or "")


def province_required(country: str) -> bool:
    return (country or "").upper() in PROVINCE_REQUIRED


def postcode_required(country: str) -> bool:
    return POSTCODE_PATTERNS.get((country or "").upper()) != ""


def normalize_postcode(zip_code: str) -> str:
    return " ".join((zip_code or "").upper().split())


def postcode_is_valid(country: str, zip_code: str) -> bool:
    """True when the postcode fits the country's format; countries without a known format accept anything."""
    pattern = POSTCODE_PATTERNS.get((country or "").upper())
    if pattern is None:
        return True
    value = normalize_postcode(zip_code)
    if pattern == "":
        return True
    return re.fullmatch(pattern, value) is not None


def house_number_required(country: str) -> bool:
    return (country or "").upper() in HOUSE_NUMBER_REQUIRED


def tax_id_required(country: str) -> bool:
    return (country or "").upper() in TAX_ID_PATTERNS


def normalize_tax_id(value: str) -> str:
    return "".join((value or "").upper().split())


def _brazil_check_digits_ok(digits: str) -> bool:
    """CPF (11 digits) and CNPJ (14) carry two check digits (modulo 11): a typo is caught at the checkout."""
    if len(set(digits)) == 1:
        return False
    if len(digits) == 11:
        weights = [list(range(10, 1, -1)), list(range(11, 1, -1))]
    else:
        weights = [[5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]]
    for position, row in zip((-2, -1), weights, strict=True):
        body = digits[: len(digits) + position]
        rest = sum(int(d) * w for d, w in zip(body, row, strict=True)) % 11
        expected = 0 if rest < 2 else 11 - rest
        if int(digits[position]) != expected:
            return False
    return True


def tax_id_is_valid(country: str, value: str) -> bool:
    """True when the number fits the country's format (and, for Brazil, its check digits)."""
    code = (country or "").upper()
    pattern = TAX_ID_PATTERNS.get(code)
    if pattern is None:
        return True
    text = normalize_tax_id(value)
    if re.fullmatch(pattern, text) is None:
        return False
    if code == "BR":
        return _brazil_check_digits_ok(re.sub(r"\D", "", text))
    return True
