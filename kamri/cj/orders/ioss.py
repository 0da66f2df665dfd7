"""IOSS on CJ orders to the EU: what createOrderV2 gets (`iossType`, `iossNumber`) and the 150 € ceiling.

CJ's createOrderV2 docs (developers.cjdropshipping.com, Shopping › Create Order V2; also CJ's own MCP client,
src/mcp-server/tools/order.tool.ts): `iossType` int, 1 = no IOSS, 2 = declare with my own IOSS, 3 = declare
with CJ's IOSS; `iossNumber` string, "if iossType=3, the value is fixed to CJ-IOSS", the own number when 2.
"CJ's IOSS is not applicable for orders valued above €150", and the EU rule is the same for an own number:
IOSS covers consignments whose intrinsic value (goods, without transport and VAT) is 150 € at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kamri.cj.models import CJOrder, CJSettings
from kamri.core.money import from_store
from kamri.orders.models import Order
from kamri.orders.vat import EU_COUNTRIES, included_vat

__all__ = ["EU_COUNTRIES", "IOSS_CEILING_EUR", "Declaration", "declaration", "intrinsic_value_eur"]

IOSS_CEILING_EUR = Decimal("150.00")
CJ_IOSS_NUMBER = "CJ-IOSS"
_OWN_NUMBER = re.compile(r"IM\d{10}")
_CJ_CODES = {CJSettings.IossType.NONE: 1, CJSettings.IossType.OWN: 2, CJSettings.IossType.CJ: 3}


def normalize_number(value: str) -> str:
    return "".join((value or "").upper().split())


def number_is_valid(value: str) -> bool:
    """An IOSS identification number: IM, then 10 digits (3 for the member state, 7 for the trader)."""
    return _OWN_NUMBER.fullmatch(normalize_number(value)) is not None


def goes_to_eu(order: Order) -> bool:
    return (order.country or "").upper() in EU_COUNTRIES


def intrinsic_value_eur(order: Order, line_ids: list[int]) -> Decimal | None:
    """The consignment's intrinsic value in euros: its lines' prices without the VAT they contain (the
    shipping is not part of it). None when the store's currency has no rate to the euro (never a guess)."""
    gross = sum((line.unit_price * line.quantity for line in order.lines.filter(pk__in=line_ids)), Decimal(0))
    net = gross - included_vat(gross, order.vat_rate)
    if (order.currency or "").upper() == "EUR":
        return net
    return from_store(net, "EUR")


@dataclass(frozen=True)
class Declaration:
    """What createOrderV2 gets; both None outside the EU (nothing to declare under IOSS there)."""

    kind: str | None
    ioss_type: int | None
    ioss_number: str | None


def declaration(order: Order, row: CJOrder, settings_row: CJSettings) -> Declaration:
    if not goes_to_eu(order):
        return Declaration(None, None, None)
    kind = CJSettings.IossType.NONE if row.declare_without_ioss else settings_row.ioss_type
    number = {
        CJSettings.IossType.OWN: normalize_number(settings_row.ioss_number) or None,
        CJSettings.IossType.CJ: CJ_IOSS_NUMBER,
    }.get(kind)
    return Declaration(kind, _CJ_CODES.get(kind, 1), number)
