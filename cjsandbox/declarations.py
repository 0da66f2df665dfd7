"""createOrderV2 fields CJ checks for customs (CJ-API.md §7.1; docs/sandbox.md "Customs fields").

- IOSS: `iossType` 1 = no IOSS, 2 = declare with my own IOSS, 3 = declare with CJ's IOSS; `iossNumber` is the
  own number with 2 and "fixed to CJ-IOSS" with 3 (CJ's createOrderV2 docs). Absent: CJ applies the account's
  IOSS setting of MyCJ. Above 150 € CJ's docs say the IOSS "is not applicable" and the recipient pays the VAT:
  CJ does not refuse the order, so neither does the sandbox (KAMRI's pre-flight refuses it first).
- houseNumber / taxId: optional in CJ's table, but carriers and customs need them for some destinations
  (Benelux house number for PostNL; Brazil CPF/CNPJ, Chile RUT, South Korea PCCC): refused when absent there,
  as CJ refuses any other missing parameter (16900403 "<name> can not be empty").
"""

from __future__ import annotations

import re

from .errors import empty, param

HOUSE_NUMBER_REQUIRED = frozenset({"NL", "BE", "LU"})
TAX_ID_REQUIRED = frozenset({"BR", "CL", "KR"})
CJ_IOSS_NUMBER = "CJ-IOSS"
_OWN_IOSS = re.compile(r"IM\d{10}")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check(body: dict) -> dict:
    """Validate the customs fields of a createOrderV2 body; the declaration as the order keeps it."""
    destination = str(body.get("shippingCountryCode") or "").upper()
    if destination in HOUSE_NUMBER_REQUIRED and _blank(body.get("houseNumber")):
        raise empty("houseNumber")
    if destination in TAX_ID_REQUIRED and _blank(body.get("taxId")):
        raise empty("taxId")
    raw_type, number = body.get("iossType"), body.get("iossNumber")
    if raw_type is None or raw_type == "":
        return {"iossType": None, "iossNumber": None}
    if isinstance(raw_type, bool) or str(raw_type) not in ("1", "2", "3"):
        raise param("iossType must be 1, 2 or 3")
    ioss_type = int(raw_type)
    if ioss_type == 2:
        if _blank(number):
            raise empty("iossNumber")
        if not isinstance(number, str) or _OWN_IOSS.fullmatch(number.strip()) is None:
            raise param("iossNumber is not a valid IOSS number (IM followed by 10 digits)")
    if ioss_type == 3:
        if _blank(number):
            raise empty("iossNumber")
        if number != CJ_IOSS_NUMBER:
            raise param(f"iossNumber must be {CJ_IOSS_NUMBER} when iossType=3")
    return {"iossType": ioss_type, "iossNumber": number.strip() if isinstance(number, str) else None}
