"""Parsing of CJ's dialect into typed results.

Rules (CJ-API.md §1.4):
- JSON is decoded with ``parse_float=Decimal``: money never goes through ``float``; Python keeps JSON
  integers exact, so ids sent as bare numbers > 2^53 are turned into ``str`` without loss.
- "Arrays" that arrive as JSON-encoded strings (``productName``, ``productKey``, ``variantKey``…) are decoded.
- Range strings ("1.55-3.35") become ``PriceRange``; single values become a degenerate range.
- String numbers ("285") are accepted wherever numbers are expected.
- Dates may be "YYYY-MM-DD HH:MM:SS" (no zone: read as UTC, ``NAIVE_TZ``), ISO 8601 with an offset, or
  epoch milliseconds; results are always aware datetimes.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from .types import (
    AccessTokens,
    AccountSettings,
    Balance,
    CreatedOrder,
    Dimensions,
    FreightOption,
    InterceptReason,
    OrderPage,
    PointsInfo,
    PriceRange,
    ProductDetail,
    ProductInventory,
    ProductSummary,
    QuotaLimit,
    RemoteCategory,
    RemoteOrder,
    RemoteOrderLine,
    Review,
    ReviewPage,
    SearchPage,
    SubscribeResult,
    TrackInfo,
    VariantDetail,
    WarehouseStock,
    WeightRange,
)

#: Timezone of CJ dates written without an offset ("2021-08-23 11:31:45"): UTC, as CJ's docs give
#: getOrderDetail's createDate / paymentDate / outWarehouseTime (CJ-API.md §7.5). The one place to change
#: if live data says otherwise; ISO dates with an offset (+08:00) keep their own.
NAIVE_TZ: tzinfo = UTC

_RANGE_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*$")
_INT_RE = re.compile(r"^\s*-?\d+\s*$")


# --- primitives ------------------------------------------------------------------------------------


def loads(raw: str | bytes) -> Any:
    """Decode JSON the CJ way: floats as ``Decimal``, integers exact."""
    return json.loads(raw, parse_float=Decimal)


def parse_id(value: Any) -> str | None:
    """An id as an exact string. Never goes through ``float``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, float):  # only reachable if a caller decoded JSON without parse_float
        raise TypeError("CJ ids must not be floats (precision is already lost)")
    text = str(value).strip()
    return text or None


def parse_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return str(value)


def parse_http_url(value: Any) -> str | None:
    """A URL from CJ that may become a link or an image: absolute http(s) with a host, nothing else
    (``javascript:``, ``data:``, protocol-relative or malformed URLs are dropped)."""
    text = parse_str(value)
    if text is None or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        return None
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 — raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def _http_urls(values: Any) -> list[str]:
    return [url for url in (parse_http_url(v) for v in parse_json_list(values)) if url]


def parse_decimal(value: Any) -> Decimal | None:
    """Money or measure → ``Decimal``; ``None`` for empty/invalid. A range string gives its minimum."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value).strip().replace(",", "")
    if not text:
        return None
    m = _RANGE_RE.match(text)
    if m:
        return Decimal(m.group(1))
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def parse_range(value: Any) -> tuple[Decimal, Decimal] | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        m = _RANGE_RE.match(value.replace(",", ""))
        if m:
            a, b = Decimal(m.group(1)), Decimal(m.group(2))
            return (min(a, b), max(a, b))
    d = parse_decimal(value)
    return None if d is None else (d, d)


def parse_price_range(value: Any) -> PriceRange | None:
    r = parse_range(value)
    return None if r is None else PriceRange(r[0], r[1])


def parse_weight_range(value: Any) -> WeightRange | None:
    r = parse_range(value)
    return None if r is None else WeightRange(r[0], r[1])


def parse_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.match(value):
        return int(value)
    d = parse_decimal(value)
    if d is None:
        return None
    return int(d)


def parse_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n", ""):
        return False
    return None


def parse_datetime(value: Any) -> datetime | None:
    """CJ's mixed date formats → aware datetime (see module doc)."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=NAIVE_TZ)
    if isinstance(value, int | Decimal | float) or (isinstance(value, str) and _INT_RE.match(value)):
        n = int(Decimal(str(value)))
        # epoch milliseconds (CJ's usual), tolerate seconds
        seconds = Decimal(n) / 1000 if abs(n) >= 100_000_000_000 else Decimal(n)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=float(seconds))
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                dt = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=NAIVE_TZ)


