"""CJ's dispute answers as typed values (developers.cjdropshipping.com/en/api/api2/api/dispute.html, CJ's MCP
`dispute.tool.ts`). No Django. Money is USD ``Decimal``; ids are strings (CJ sends 19-digit ids)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .parse import _d, parse_bool, parse_datetime, parse_decimal, parse_id, parse_int, parse_str

ZERO = Decimal("0")

EXPECT_REFUND, EXPECT_RESEND = 1, 2
REFUND_TO_BALANCE, REFUND_TO_PLATFORM = 1, 2
# finallyDeal once CJ has decided: 1 refund, 2 reissue, 3 rejected.
DEAL_REFUND, DEAL_RESEND, DEAL_REJECT = 1, 2, 3


@dataclass(frozen=True)
class DisputeLine:
    line_item_id: str
    vid: str
    name: str
    sku: str
    price_usd: Decimal
    quantity: int
    can_choose: bool


@dataclass(frozen=True)
class DisputeProducts:
    order_id: str
    order_number: str
    lines: list[DisputeLine]


@dataclass(frozen=True)
class DisputeReason:
    id: int
    name: str


@dataclass(frozen=True)
class DisputeTerms:
    """disputeConfirmInfo: what CJ allows for the chosen lines."""

    max_product_usd: Decimal
    max_postage_usd: Decimal
    max_amount_usd: Decimal
    expect_types: list[int]
    reasons: list[DisputeReason]


@dataclass(frozen=True)
class DisputeRequest:
    business_dispute_id: str
    order_id: str
    reason_id: int
    expect_type: int
    message: str
    lines: list[tuple[str, int, Decimal]]  # (lineItemId, quantity, unit price USD)
    refund_type: int = REFUND_TO_BALANCE
    image_urls: list[str] = field(default_factory=list)
    video_urls: list[str] = field(default_factory=list)

    def to_payload(self) -> dict[str, Any]:
        return {
            "businessDisputeId": self.business_dispute_id,
            "orderId": self.order_id,
            "disputeReasonId": self.reason_id,
            "expectType": self.expect_type,
            "refundType": self.refund_type,
            "messageText": self.message,
            "imageUrl": list(self.image_urls),
            "videoUrl": list(self.video_urls),
            "productInfoList": [
                {"lineItemId": line, "quantity": quantity, "price": float(price)}
                for line, quantity, price in self.lines
            ],
        }


@dataclass(frozen=True)
class Dispute:
    id: str
    order_id: str
    order_number: str
    status: str
    reason: str
    money_usd: Decimal | None
    resend_order_code: str
    final_deal: int | None
    created_at: Any


def parse_dispute_products(data: Any) -> DisputeProducts:
    d = _d(data)
    return DisputeProducts(
        order_id=parse_id(d.get("orderId")) or "",
        order_number=parse_str(d.get("orderNumber")) or "",
        lines=[
            DisputeLine(
                line_item_id=parse_id(p.get("lineItemId")) or "",
                vid=parse_id(p.get("cjVariantId")) or "",
                name=parse_str(p.get("cjProductName")) or "",
                sku=parse_str(p.get("sku")) or "",
                price_usd=parse_decimal(p.get("price")) or ZERO,
                quantity=parse_int(p.get("quantity")) or 0,
                can_choose=bool(parse_bool(p.get("canChoose"))),
            )
            for p in d.get("productInfoList") or []
            if isinstance(p, dict)
        ],
    )


def parse_dispute_terms(data: Any) -> DisputeTerms:
    d = _d(data)
    return DisputeTerms(
        max_product_usd=parse_decimal(d.get("maxProductPrice")) or ZERO,
        max_postage_usd=parse_decimal(d.get("maxPostage")) or ZERO,
        max_amount_usd=parse_decimal(d.get("maxAmount")) or ZERO,
        expect_types=[n for n in (parse_int(v) for v in d.get("expectResultOptionList") or []) if n],
        reasons=[
            DisputeReason(
                id=parse_int(r.get("disputeReasonId")) or 0, name=parse_str(r.get("reasonName")) or ""
            )
            for r in d.get("disputeReasonList") or []
            if isinstance(r, dict) and parse_int(r.get("disputeReasonId"))
        ],
    )


def parse_dispute(item: Any) -> Dispute:
    d = _d(item)
    return Dispute(
        id=parse_id(d.get("id")) or parse_id(d.get("disputeId")) or "",
        order_id=parse_id(d.get("orderId")) or "",
        order_number=parse_str(d.get("orderNumber")) or "",
        status=(parse_str(d.get("status")) or "").lower(),
        reason=parse_str(d.get("disputeReason")) or "",
        money_usd=parse_decimal(d.get("money")),
        resend_order_code=parse_str(d.get("resendOrderCode")) or "",
        final_deal=parse_int(d.get("finallyDeal")),
        created_at=parse_datetime(d.get("createDate")),
    )


def parse_dispute_list(data: Any) -> list[Dispute]:
    rows = _d(data).get("list") or []
    return [parse_dispute(item) for item in rows if isinstance(item, dict)]
