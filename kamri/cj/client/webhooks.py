"""CJ's webhook messages as typed values (CJ-API.md §8.4–8.5). No Django.

``parse_webhook(raw)`` reads the envelope and, for the six topics KAMRI acts on (PRODUCT, VARIANT, STOCK, ORDER,
LOGISTIC — also spelled LOGISTICS — and ORDERSPLIT), its ``params`` into a frozen dataclass. Other types
(SOURCINGCREATE, MAKEUP, PRIVATE_ORDER…) come back with ``payload=None``. The raw ``params`` are not kept: callers
read typed fields only.

A message whose content cannot be what its topic says (a STOCK ``storageNum`` of "abc", a PRODUCT without
``pid``, a ``splitOrderList`` that is not a list) raises ``MalformedMessage``, carrying the CJ field, a
``Defect`` and the value: the same body would fail the same way, so it is refused whole, once, never half
applied. The message is English (for logs); the host turns ``defect`` into its own words.

Values that are merely odd stay tolerated as the rest of the client does (numbers as strings, ids as bare JSON
numbers, ``logisticsTrackEvents`` as JSON in a string, unknown statuses).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .parse import (
    _first,
    loads,
    parse_datetime,
    parse_decimal,
    parse_http_url,
    parse_id,
    parse_int,
    parse_order_line,
    parse_str,
)
from .types import RemoteOrderLine

__all__ = [
    "MAX_STOCK",
    "MESSAGE_TYPES",
    "Defect",
    "LogisticMessage",
    "MalformedMessage",
    "MessageType",
    "OrderMessage",
    "OrderSplitMessage",
    "ProductMessage",
    "SplitOrder",
    "StockMessage",
    "TrackingStep",
    "VariantMessage",
    "WebhookMessage",
    "parse_webhook",
]

#: More units than any warehouse holds: a ``storageNum`` beyond is a corrupt message.
MAX_STOCK = 100_000_000


class MessageType(enum.StrEnum):
    """A webhook message's ``type`` as CJ sends it, upper case (the registration topics are
    ``client.WEBHOOK_TOPICS``). CJ sends "LOGISTIC", and sometimes "LOGISTICS" for the same message."""

    PRODUCT = "PRODUCT"
    VARIANT = "VARIANT"
    STOCK = "STOCK"
    ORDER = "ORDER"
    LOGISTIC = "LOGISTIC"
    LOGISTICS = "LOGISTICS"
    ORDERSPLIT = "ORDERSPLIT"


class Defect(enum.StrEnum):
    """Why a field makes a message unreadable; the value is the English wording used in logs."""

    MISSING = "is missing"
    NOT_AN_ID = "is not an id"
    EMPTY = "is empty"
    NOT_A_NUMBER = "is not a number"
    NOT_WHOLE = "is not a whole number"
    NEGATIVE = "is negative"
    TOO_LARGE = "is too large"
    NOT_A_LIST = "is not a list"
    NOT_AN_OBJECT = "is not an object"


_NO_VALUE = object()


class MalformedMessage(ValueError):
    """A webhook message of a known topic whose ``field`` cannot be read (``defect``). Refuse it once."""

    def __init__(self, topic: str, field: str, defect: Defect, value: Any = _NO_VALUE, *, where: str = ""):
        self.topic, self.field, self.defect, self.where = topic, field, defect, where
        self.value = None if value is _NO_VALUE else shown(value)
        path = f"{where}.{field}" if where else field
        text = f"{topic} {path} {defect.value}"
        super().__init__(text if self.value is None else f"{text}: {self.value!r}")


def shown(value: Any) -> str:
    """A value as quoted back to the reader, 40 characters at most: text as is, numbers as written."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        text = str(value)
    else:
        try:  # lists and objects as CJ wrote them
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (RecursionError, ValueError):  # nested hundreds deep
            text = "[…]" if isinstance(value, list) else "{…}"
    return text if len(text) <= 40 else text[:39] + "…"


# --- the six topics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductMessage:
    """PRODUCT. On an UPDATE, CJ fills only the fields listed in ``fields``: the others are ``None`` here."""

    pid: str
    name: str | None
    description: str | None
    sell_price: Decimal | None
    #: "2" off sale, "3" on sale (read whatever ``fields`` says)
    status: str | None
    fields: frozenset[str] = frozenset()

    @property
    def off_sale(self) -> bool:
        return self.status == "2"


