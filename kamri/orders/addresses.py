"""The one address validation: the checkout, the admin's address forms and the supplier's pre-flight read it.

`address_problems` is the rule set — which field is missing, invalid or too long, and why — and each reader
words it for its audience: `address_errors` for the customer at the checkout (field → message),
`admin_address_errors` for the admin's address forms (field → message), the CJ pre-flight turns the same
problems into its sentences. So an address the admin's form accepts is one the pre-flight accepts, and the
other way round.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from kamri.core.text import single_line
from kamri.orders.countries import (
    COUNTRIES,
    TAX_ID_EXAMPLES,
    TAX_ID_NAMES,
    house_number_required,
    normalize_postcode,
    normalize_tax_id,
    postcode_is_valid,
    postcode_required,
    province_required,
    tax_id_is_valid,
    tax_id_required,
)
from kamri.orders.limits import ADDRESS_MAX_LENGTHS, too_long

_PHONE_NOISE = re.compile(r"[\s.\-()/]")

# The free-text lines of an address: control characters and bidi overrides never reach an order or CJ.
ADDRESS_LINES = ("customer_name", "city", "address1", "province", "address2", "house_number", "tax_id")

# Kinds of problem.
MISSING, INVALID, TOO_LONG = "missing", "invalid", "too_long"

# The order problems are found (and the pre-flight lists them) in.
CHECKED_FIELDS = (
    "phone",
    "country",
    "zip_code",
    "province",
    "city",
    "address1",
    "customer_name",
    "house_number",
    "tax_id",
)


@dataclass(frozen=True)
class ShippingAddress:
    customer_name: str
    email: str
    phone: str
    country: str
    city: str
    address1: str
    province: str = ""
    zip_code: str = ""
    address2: str = ""
    house_number: str = ""
    tax_id: str = ""

    def normalized(self) -> ShippingAddress:
        return ShippingAddress(
            customer_name=single_line(self.customer_name),
            email=self.email.strip().lower(),
            phone=single_line(self.phone, collapse=False),
            country=self.country.strip().upper(),
            city=single_line(self.city),
            address1=single_line(self.address1),
            province=single_line(self.province),
            zip_code=normalize_postcode(self.zip_code),
            address2=single_line(self.address2),
            house_number=single_line(self.house_number),
            tax_id=normalize_tax_id(self.tax_id),
        )

    @classmethod
    def of(cls, holder) -> ShippingAddress:
        """The address of an order (or any object with the same attribute names), as stored."""
        return cls(**{name: getattr(holder, name, "") or "" for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Problem:
    field: str
    kind: str  # MISSING, INVALID or TOO_LONG
    length: int = 0  # TOO_LONG: the length, and the limit
    limit: int = 0


def phone_is_plausible(phone: str) -> bool:
    """6 to 15 digits (E.164), an optional leading +, usual separators allowed."""
    compact = _PHONE_NOISE.sub("", phone or "")
    if compact.startswith("+"):
        compact = compact[1:]
    return compact.isdigit() and 6 <= len(compact) <= 15


def address_problems(address: ShippingAddress) -> dict[str, Problem]:
    """Field → its problem, one per field: the too-long fields first (in the limits' order), then the others.

    A field too long gets that problem only, whatever else is wrong with it: it is the one to fix first.
    The country must be an ISO code of two letters; whether the shop delivers there is the checkout's rule.
    """
    found: dict[str, Problem] = {}
    country = address.country.strip().upper()

    def flag(name: str, kind: str) -> None:
        found.setdefault(name, Problem(name, kind))

    for name in ("customer_name", "address1", "city"):
        if not getattr(address, name).strip():
            flag(name, MISSING)
    if not address.phone.strip():
        flag("phone", MISSING)
    elif not phone_is_plausible(address.phone):
        flag("phone", INVALID)
    if not country:
        flag("country", MISSING)
    elif len(country) != 2 or not country.isalpha():
        flag("country", INVALID)
    if house_number_required(country) and not address.house_number.strip():
        flag("house_number", MISSING)
    if postcode_required(country) and not address.zip_code.strip():
        flag("zip_code", MISSING)
    elif not postcode_is_valid(country, address.zip_code):
        flag("zip_code", INVALID)
    if province_required(country) and not address.province.strip():
        flag("province", MISSING)
    if tax_id_required(country):
        if not address.tax_id.strip():
            flag("tax_id", MISSING)
        elif not tax_id_is_valid(country, address.tax_id):
            flag("tax_id", INVALID)
    for name, (length, limit) in too_long(asdict(address.normalized())).items():
        found[name] = Problem(name, TOO_LONG, length, limit)
    lengths, checks = list(ADDRESS_MAX_LENGTHS), list(CHECKED_FIELDS)

    def rank(problem: Problem) -> tuple[int, int]:
        if problem.kind == TOO_LONG:
            return (0, lengths.index(problem.field))
        return (1, checks.index(problem.field))

    return {problem.field: problem for problem in sorted(found.values(), key=rank)}


def _field_message(problem: Problem, country: str) -> str:
    """The words a person typing the address reads under the field (the customer, or the admin)."""
    names = {"name": TAX_ID_NAMES.get(country, ""), "example": TAX_ID_EXAMPLES.get(country, "")}
    messages = {
        ("phone", MISSING): _("Le téléphone est obligatoire : les transporteurs l'exigent."),
        ("phone", INVALID): _(
            "Numéro de téléphone invalide : indiquez 6 à 15 chiffres, par exemple +33 6 12 34 56 78."
        ),
        ("country", MISSING): _("Choisissez le pays dans la liste."),
        ("country", INVALID): _("Choisissez le pays dans la liste."),
        ("zip_code", MISSING): _("Le code postal est obligatoire pour ce pays."),
        ("zip_code", INVALID): _("Ce code postal ne correspond pas au format du pays choisi."),
        ("province", MISSING): _("La région / l'État est obligatoire pour ce pays."),
        ("house_number", MISSING): _(
            "Le numéro de rue est obligatoire pour ce pays : le transporteur l'exige à part de la rue."
        ),
        ("tax_id", MISSING): _(
            "Le numéro %(name)s est obligatoire pour une livraison dans ce pays : la douane l'exige."
        )
        % names,
        ("tax_id", INVALID): _("Ce numéro %(name)s n'est pas valide, par exemple %(example)s.") % names,
    }
    return messages.get((problem.field, problem.kind)) or _("Ce champ est obligatoire.")


def address_errors(address: ShippingAddress) -> dict[str, str]:
    """The checkout's words, field → French message: the rule set, and a country the shop delivers to."""
    country = address.country.strip().upper()
    errors = _worded(address, _customer_too_long)
    if country not in COUNTRIES:  # nothing else is worth saying for that country, but a field too long
        lengths = {name for name, problem in address_problems(address).items() if problem.kind == TOO_LONG}
        errors = {"country": _("Nous ne livrons pas encore ce pays.")} | {
            name: message for name, message in errors.items() if name in lengths
        }
    return errors


def admin_address_errors(address: ShippingAddress) -> dict[str, str]:
    """The admin's address forms' words, field → French message (the same rule set)."""
    return _worded(address, _admin_too_long)


def _customer_too_long(problem: Problem) -> str:
    return _(
        "Trop long pour l'étiquette du transporteur : %(limit)s caractères au maximum "
        "(vous en avez saisi %(length)s)."
    ) % {"limit": problem.limit, "length": problem.length}


def _admin_too_long(problem: Problem) -> str:
    return _("CJ n'accepte pas plus de %(limit)s caractères ici (%(length)s saisis).") % {
        "limit": problem.limit,
        "length": problem.length,
    }


def _worded(address: ShippingAddress, too_long_message) -> dict[str, str]:
    country = address.country.strip().upper()
    return {
        name: too_long_message(problem) if problem.kind == TOO_LONG else _field_message(problem, country)
        for name, problem in address_problems(address).items()
    }
