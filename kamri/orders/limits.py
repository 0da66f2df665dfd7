"""How long each shipping-address field may be: the one table the checkout, the admin's address form and a
supplier's pre-flight checks read.

The numbers are the field lengths of CJ Dropshipping's createOrderV2 (`../shared/CJ-API.md` §7.1), the
supplier KAMRI ships through, so an address the checkout accepts is one CJ accepts: a paid order never
waits in "À traiter" because a name or a street was too long. A second supplier with shorter fields would
lower a number here, not add a second table.
"""

from __future__ import annotations

from collections.abc import Mapping

# Order / checkout field → the most characters it may hold, with the CJ field it is sent as.
ADDRESS_MAX_LENGTHS: dict[str, int] = {
    "customer_name": 50,  # shippingCustomerName string(50)
    "email": 50,  # email string(50)
    "phone": 20,  # shippingPhone string(20)
    "address1": 200,  # shippingAddress string(200)
    "address2": 200,  # shippingAddress2 string(200)
    "city": 50,  # shippingCity string(50); also sent as shippingProvince when there is no province
    "province": 50,  # shippingProvince string(50)
    "zip_code": 20,  # shippingZip string(20)
    "house_number": 20,  # houseNumber string(20)
    "tax_id": 20,  # taxId string(20)
}


def text_length(value: str) -> int:
    """A value's length as CJ counts it, to the safe side.

    CJ documents `string(50)` without saying what it counts. Its validation message ("… length must be less
    than or equal to 50") is Java's, and Java counts UTF-16 code units: the same as Python's characters for
    every accented letter, but 2 for an emoji or a rare ideogram. We count UTF-16 code units, never fewer
    than CJ could, so an accepted value cannot be refused there.
    """
    return len(value.encode("utf-16-le")) // 2


def too_long(values: Mapping[str, str]) -> dict[str, tuple[int, int]]:
    """Field name → (length, limit) for each value of `values` longer than its field allows."""
    problems: dict[str, tuple[int, int]] = {}
    for name, limit in ADDRESS_MAX_LENGTHS.items():
        length = text_length(values.get(name) or "")
        if length > limit:
            problems[name] = (length, limit)
    return problems