@dataclass(frozen=True)
class VariantMessage:
    vid: str
    sku: str | None
    #: CJ's raw ``variantKey`` ("Black-XL", or a JSON array in a string)
    key: str | None
    sell_price: Decimal | None
    #: ``variantStatus`` 1 on sale, 0 off; None when absent or another value
    active: bool | None


@dataclass(frozen=True)
class StockMessage:
    """STOCK: units per variant and warehouse country, ``{vid: {"US": 12}}`` (rows of a country summed)."""

    by_variant: Mapping[str, Mapping[str, int]]


@dataclass(frozen=True)
class OrderMessage:
    cj_order_id: str | None
    order_number: str | None
    status: str | None
    logistic_name: str | None
    track_number: str | None
    tracking_url: str | None
    created_at: datetime | None
    updated_at: datetime | None
    paid_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    items: list[RemoteOrderLine] = field(default_factory=list)
    #: messageType ORDER_CONNNECTED (sic): CJ re-associated the order, ``cj_order_id`` is its real id
    connected: bool = False


@dataclass(frozen=True)
class TrackingStep:
    """One step of a parcel's journey in a LOGISTIC message."""

    status: int | None
    activity: str | None
    location: str | None
    time: datetime | None
    status_desc: str | None


@dataclass(frozen=True)
class LogisticMessage:
    order_id: str | None
    logistic_name: str | None
    tracking_number: str | None
    #: 0 no info … 12 delivered, 13 abnormal, 14 returned (CJ-API.md §8.5)
    tracking_status: int | None
    tracking_url: str | None
    steps: list[TrackingStep] = field(default_factory=list)


@dataclass(frozen=True)
class SplitOrder:
    order_code: str
    #: numeric CJ status (300 paid…); the mapping to names is the host's
    status_code: int | None
    lines: list[RemoteOrderLine] = field(default_factory=list)


@dataclass(frozen=True)
class OrderSplitMessage:
    original_order_id: str
    split_at: datetime | None
    orders: list[SplitOrder] = field(default_factory=list)


Payload = ProductMessage | VariantMessage | StockMessage | OrderMessage | LogisticMessage | OrderSplitMessage


@dataclass(frozen=True)
class WebhookMessage:
    message_id: str
    #: upper case, as sent (MessageType.LOGISTIC, sometimes "LOGISTICS")
    type: str
    message_type: str | None
    open_id: str | None
    #: the typed params for the six topics; None for a type KAMRI does not act on
    payload: Payload | None = None


# --- parsing ---------------------------------------------------------------------------------------


def parse_webhook(raw: str | bytes | dict[str, Any]) -> WebhookMessage:
    """A CJ webhook body. Pass the raw bytes so numeric ids stay exact. Raises ``MalformedMessage``."""
    try:
        d = loads(raw) if isinstance(raw, str | bytes) else raw
    except (ValueError, RecursionError):
        raise MalformedMessage("?", "body", Defect.NOT_AN_OBJECT) from None
    if not isinstance(d, dict):
        raise MalformedMessage("?", "body", Defect.NOT_AN_OBJECT, d)
    kind = str(d.get("type") or "").strip().upper()
    message_type = parse_str(d.get("messageType"))
    reader = _READERS.get(kind)
    return WebhookMessage(
        message_id=parse_id(d.get("messageId")) or "",
        type=kind,
        message_type=message_type,
        open_id=parse_id(d.get("openId")),
        payload=reader(d.get("params"), (message_type or "").upper()) if reader else None,
    )


def _object(topic: str, params: Any) -> dict[str, Any]:
    if params is None:
        raise MalformedMessage(topic, "params", Defect.MISSING)
    if not isinstance(params, dict):
        raise MalformedMessage(topic, "params", Defect.NOT_AN_OBJECT, params)
    return params


def _required_id(topic: str, p: dict[str, Any], *names: str) -> str:
    raw = _first(p, *names)
    if isinstance(raw, dict | list | bool):
        raise MalformedMessage(topic, names[0], Defect.NOT_AN_ID, raw)
    value = parse_id(raw)
    if value is None:
        raise MalformedMessage(topic, names[0], Defect.MISSING)
    return value


