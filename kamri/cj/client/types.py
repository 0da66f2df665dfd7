"""Typed results of the CJ client (frozen dataclasses).

Conventions: ids are ``str``; money is ``Decimal`` (USD unless the field says CNY); datetimes are aware
(UTC unless CJ sent an offset); ``raw`` keeps CJ's original ``data`` object for fields not modelled here.
Secrets (tokens) are excluded from ``repr``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

__all__ = [
    "AccessTokens",
    "AccountSettings",
    "Balance",
    "ConnectionCheck",
    "CreatedOrder",
    "Dimensions",
    "FreightOption",
    "InterceptReason",
    "OrderPage",
    "OrderRequest",
    "OrderRequestLine",
    "PriceRange",
    "ProductDetail",
    "ProductInventory",
    "ProductSummary",
    "QuotaLimit",
    "RemoteCategory",
    "RemoteOrder",
    "RemoteOrderLine",
    "Review",
    "ReviewPage",
    "SearchPage",
    "SubscribeResult",
    "TrackInfo",
    "VariantDetail",
    "WarehouseStock",
    "WeightRange",
]


# --- auth / account -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessTokens:
    open_id: str
    access_token: str = field(repr=False)
    access_token_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_token_expires_at: datetime
    #: when CJ issued the pair (``createDate``) or, failing that, when we received it
    created_at: datetime | None = None

    def access_valid_for(self, now: datetime) -> float:
        return (self.access_token_expires_at - now).total_seconds()

    def refresh_valid_for(self, now: datetime) -> float:
        return (self.refresh_token_expires_at - now).total_seconds()


@dataclass(frozen=True)
class PointsInfo:
    """CJ's ``pointsInfo`` on an answer (points page): today's use, what is left, the day's total (base + bonus)."""

    used_today: int
    remaining: int
    total: int


@dataclass(frozen=True)
class QuotaLimit:
    url: str
    limit: int | None
    #: 0 total, 1 per year, 2 per quarter, 3 per month, 4 per day, 5 per hour
    quota_type: int | None


@dataclass(frozen=True)
class AccountSettings:
    open_id: str
    name: str | None
    email: str | None
    qps_limit: int | None
    is_sandbox: bool
    root: str | None
    #: CJ's current webhook config, e.g. {"product": {"type": "ENABLE", "urls": [...]}}
    callback: dict[str, Any] = field(default_factory=dict)
    quota_limits: list[QuotaLimit] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class Balance:
    amount: Decimal
    bonus: Decimal | None = None
    frozen: Decimal | None = None


@dataclass(frozen=True)
class ConnectionCheck:
    """Result of ``CJClient.test_connection``: account info + token expiry (never the tokens)."""

    settings: AccountSettings
    open_id: str
    access_token_expires_at: datetime
    refresh_token_expires_at: datetime
    balance: Balance | None = None


# --- catalogue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteCategory:
    """Node of CJ's three-level tree; only level-3 nodes have an ``id``."""

    name: str
    level: int
    id: str | None = None
    children: list[RemoteCategory] = field(default_factory=list)

    def iter_leaves(self) -> Iterator[RemoteCategory]:
        if self.level == 3 or not self.children:
            if self.id is not None:
                yield self
            return
        for child in self.children:
            yield from child.iter_leaves()


@dataclass(frozen=True)
class PriceRange:
    min: Decimal
    max: Decimal

    @property
    def is_range(self) -> bool:
        return self.min != self.max

    def __str__(self) -> str:
        return f"{self.min}" if self.min == self.max else f"{self.min}-{self.max}"


@dataclass(frozen=True)
class WeightRange:
    """Grams."""

    min: Decimal
    max: Decimal


@dataclass(frozen=True)
class ProductSummary:
    """One ``product/listV2`` hit (listV2 names: id, nameEn, bigImage…)."""

    pid: str
    name: str
    sku: str | None
    spu: str | None
    image: str | None
    sell_price: PriceRange | None
    now_price: PriceRange | None
    discount_price: PriceRange | None
    #: warehouseInventoryNum
    stock_total: int | None
    verified_stock: int | None
    unverified_stock: int | None
    category_id: str | None
    category_name: str | None
    category2_id: str | None
    category2_name: str | None
    category1_id: str | None
    category1_name: str | None
    listed_num: int | None
    product_type: str | None
    supplier_name: str | None
    free_shipping: bool
    is_video: bool
    sale_status: str | None
    currency: str | None
    created_at: datetime | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class SearchPage:
    items: list[ProductSummary]
    page: int
    size: int
    total: int
    total_pages: int
    related_categories: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class WarehouseStock:
    country_code: str | None
    total: int
    cj: int
    factory: int
    area_id: str | None = None
    area_name: str | None = None
    #: True verified, False unverified, None unknown
    verified: bool | None = None