def parse_json_list(value: Any) -> list[str]:
    """``["a","b"]``, ``'["a","b"]'`` (JSON in a string) or ``"a"`` → list of non-empty strings."""
    if value is None:
        return []
    items: list[Any]
    if isinstance(value, list | tuple):
        items = list(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                decoded = loads(text)
            except ValueError:
                decoded = None
            items = decoded if isinstance(decoded, list) else [text]
        else:
            items = [text]
    else:
        items = [value]
    out = []
    for item in items:
        s = parse_str(item)
        if s is not None:
            out.append(s)
    return out


def parse_option_names(product_key_en: Any) -> list[str]:
    """``productKeyEn`` "Color-Size" → ["Color", "Size"] (also accepts a JSON array)."""
    if product_key_en is None:
        return []
    if isinstance(product_key_en, list) or (
        isinstance(product_key_en, str) and product_key_en.strip().startswith("[")
    ):
        return parse_json_list(product_key_en)
    return [p.strip() for p in str(product_key_en).split("-") if p.strip()]


def split_variant_key(variant_key: Any, option_names: list[str]) -> dict[str, str]:
    """Match a variant key against the option names.

    - A JSON array (``'["Rose-Gold","XL"]'``) is matched position by position.
    - A plain key is split on "-". When it has MORE parts than there are names (a value containing a
      hyphen, "Rose-Gold-XL" for "Color-Size"), it is split on its LAST n−1 hyphens, so the extra hyphens
      stay in the first value: {"Color": "Rose-Gold", "Size": "XL"}. We chose the first option because
      colours ("Rose-Gold", "Light-Blue") carry hyphens far more often than sizes do.
    - With FEWER parts than names, the values fill the first names.
    - Without names: ``{"Option": key}``.
    """
    if variant_key is None:
        return {}
    values: list[str]
    if isinstance(variant_key, list) or (
        isinstance(variant_key, str) and variant_key.strip().startswith("[")
    ):
        values = parse_json_list(variant_key)
        if not option_names:
            return {"Option": "-".join(values)} if values else {}
    else:
        key = str(variant_key).strip()
        if not key:
            return {}
        if not option_names:
            return {"Option": key}
        n = len(option_names)
        values = [v.strip() for v in key.rsplit("-", n - 1)] if n > 1 else [key]
    if not option_names:
        return {}
    if len(values) > len(option_names):  # JSON array longer than the names: fold the head together
        extra = len(values) - len(option_names)
        values = ["-".join(values[: extra + 1]), *values[extra + 1 :]]
    return {name: value for name, value in zip(option_names, values, strict=False)}


def _d(obj: Any) -> dict[str, Any]:
    return obj if isinstance(obj, dict) else {}


def _first(obj: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        v = obj.get(k)
        if v is not None and v != "":
            return v
    return None


# --- auth / account --------------------------------------------------------------------------------


def parse_access_tokens(
    data: Any, *, now: datetime, open_id: str | None = None, previous: AccessTokens | None = None
) -> AccessTokens:
    """getAccessToken / refreshAccessToken ``data``. Missing expiries default to +15 d / +180 d."""
    d = _d(data)
    access = parse_str(d.get("accessToken"))
    if not access:
        raise ValueError("CJ returned no accessToken")
    refresh = parse_str(d.get("refreshToken")) or (previous.refresh_token if previous else None)
    if not refresh:
        raise ValueError("CJ returned no refreshToken")
    oid = parse_id(d.get("openId")) or open_id or (previous.open_id if previous else None) or ""
    access_exp = parse_datetime(d.get("accessTokenExpiryDate")) or now + timedelta(days=15)
    refresh_exp = parse_datetime(d.get("refreshTokenExpiryDate"))
    if refresh_exp is None:
        refresh_exp = previous.refresh_token_expires_at if previous else now + timedelta(days=180)
    return AccessTokens(
        open_id=oid,
        access_token=access,
        access_token_expires_at=access_exp,
        refresh_token=refresh,
        refresh_token_expires_at=refresh_exp,
        created_at=parse_datetime(d.get("createDate")) or now,
    )


def parse_settings(data: Any) -> AccountSettings:
    d = _d(data)
    setting = _d(d.get("setting"))
    quotas = [
        QuotaLimit(
            url=str(q.get("quotaUrl") or ""),
            limit=parse_int(q.get("quotaLimit")),
            quota_type=parse_int(q.get("quotaType")),
        )
        for q in (setting.get("quotaLimits") or [])
        if isinstance(q, dict)
    ]
    return AccountSettings(
        open_id=parse_id(d.get("openId")) or "",
        name=parse_str(d.get("openName")),
        email=parse_str(d.get("openEmail")),
        qps_limit=parse_int(setting.get("qpsLimit")),
        is_sandbox=bool(parse_bool(d.get("isSandbox"))),
        root=parse_str(d.get("root")),
        callback=_d(d.get("callback")),
        quota_limits=quotas,
        raw=d,
    )


def parse_points_info(value: Any) -> PointsInfo | None:
    """CJ's ``pointsInfo {usedToday, remaining, total}``; None when absent or unreadable (never a guess)."""
    if not isinstance(value, dict):
        return None
    used, remaining, total = (parse_int(value.get(k)) for k in ("usedToday", "remaining", "total"))
    if used is None or remaining is None or total is None:
        return None
    return PointsInfo(used_today=max(0, used), remaining=max(0, remaining), total=max(0, total))


def parse_balance(data: Any) -> Balance:
    d = _d(data)
    return Balance(
        amount=parse_decimal(d.get("amount")) or Decimal("0"),
        bonus=parse_decimal(d.get("noWithdrawalAmount")),
        frozen=parse_decimal(d.get("freezeAmount")),
    )


def parse_categories(data: Any) -> list[RemoteCategory]:
    out: list[RemoteCategory] = []
    for first in data or []:
        if not isinstance(first, dict):
            continue
        seconds = []
        for second in first.get("categoryFirstList") or []:
            if not isinstance(second, dict):
                continue
            thirds = [
                RemoteCategory(
                    name=str(t.get("categoryName") or ""), level=3, id=parse_id(t.get("categoryId"))
                )
                for t in (second.get("categorySecondList") or [])
                if isinstance(t, dict)
            ]
            seconds.append(
                RemoteCategory(name=str(second.get("categorySecondName") or ""), level=2, children=thirds)
            )
        out.append(RemoteCategory(name=str(first.get("categoryFirstName") or ""), level=1, children=seconds))
    return out


# --- products --------------------------------------------------------------------------------------


def parse_product_summary(item: dict[str, Any]) -> ProductSummary:
    return ProductSummary(
        pid=parse_id(_first(item, "id", "pid")) or "",
        name=parse_str(_first(item, "nameEn", "productNameEn")) or "",
        sku=parse_str(_first(item, "sku", "productSku")),
        spu=parse_str(item.get("spu")),
        image=parse_http_url(_first(item, "bigImage", "productImage")),
        sell_price=parse_price_range(item.get("sellPrice")),
        now_price=parse_price_range(item.get("nowPrice")),
        discount_price=parse_price_range(item.get("discountPrice")),
        stock_total=parse_int(item.get("warehouseInventoryNum")),
        verified_stock=parse_int(item.get("totalVerifiedInventory")),
        unverified_stock=parse_int(item.get("totalUnVerifiedInventory")),
        category_id=parse_id(item.get("categoryId")),
        category_name=parse_str(_first(item, "threeCategoryName", "categoryName")),
        category2_id=parse_id(item.get("twoCategoryId")),
        category2_name=parse_str(item.get("twoCategoryName")),
        category1_id=parse_id(item.get("oneCategoryId")),
        category1_name=parse_str(item.get("oneCategoryName")),
        listed_num=parse_int(item.get("listedNum")),
        product_type=parse_str(item.get("productType")),
        supplier_name=parse_str(item.get("supplierName")),
        free_shipping=parse_int(item.get("addMarkStatus")) == 1,
        is_video=bool(parse_bool(item.get("isVideo"))),
        sale_status=parse_str(item.get("saleStatus")),
        currency=parse_str(item.get("currency")),
        created_at=parse_datetime(item.get("createAt")),
        raw=item,
    )


def parse_search_page(data: Any, *, page: int = 1, size: int = 20) -> SearchPage:
    """listV2 ``data.content[].productList[]``; also tolerates legacy ``data.list[]``."""
    d = _d(data)
    items: list[ProductSummary] = []
    related: list[tuple[str, str]] = []
    for block in d.get("content") or []:
        if not isinstance(block, dict):
            continue
        items.extend(parse_product_summary(p) for p in block.get("productList") or [] if isinstance(p, dict))
        for rc in block.get("relatedCategoryList") or []:
            if isinstance(rc, dict) and rc.get("categoryId") is not None:
                related.append((parse_id(rc.get("categoryId")) or "", str(rc.get("categoryName") or "")))
    items.extend(parse_product_summary(p) for p in d.get("list") or [] if isinstance(p, dict))
    page_no = parse_int(_first(d, "pageNumber", "pageNum")) or page
    page_size = parse_int(_first(d, "pageSize")) or size
    total = parse_int(_first(d, "totalRecords", "total"))
    total = len(items) if total is None else total
    total_pages = parse_int(d.get("totalPages"))
    if total_pages is None:
        total_pages = -(-total // page_size) if page_size else 0
    return SearchPage(
        items=items,
        page=page_no,
        size=page_size,
        total=total,
        total_pages=total_pages,
        related_categories=related,
    )


def parse_warehouse_stock(row: dict[str, Any]) -> WarehouseStock:
    verified = parse_int(row.get("verifiedWarehouse"))
    return WarehouseStock(
        country_code=parse_str(row.get("countryCode")),
        total=parse_int(_first(row, "totalInventoryNum", "totalInventory", "storageNum", "inventory")) or 0,
        cj=parse_int(_first(row, "cjInventoryNum", "cjInventory")) or 0,
        factory=parse_int(_first(row, "factoryInventoryNum", "factoryInventory")) or 0,
        area_id=parse_id(row.get("areaId")),
        area_name=parse_str(_first(row, "areaEn", "countryNameEn")),
        verified=None if verified not in (1, 2) else verified == 1,
    )


def _stock_rows(rows: Any) -> list[WarehouseStock]:
    return [parse_warehouse_stock(r) for r in (rows or []) if isinstance(r, dict)]


def parse_variant(v: dict[str, Any], option_names: list[str] | None = None) -> VariantDetail:
    raw_key = v.get("variantKey")
    key: str | None
    if isinstance(raw_key, list) or (isinstance(raw_key, str) and raw_key.strip().startswith("[")):
        key = "-".join(parse_json_list(raw_key)) or None
    else:
        key = parse_str(raw_key)
    dims_vals = [
        parse_decimal(v.get(k)) for k in ("variantLength", "variantWidth", "variantHeight", "variantVolume")
    ]
    return VariantDetail(
        vid=parse_id(v.get("vid")) or "",
        pid=parse_id(v.get("pid")),
        sku=parse_str(v.get("variantSku")),
        name=parse_str(_first(v, "variantNameEn", "variantName")),
        key=key,
        options=split_variant_key(raw_key, option_names or []),
        price=parse_decimal(v.get("variantSellPrice")),
        suggested_price=parse_decimal(v.get("variantSugSellPrice")),
        weight_g=parse_decimal(v.get("variantWeight")),
        dims=Dimensions(*dims_vals) if any(x is not None for x in dims_vals) else None,
        image=parse_http_url(v.get("variantImage")),
        barcode=parse_str(v.get("barcode")),
        inventories=_stock_rows(v.get("inventories")),
        raw=v,
    )


def parse_product_detail(data: Any) -> ProductDetail:
    d = _d(data)
    names = parse_option_names(d.get("productKeyEn"))
    images: list[str] = []
    for src in (d.get("bigImage"), d.get("productImage"), *(parse_json_list(d.get("productImageSet")))):
        s = parse_http_url(src)
        if s and s not in images:
            images.append(s)
    return ProductDetail(
        pid=parse_id(d.get("pid")) or "",
        name=parse_str(d.get("productNameEn")) or next(iter(parse_json_list(d.get("productName"))), ""),
        sku=parse_str(d.get("productSku")),
        description=parse_str(d.get("description")),
        images=images,
        weight=parse_weight_range(d.get("productWeight")),
        packing_weight=parse_weight_range(_first(d, "packingWeight", "packWeight")),
        category_id=parse_id(d.get("categoryId")),
        category_name=parse_str(d.get("categoryName")),
        status=parse_str(d.get("status")),
        sell_price=parse_price_range(d.get("sellPrice")),
        suggested_price=parse_price_range(d.get("suggestSellPrice")),
        listed_num=parse_int(d.get("listedNum")),
        product_type=parse_str(d.get("productType")),
        supplier_id=parse_id(d.get("supplierId")),
        supplier_name=parse_str(d.get("supplierName")),
        properties=parse_json_list(_first(d, "productProEnSet", "productProEn")),
        materials=parse_json_list(d.get("materialNameEn")),
        created_at=parse_datetime(d.get("createrTime")),
        variants=[parse_variant(v, names) for v in d.get("variants") or [] if isinstance(v, dict)],
        option_names=names,
        raw=d,
    )


def parse_product_inventory(data: Any) -> ProductInventory:
    d = _d(data)
    by_variant: dict[str, list[WarehouseStock]] = {}
    for row in d.get("variantInventories") or []:
        if isinstance(row, dict):
            vid = parse_id(row.get("vid"))
            if vid:
                by_variant[vid] = _stock_rows(row.get("inventory") or row.get("inventories"))
    return ProductInventory(by_country=_stock_rows(d.get("inventories")), by_variant=by_variant)


def parse_review_page(data: Any, *, page: int = 1, size: int = 20) -> ReviewPage:
    d = _d(data)
    items = [
        Review(
            id=parse_id(r.get("commentId")) or "",
            pid=parse_id(r.get("pid")),
            user=parse_str(r.get("commentUser")),
            score=parse_int(r.get("score")),
            comment=parse_str(r.get("comment")),
            date=parse_datetime(r.get("commentDate")),
            images=_http_urls(r.get("commentUrls")),
            country=parse_str(r.get("countryCode")),
            flag_icon_url=parse_http_url(r.get("flagIconUrl")),
        )
        for r in d.get("list") or []
        if isinstance(r, dict)
    ]
    total = parse_int(d.get("total"))
    return ReviewPage(
        items=items,
        page=parse_int(d.get("pageNum")) or page,
        size=parse_int(d.get("pageSize")) or size,
        total=len(items) if total is None else total,
    )


# --- logistics -------------------------------------------------------------------------------------


def parse_aging(value: Any) -> tuple[int, int] | None:
    r = parse_range(value)
    if r is None:
        return None
    return (int(r[0]), int(r[1]))


def parse_freight_options(data: Any) -> list[FreightOption]:
    out = []
    for o in data or []:
        if not isinstance(o, dict):
            continue
        name = parse_str(o.get("logisticName"))
        logistic_price = parse_decimal(o.get("logisticPrice"))
        total = parse_decimal(o.get("totalPostageFee"))
        price = total if total is not None else logistic_price
        if not name or price is None:
            continue
        out.append(
            FreightOption(
                logistic_name=name,
                price=price,
                price_cny=parse_decimal(o.get("logisticPriceCn")),
                aging_days=parse_aging(o.get("logisticAging")),
                logistic_price=logistic_price,
                taxes_fee=parse_decimal(o.get("taxesFee")),
                clearance_fee=parse_decimal(o.get("clearanceOperationFee")),
                total_postage_fee=total,
            )
        )
    return out


def parse_track_infos(data: Any) -> list[TrackInfo]:
    return [
        TrackInfo(
            tracking_number=parse_str(t.get("trackingNumber")) or "",
            logistic_name=parse_str(t.get("logisticName")),
            tracking_from=parse_str(t.get("trackingFrom")),
            tracking_to=parse_str(t.get("trackingTo")),
            delivery_days=parse_int(t.get("deliveryDay")),
            delivery_time=parse_datetime(t.get("deliveryTime")),
            status=parse_str(t.get("trackingStatus")),
            last_mile_carrier=parse_str(t.get("lastMileCarrier")),
            last_track_number=parse_str(t.get("lastTrackNumber")),
            raw=t,
        )
        for t in (data or [])
        if isinstance(t, dict)
    ]


# --- orders ----------------------------------------------------------------------------------------


def parse_created_order(data: Any) -> CreatedOrder:
    d = _d(data)
    if not d and isinstance(data, str | int):  # createOrder v1 returned the id itself
        d = {"orderId": data}
    return CreatedOrder(
        order_id=parse_id(d.get("orderId")),
        order_number=parse_str(d.get("orderNumber")),
        status=parse_str(d.get("orderStatus")),
        shipment_order_id=parse_id(d.get("shipmentOrderId")),
        product_amount=parse_decimal(d.get("productAmount")),
        postage_amount=parse_decimal(d.get("postageAmount")),
        order_amount=parse_decimal(d.get("orderAmount")),
        actual_payment=parse_decimal(d.get("actualPayment")),
        total_discount_amount=parse_decimal(d.get("totalDiscountAmount")),
        cj_pay_url=parse_http_url(d.get("cjPayUrl")),
        logistics_miss=bool(parse_bool(d.get("logisticsMiss"))),
        intercept_reasons=[
            InterceptReason(code=parse_id(r.get("code")), message=parse_str(r.get("message")))
            for r in d.get("interceptOrderReasons") or []
            if isinstance(r, dict)
        ],
        raw=d,
    )


def parse_order_line(p: dict[str, Any]) -> RemoteOrderLine:
    return RemoteOrderLine(
        vid=parse_id(_first(p, "vid", "variantId")),
        quantity=parse_int(p.get("quantity")),
        sell_price=parse_decimal(p.get("sellPrice")),
        store_line_item_id=parse_id(p.get("storeLineItemId")),
        line_item_id=parse_id(p.get("lineItemId")),
        sku=parse_str(p.get("sku")),
    )


def parse_order(data: Any) -> RemoteOrder:
    d = _d(data)
    return RemoteOrder(
        order_id=parse_id(_first(d, "orderId", "cjOrderId")) or "",
        order_number=parse_str(_first(d, "orderNum", "orderNumber")),
        cj_order_id=parse_id(d.get("cjOrderId")),
        cj_order_code=parse_str(d.get("cjOrderCode")),
        status=parse_str(d.get("orderStatus")),
        logistic_name=parse_str(d.get("logisticName")),
        track_number=parse_str(d.get("trackNumber")),
        tracking_url=parse_http_url(d.get("trackingUrl")),
        order_amount=parse_decimal(d.get("orderAmount")),
        product_amount=parse_decimal(d.get("productAmount")),
        postage_amount=parse_decimal(d.get("postageAmount")),
        order_weight=parse_decimal(d.get("orderWeight")),
        shipping_country_code=parse_str(d.get("shippingCountryCode")),
        created_at=parse_datetime(d.get("createDate")),
        paid_at=parse_datetime(d.get("paymentDate")),
        is_sandbox=parse_bool(d.get("isSandbox")),
        product_list=[parse_order_line(p) for p in d.get("productList") or [] if isinstance(p, dict)],
        raw=d,
    )


def parse_order_page(data: Any, *, page: int = 1, size: int = 20) -> OrderPage:
    d = _d(data)
    items = [parse_order(o) for o in d.get("list") or [] if isinstance(o, dict)]
    total = parse_int(d.get("total"))
    return OrderPage(
        items=items,
        page=parse_int(d.get("pageNum")) or page,
        size=parse_int(d.get("pageSize")) or size,
        total=len(items) if total is None else total,
    )


def parse_subscribe_result(data: Any, requested: list[str] | None = None) -> SubscribeResult:
    if isinstance(data, bool):  # some versions just answer true/false
        ids = list(requested or [])
        return SubscribeResult(success_ids=ids if data else [], failed_ids=[] if data else ids)
    d = _d(data)
    return SubscribeResult(
        success_ids=[i for i in (parse_id(x) for x in d.get("successProductIds") or []) if i],
        failed_ids=[i for i in (parse_id(x) for x in d.get("failProductIds") or []) if i],
        subscribe_all=bool(parse_bool(d.get("subscribeAll"))),
    )