def _price(topic: str, name: str, value: Any) -> Decimal | None:
    """A USD amount CJ sends as a number or a numeric string; None when absent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: Decimal | None = None
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite():
        raise MalformedMessage(topic, name, Defect.NOT_A_NUMBER, value)
    if number < 0:
        raise MalformedMessage(topic, name, Defect.NEGATIVE, value)
    return number


def _list(topic: str, name: str, value: Any, *, where: str = "", required: bool = False) -> list[Any]:
    if value is None:
        if required:
            raise MalformedMessage(topic, name, Defect.MISSING, where=where)
        return []
    if not isinstance(value, list):
        raise MalformedMessage(topic, name, Defect.NOT_A_LIST, value, where=where)
    return value


def _objects(topic: str, name: str, value: Any, *, where: str = "", required: bool = False) -> list[dict]:
    rows = _list(topic, name, value, where=where, required=required)
    for row in rows:
        if not isinstance(row, dict):
            raise MalformedMessage(topic, name, Defect.NOT_AN_OBJECT, row, where=where)
    return rows


def _product(params: Any, message_type: str) -> ProductMessage:
    p = _object(MessageType.PRODUCT, params)
    pid = _required_id(MessageType.PRODUCT, p, "pid")
    listed = frozenset(str(name) for name in _list(MessageType.PRODUCT, "fields", p.get("fields")))
    every_field = not listed or message_type != "UPDATE"

    def sent(name: str) -> bool:
        return every_field or name in listed

    description = p.get("productDescription") if sent("productDescription") else None
    return ProductMessage(
        pid=pid,
        name=parse_str(p.get("productNameEn")) if sent("productNameEn") else None,
        description=str(description) if description else None,
        sell_price=_price(MessageType.PRODUCT, "productSellPrice", p.get("productSellPrice"))
        if sent("productSellPrice")
        else None,
        status=parse_str(p.get("productStatus")),
        fields=listed,
    )


def _variant(params: Any, message_type: str) -> VariantMessage:
    p = _object(MessageType.VARIANT, params)
    status = parse_str(p.get("variantStatus"))
    return VariantMessage(
        vid=_required_id(MessageType.VARIANT, p, "vid"),
        sku=parse_str(p.get("variantSku")),
        key=parse_str(p.get("variantKey")),
        sell_price=_price(MessageType.VARIANT, "variantSellPrice", p.get("variantSellPrice")),
        active={"1": True, "0": False}.get(status or ""),
    )


def _stock(params: Any, message_type: str) -> StockMessage:
    p = _object(MessageType.STOCK, params)
    if not p:
        raise MalformedMessage(MessageType.STOCK, "params", Defect.EMPTY)
    stock: dict[str, dict[str, int]] = {}
    for vid, rows in p.items():
        by_country: dict[str, int] = {}
        for row in _objects(MessageType.STOCK, str(vid), rows, where="params"):
            units = _units(row.get("storageNum"), where=f"params.{vid}")
            country = str(row.get("countryCode") or "").upper()
            if country:
                by_country[country] = by_country.get(country, 0) + units
        stock[str(vid)] = by_country
    return StockMessage(by_variant=stock)


def _units(value: Any, *, where: str) -> int:
    if value is None or value == "":
        return 0
    number = None if isinstance(value, bool | float) else parse_decimal(value)
    if number is None or (isinstance(value, str) and "-" in value.strip()[1:]):  # "3-5" is no stock level
        raise MalformedMessage(MessageType.STOCK, "storageNum", Defect.NOT_A_NUMBER, value, where=where)
    if number != number.to_integral_value():
        raise MalformedMessage(MessageType.STOCK, "storageNum", Defect.NOT_WHOLE, value, where=where)
    if number < 0:
        raise MalformedMessage(MessageType.STOCK, "storageNum", Defect.NEGATIVE, value, where=where)
    if number > MAX_STOCK:
        raise MalformedMessage(MessageType.STOCK, "storageNum", Defect.TOO_LARGE, value, where=where)
    return int(number)


def _order(params: Any, message_type: str) -> OrderMessage:
    p = _object(MessageType.ORDER, params)
    cj_order_id = parse_id(_first(p, "cjOrderId", "orderId"))
    order_number = parse_str(_first(p, "orderNumber", "orderNum"))
    if cj_order_id is None and order_number is None:
        raise MalformedMessage(MessageType.ORDER, "cjOrderId", Defect.MISSING)
    return OrderMessage(
        cj_order_id=cj_order_id,
        order_number=order_number,
        status=parse_str(p.get("orderStatus")),
        logistic_name=parse_str(p.get("logisticName")),
        track_number=parse_str(p.get("trackNumber")),
        tracking_url=parse_http_url(p.get("trackingUrl")),
        created_at=parse_datetime(p.get("createDate")),
        updated_at=parse_datetime(p.get("updateDate")),
        paid_at=parse_datetime(p.get("payDate")),
        delivered_at=parse_datetime(p.get("deliveryDate")),
        completed_at=parse_datetime(p.get("completeDate")),
        items=[
            parse_order_line(row) for row in _objects(MessageType.ORDER, "orderItems", p.get("orderItems"))
        ],
        connected=message_type == "ORDER_CONNNECTED",
    )


def _logistic(params: Any, message_type: str) -> LogisticMessage:
    p = _object(MessageType.LOGISTIC, params)
    order_id = parse_id(p.get("orderId"))
    tracking_number = parse_str(p.get("trackingNumber"))
    if order_id is None and tracking_number is None:
        raise MalformedMessage(MessageType.LOGISTIC, "orderId", Defect.MISSING)
    raw_steps = p.get("logisticsTrackEvents")
    if isinstance(raw_steps, str):  # CJ sends the list as JSON in a string
        try:
            raw_steps = loads(raw_steps) if raw_steps.strip() else []
        except (ValueError, RecursionError):
            raise MalformedMessage(
                MessageType.LOGISTIC, "logisticsTrackEvents", Defect.NOT_A_LIST, raw_steps
            ) from None
    steps = [
        TrackingStep(
            status=parse_int(e.get("status")),
            activity=parse_str(e.get("activity")),
            location=parse_str(e.get("location")),
            time=parse_datetime(e.get("eventTime")),
            status_desc=parse_str(e.get("statusDesc")),
        )
        for e in _objects(MessageType.LOGISTIC, "logisticsTrackEvents", raw_steps)
    ]
    status = p.get("trackingStatus")
    tracking_status = parse_int(status)
    if status not in (None, "") and (tracking_status is None or tracking_status < 0):
        raise MalformedMessage(MessageType.LOGISTIC, "trackingStatus", Defect.NOT_A_NUMBER, status)
    return LogisticMessage(
        order_id=order_id,
        logistic_name=parse_str(p.get("logisticName")),
        tracking_number=tracking_number,
        tracking_status=tracking_status,
        tracking_url=parse_http_url(p.get("trackingUrl")),
        steps=steps,
    )


def _order_split(params: Any, message_type: str) -> OrderSplitMessage:
    p = _object(MessageType.ORDERSPLIT, params)
    original = _required_id(MessageType.ORDERSPLIT, p, "originalOrderId")
    orders = []
    for split in _objects(MessageType.ORDERSPLIT, "splitOrderList", p.get("splitOrderList"), required=True):
        code = _required_id(MessageType.ORDERSPLIT, split, "orderCode")
        orders.append(
            SplitOrder(
                order_code=code,
                status_code=parse_int(split.get("orderStatus")),
                lines=[
                    parse_order_line(row)
                    for row in _objects(
                        MessageType.ORDERSPLIT, "productList", split.get("productList"), where=code
                    )
                ],
            )
        )
    return OrderSplitMessage(
        original_order_id=original, split_at=parse_datetime(p.get("orderSplitTime")), orders=orders
    )


_READERS = {
    MessageType.PRODUCT: _product,
    MessageType.VARIANT: _variant,
    MessageType.STOCK: _stock,
    MessageType.ORDER: _order,
    MessageType.LOGISTIC: _logistic,
    MessageType.LOGISTICS: _logistic,
    MessageType.ORDERSPLIT: _order_split,
}

#: The webhook ``type`` values read into a payload (not the registration topics, ``client.WEBHOOK_TOPICS``).
MESSAGE_TYPES = frozenset(MessageType)