@dataclass(frozen=True)
class Dimensions:
    """Millimetres / cubic millimetres, as CJ sends them for variants."""

    length_mm: Decimal | None
    width_mm: Decimal | None
    height_mm: Decimal | None
    volume_mm3: Decimal | None


@dataclass(frozen=True)
class VariantDetail:
    vid: str
    pid: str | None
    sku: str | None
    name: str | None
    #: CJ's raw ``variantKey`` ("Rose-Gold-XL"), or the joined JSON array
    key: str | None
    #: option name → value, e.g. {"Color": "Rose-Gold", "Size": "XL"}
    options: dict[str, str]
    price: Decimal | None
    suggested_price: Decimal | None
    weight_g: Decimal | None
    dims: Dimensions | None
    image: str | None
    barcode: str | None
    inventories: list[WarehouseStock] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def stock_total(self) -> int:
        return sum(w.total for w in self.inventories)


@dataclass(frozen=True)
class ProductDetail:
    pid: str
    name: str
    sku: str | None
    description: str | None
    images: list[str]
    weight: WeightRange | None
    packing_weight: WeightRange | None
    category_id: str | None
    category_name: str | None
    #: "3" = on sale
    status: str | None
    sell_price: PriceRange | None
    suggested_price: PriceRange | None
    listed_num: int | None
    product_type: str | None
    supplier_id: str | None
    supplier_name: str | None
    properties: list[str]
    materials: list[str]
    created_at: datetime | None
    variants: list[VariantDetail]
    #: from productKeyEn ("Color-Size" → ["Color", "Size"])
    option_names: list[str]
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def on_sale(self) -> bool:
        return self.status == "3"


@dataclass(frozen=True)
class ProductInventory:
    by_country: list[WarehouseStock]
    by_variant: dict[str, list[WarehouseStock]]

    @property
    def total(self) -> int:
        return sum(w.total for w in self.by_country)

    def variant_total(self, vid: str) -> int:
        return sum(w.total for w in self.by_variant.get(vid, []))


@dataclass(frozen=True)
class Review:
    id: str
    pid: str | None
    user: str | None
    score: int | None
    comment: str | None
    date: datetime | None
    images: list[str]
    country: str | None
    flag_icon_url: str | None = None


@dataclass(frozen=True)
class ReviewPage:
    items: list[Review]
    page: int
    size: int
    total: int


# --- logistics -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FreightOption:
    #: pass verbatim as ``logisticName`` when creating the order
    logistic_name: str
    #: USD; ``totalPostageFee`` when CJ sends it (includes taxes/clearance), else ``logisticPrice``
    price: Decimal
    price_cny: Decimal | None
    #: (min, max) days from "2-5"; None when CJ gives none
    aging_days: tuple[int, int] | None
    logistic_price: Decimal | None = None
    taxes_fee: Decimal | None = None
    clearance_fee: Decimal | None = None
    total_postage_fee: Decimal | None = None


@dataclass(frozen=True)
class TrackInfo:
    tracking_number: str
    logistic_name: str | None
    tracking_from: str | None
    tracking_to: str | None
    delivery_days: int | None
    delivery_time: datetime | None
    #: free text ("In transit")
    status: str | None
    last_mile_carrier: str | None
    last_track_number: str | None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


# --- orders --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderRequestLine:
    """One ``products[]`` entry of createOrderV2 (give ``vid`` or ``sku``)."""

    quantity: int
    vid: str | None = None
    sku: str | None = None
    unit_price: Decimal | None = None
    store_line_item_id: str | None = None
    pod_properties: str | None = None

    def to_payload(self) -> dict[str, Any]:
        if not self.vid and not self.sku:
            raise ValueError("OrderRequestLine needs a vid or a sku")
        out: dict[str, Any] = {"quantity": int(self.quantity)}
        for key, value in (
            ("vid", self.vid),
            ("sku", self.sku),
            ("unitPrice", self.unit_price),
            ("storeLineItemId", self.store_line_item_id),
            ("podProperties", self.pod_properties),
        ):
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True)
class OrderRequest:
    """Every createOrderV2 body field (CJ-API.md §7.1). ``None`` fields are not sent."""

    order_number: str
    shipping_country_code: str
    shipping_country: str
    shipping_province: str
    shipping_city: str
    shipping_customer_name: str
    shipping_address: str
    logistic_name: str
    from_country_code: str
    products: list[OrderRequestLine]
    shipping_zip: str | None = None
    shipping_county: str | None = None
    shipping_phone: str | None = None
    shipping_address2: str | None = None
    house_number: str | None = None
    email: str | None = None
    tax_id: str | None = None
    remark: str | None = None
    consignee_id: str | None = None
    #: 2 = CJ pays from balance automatically, 3 = create only
    pay_type: int | None = 3
    shop_amount: Decimal | None = None
    platform: str | None = None
    ioss_type: int | None = None
    ioss_number: str | None = None
    shop_logistics_type: int | None = None
    storage_id: str | None = None
    is_sandbox: bool | None = None
    order_flow: int | None = None
    store_name: str | None = None

    _FIELDS = (
        ("orderNumber", "order_number"),
        ("shippingZip", "shipping_zip"),
        ("shippingCountryCode", "shipping_country_code"),
        ("shippingCountry", "shipping_country"),
        ("shippingProvince", "shipping_province"),
        ("shippingCity", "shipping_city"),
        ("shippingCounty", "shipping_county"),
        ("shippingPhone", "shipping_phone"),
        ("shippingCustomerName", "shipping_customer_name"),
        ("shippingAddress", "shipping_address"),
        ("shippingAddress2", "shipping_address2"),
        ("houseNumber", "house_number"),
        ("email", "email"),
        ("taxId", "tax_id"),
        ("remark", "remark"),
        ("consigneeID", "consignee_id"),
        ("payType", "pay_type"),
        ("shopAmount", "shop_amount"),
        ("logisticName", "logistic_name"),
        ("fromCountryCode", "from_country_code"),
        ("platform", "platform"),
        ("iossType", "ioss_type"),
        ("iossNumber", "ioss_number"),
        ("shopLogisticsType", "shop_logistics_type"),
        ("storageId", "storage_id"),
        ("orderFlow", "order_flow"),
        ("storeName", "store_name"),
    )

    def to_payload(self) -> dict[str, Any]:
        if not self.products:
            raise ValueError("OrderRequest needs at least one product")
        out: dict[str, Any] = {}
        for cj_name, attr in self._FIELDS:
            value = getattr(self, attr)
            if value is not None:
                out[cj_name] = value
        if self.is_sandbox is not None:
            out["isSandbox"] = 1 if self.is_sandbox else 0
        out["products"] = [line.to_payload() for line in self.products]
        return out


@dataclass(frozen=True)
class InterceptReason:
    code: str | None
    message: str | None


@dataclass(frozen=True)
class CreatedOrder:
    #: may be None when CJ re-associates a non-CJ vid (wait for the ORDER_CONNNECTED webhook)
    order_id: str | None
    order_number: str | None
    status: str | None
    shipment_order_id: str | None
    product_amount: Decimal | None
    postage_amount: Decimal | None
    order_amount: Decimal | None
    actual_payment: Decimal | None
    total_discount_amount: Decimal | None
    cj_pay_url: str | None
    logistics_miss: bool
    intercept_reasons: list[InterceptReason] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class RemoteOrderLine:
    vid: str | None
    quantity: int | None
    sell_price: Decimal | None
    store_line_item_id: str | None = None
    line_item_id: str | None = None
    sku: str | None = None


@dataclass(frozen=True)
class RemoteOrder:
    """An order from ``shopping/order/list`` or ``getOrderDetail``."""

    order_id: str
    #: our orderNumber (CJ field ``orderNum``)
    order_number: str | None
    cj_order_id: str | None
    cj_order_code: str | None
    #: CJ raw status: CREATED, IN_CART, UNPAID, UNSHIPPED, SHIPPED, DELIVERED, CANCELLED…
    status: str | None
    logistic_name: str | None
    track_number: str | None
    tracking_url: str | None
    order_amount: Decimal | None
    product_amount: Decimal | None
    postage_amount: Decimal | None
    order_weight: Decimal | None
    shipping_country_code: str | None
    created_at: datetime | None
    paid_at: datetime | None
    is_sandbox: bool | None
    product_list: list[RemoteOrderLine] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True)
class OrderPage:
    items: list[RemoteOrder]
    page: int
    size: int
    total: int


@dataclass(frozen=True)
class SubscribeResult:
    success_ids: list[str]
    failed_ids: list[str]
    subscribe_all: bool = False
