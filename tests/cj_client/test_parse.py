"""Parsing of CJ's dialect, with the examples of CJ-API.md."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from kamri.cj.client import parse, webhooks
from kamri.cj.client.types import PriceRange, WeightRange

# --- primitives ------------------------------------------------------------------------------------


def test_loads_keeps_big_ids_exact_and_money_decimal() -> None:
    data = parse.loads('{"cjOrderId": 210823100016290555, "price": 4.71, "big": 1424608189734850560}')
    assert parse.parse_id(data["cjOrderId"]) == "210823100016290555"
    assert parse.parse_id(data["big"]) == "1424608189734850560"
    assert data["price"] == Decimal("4.71")
    assert isinstance(data["price"], Decimal)


def test_parse_id_variants() -> None:
    assert parse.parse_id("000B9312-456A-4D31-94BD-B083E2A198E8") == "000B9312-456A-4D31-94BD-B083E2A198E8"
    assert parse.parse_id(Decimal("210711100018043276")) == "210711100018043276"
    assert parse.parse_id(None) is None
    assert parse.parse_id("  ") is None
    with pytest.raises(TypeError):
        parse.parse_id(2.1e17)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.55-3.35", PriceRange(Decimal("1.55"), Decimal("3.35"))),
        ("8.13-10.00", PriceRange(Decimal("8.13"), Decimal("10.00"))),
        ("11.85", PriceRange(Decimal("11.85"), Decimal("11.85"))),
        (Decimal("58.09"), PriceRange(Decimal("58.09"), Decimal("58.09"))),
        (12, PriceRange(Decimal(12), Decimal(12))),
        (4.71, PriceRange(Decimal("4.71"), Decimal("4.71"))),
        ("", None),
        (None, None),
    ],
)
def test_price_range(raw: object, expected: PriceRange | None) -> None:
    assert parse.parse_price_range(raw) == expected


def test_decimal_int_and_string_numbers() -> None:
    assert parse.parse_decimal("1500.0") == Decimal("1500.0")
    assert parse.parse_decimal(0.1) == Decimal("0.1")  # via str(), not the binary float
    assert parse.parse_decimal("abc") is None
    assert parse.parse_decimal("170.00-369.00") == Decimal("170.00")
    assert parse.parse_int("285") == 285
    assert parse.parse_int(Decimal("1580.00")) == 1580
    assert parse.parse_int("1500.0") == 1500
    assert parse.parse_int(None) is None
    assert parse.parse_weight_range("170.00-369.00") == WeightRange(Decimal("170.00"), Decimal("369.00"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021-08-23 11:31:45", datetime(2021, 8, 23, 11, 31, 45, tzinfo=UTC)),  # no zone: UTC
        ("2021-08-18T09:16:33+08:00", datetime(2021, 8, 18, 1, 16, 33, tzinfo=UTC)),
        ("2019-12-31T11:14:12.000+00:00", datetime(2019, 12, 31, 11, 14, 12, tzinfo=UTC)),
        ("2024-01-18T07:59:22Z", datetime(2024, 1, 18, 7, 59, 22, tzinfo=UTC)),
        (1629718305000, datetime(2021, 8, 23, 11, 31, 45, tzinfo=UTC)),
        ("1629718305000", datetime(2021, 8, 23, 11, 31, 45, tzinfo=UTC)),
        (None, None),
        ("not a date", None),
    ],
)
def test_datetimes_are_aware(raw: object, expected: datetime | None) -> None:
    got = parse.parse_datetime(raw)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None


def test_json_string_arrays() -> None:
    assert parse.parse_json_list('["攀爬车 拖斗车 ","攀爬车 ","拖斗车 "]') == [
        "攀爬车 拖斗车",
        "攀爬车",
        "拖斗车",
    ]
    assert parse.parse_json_list('["","metal"]') == ["metal"]
    assert parse.parse_json_list('["XS"]') == ["XS"]
    assert parse.parse_json_list("plain") == ["plain"]
    assert parse.parse_json_list(["a", "b"]) == ["a", "b"]
    assert parse.parse_json_list(None) == []


@pytest.mark.parametrize(
    ("key", "names", "expected"),
    [
        ("Rose-Gold-XL", ["Color", "Size"], {"Color": "Rose-Gold", "Size": "XL"}),
        ("Black-XL", ["Color", "Size"], {"Color": "Black", "Size": "XL"}),
        ("Black", ["Color"], {"Color": "Black"}),
        ("Light-Blue", ["Color"], {"Color": "Light-Blue"}),
        ('["XS"]', ["Size"], {"Size": "XS"}),
        ('["Rose-Gold","XL"]', ["Color", "Size"], {"Color": "Rose-Gold", "Size": "XL"}),
        ("Black", [], {"Option": "Black"}),
        ("Black", ["Color", "Size"], {"Color": "Black"}),
        ("", ["Color"], {}),
        (None, ["Color"], {}),
    ],
)
def test_split_variant_key(key: str | None, names: list[str], expected: dict[str, str]) -> None:
    assert parse.split_variant_key(key, names) == expected


def test_option_names() -> None:
    assert parse.parse_option_names("Color-Size") == ["Color", "Size"]
    assert parse.parse_option_names('["Color","Size"]') == ["Color", "Size"]
    assert parse.parse_option_names(None) == []


# --- endpoint examples ----------------------------------------------------------------------------

LISTV2 = """{"pageSize": 20, "pageNumber": 1, "totalRecords": 6000, "totalPages": 300,
 "content": [{"productList": [
   {"id": "1424608189734850560", "nameEn": "Cat Ear Hoody", "sku": "CJNSSYWY01847", "spu": "CJNSSYWY01847",
    "bigImage": "https://cf.cjdropshipping.com/a.jpg", "sellPrice": "8.13-10.00", "nowPrice": "7.50",
    "listedNum": 392, "categoryId": "5E656DFB-1", "threeCategoryName": "Hoodies & Sweatshirts",
    "twoCategoryId": "B2", "twoCategoryName": "Tops & Sets", "oneCategoryId": "A1",
    "oneCategoryName": "Women's Clothing", "addMarkStatus": 1, "isVideo": 0, "createAt": 1629718305000,
    "warehouseInventoryNum": 12912, "totalVerifiedInventory": 0, "totalUnVerifiedInventory": 12912,
    "saleStatus": "3", "currency": "USD", "inventoryInfo": "{}", "variantInventories": "[]"},
   {"id": "04A22450-67F0-4617-A132-E7AE7F8963B0", "nameEn": "Trailer", "sku": "CJJJJTJT05843",
    "bigImage": null, "sellPrice": 11.85, "warehouseInventoryNum": "15"}],
   "relatedCategoryList": [{"categoryId": "5E656DFB-1", "categoryName": "Hoodies"}],
   "keyWord": "hoody", "keyWordOld": "hoody"}]}"""


def test_listv2_nested_shape() -> None:
    page = parse.parse_search_page(parse.loads(LISTV2), page=1, size=20)
    assert (page.page, page.size, page.total, page.total_pages) == (1, 20, 6000, 300)
    assert len(page.items) == 2
    first, second = page.items
    assert first.pid == "1424608189734850560"
    assert first.name == "Cat Ear Hoody"
    assert first.image == "https://cf.cjdropshipping.com/a.jpg"
    assert first.sell_price == PriceRange(Decimal("8.13"), Decimal("10.00"))
    assert first.stock_total == 12912
    assert first.category_name == "Hoodies & Sweatshirts"
    assert first.category1_name == "Women's Clothing"
    assert first.free_shipping is True
    assert first.listed_num == 392
    assert first.created_at == datetime(2021, 8, 23, 11, 31, 45, tzinfo=UTC)
    assert second.sell_price == PriceRange(Decimal("11.85"), Decimal("11.85"))
    assert second.stock_total == 15
    assert page.related_categories == [("5E656DFB-1", "Hoodies")]


def test_listv2_empty() -> None:
    page = parse.parse_search_page(
        parse.loads('{"pageSize": 20, "pageNumber": 3, "totalRecords": 0, "content": []}')
    )
    assert page.items == [] and page.total == 0 and page.total_pages == 0 and page.page == 3


PRODUCT_QUERY = r"""{"pid": "000B9312-456A-4D31-94BD-B083E2A198E8",
 "productName": "[\"攀爬车 拖斗车 \",\"攀爬车 \",\"拖斗车 \"]", "productNameEn": "Small trailer model",
 "productSku": "CJJJJTJT05843",
 "productImage": "https://cc-west-usa.oss-us-west-1.aliyuncs.com/2054/1672872416690.jpg",
 "bigImage": "https://cf.cjdropshipping.com/quick/product/c1f9.jpg",
 "productImageSet": ["https://cf.cjdropshipping.com/quick/product/c1f9.jpg", "https://cf.cjdropshipping.com/quick/product/a765.jpg"],
 "productWeight": "170.00-369.00", "productUnit": "unit(s)", "productType": "ORDINARY_PRODUCT",
 "categoryId": "87CF251F-8D11-4DE0-A154-9694D9858EB3", "categoryName": "Home & Garden, Furniture / Home Storage / Home Office Storage",
 "materialName": "[\"\",\"金属\"]", "materialNameEn": "[\"\",\"metal\"]", "materialKey": "[\"METAL\"]",
 "packingWeight": "1580.0", "packingName": "[\"\",\"塑料袋\"]", "packingNameEn": "[\"\",\"plastic_bag\"]",
 "productKey": "[\"颜色\",\"尺码\"]", "productKeyEn": "Color-Size", "productPro": "[\"普货\"]", "productProSet": ["普货"],
 "productProEn": "[\"COMMON\"]", "productProEnSet": ["COMMON"],
 "sellPrice": "1.55-3.35", "description": "<p>nice</p>", "suggestSellPrice": "0.97-4.08", "listedNum": 392, "status": "3",
 "supplierName": "", "supplierId": "", "customizationVersion": 1, "createrTime": "2019-12-24T01:06:37+08:00",
 "variants": [{"vid": "D4057F56-3F09-4541-8461-9D76D014846D", "pid": "000B9312-456A-4D31-94BD-B083E2A198E8",
   "variantName": null, "variantNameEn": "Small trailer model Rose Gold XL", "variantSku": "CJJJJTJT05843-Rose-Gold-XL",
   "barcode": "6973990191234", "variantUnit": null, "variantProperty": null, "variantKey": "Rose-Gold-XL",
   "variantLength": 300, "variantWidth": 200, "variantHeight": 100, "variantVolume": 6000000, "variantWeight": 1580.00,
   "variantSellPrice": 58.09, "variantSugSellPrice": 0.97, "variantStandard": "long=110,width=110,height=30",
   "createTime": "2019-12-31T11:14:12.000+00:00", "combineVariants": [],
   "inventories": [{"countryCode": "CN", "totalInventory": 12912, "cjInventory": 0, "factoryInventory": 12912,
                    "verifiedWarehouse": 2, "stock": [{"stockId": "{6709CCD7}", "inventory": 0, "factoryInventory": 12912}]}]},
  {"vid": 1424608152007086080, "pid": "000B9312-456A-4D31-94BD-B083E2A198E8", "variantNameEn": "XS black",
   "variantSku": "CJJJJTJT05843-XS", "variantKey": "[\"Black\",\"XS\"]", "variantSellPrice": "1.55",
   "variantWeight": "170", "inventories": []}]}"""


def test_product_query_example() -> None:
    p = parse.parse_product_detail(parse.loads(PRODUCT_QUERY))
    assert p.pid == "000B9312-456A-4D31-94BD-B083E2A198E8"
    assert p.name == "Small trailer model"
    assert p.images == [
        "https://cf.cjdropshipping.com/quick/product/c1f9.jpg",
        "https://cc-west-usa.oss-us-west-1.aliyuncs.com/2054/1672872416690.jpg",
        "https://cf.cjdropshipping.com/quick/product/a765.jpg",
    ]
    assert p.sell_price == PriceRange(Decimal("1.55"), Decimal("3.35"))
    assert p.suggested_price == PriceRange(Decimal("0.97"), Decimal("4.08"))
    assert p.weight == WeightRange(Decimal("170.00"), Decimal("369.00"))
    assert p.packing_weight == WeightRange(Decimal("1580.0"), Decimal("1580.0"))
    assert p.option_names == ["Color", "Size"]
    assert p.materials == ["metal"]
    assert p.properties == ["COMMON"]
    assert p.on_sale and p.status == "3"
    assert p.supplier_id is None
    assert p.created_at == datetime(2019, 12, 23, 17, 6, 37, tzinfo=UTC)
    v1, v2 = p.variants
    assert v1.vid == "D4057F56-3F09-4541-8461-9D76D014846D"
    assert v1.options == {"Color": "Rose-Gold", "Size": "XL"}
    assert v1.price == Decimal("58.09") and isinstance(v1.price, Decimal)
    assert v1.weight_g == Decimal("1580.00")
    assert v1.dims is not None and v1.dims.volume_mm3 == Decimal(6000000)
    assert v1.barcode == "6973990191234"
    assert v1.inventories[0].country_code == "CN"
    assert (v1.inventories[0].total, v1.inventories[0].cj, v1.inventories[0].factory) == (12912, 0, 12912)
    assert v1.inventories[0].verified is False
    assert v1.stock_total == 12912
    assert v2.vid == "1424608152007086080"  # numeric vid kept exact
    assert v2.key == "Black-XS"
    assert v2.options == {"Color": "Black", "Size": "XS"}
    assert v2.price == Decimal("1.55")


def test_product_name_falls_back_to_json_array() -> None:
    p = parse.parse_product_detail(parse.loads(r'{"pid": "P1", "productName": "[\"拖斗车\",\"b\"]"}'))
    assert p.name == "拖斗车"
    assert p.variants == [] and p.option_names == []


INVENTORY_BY_PID = """{"inventories": [
   {"areaEn": "China Warehouse", "areaId": 1, "countryCode": "CN", "totalInventoryNum": 12912, "cjInventoryNum": 12,
    "factoryInventoryNum": 12900, "countryNameEn": "China"},
   {"areaEn": "US Warehouse", "areaId": "2", "countryCode": "US", "totalInventoryNum": "40", "cjInventoryNum": "40",
    "factoryInventoryNum": "0"}],
 "variantInventories": [
   {"vid": "D4057F56-3F09-4541-8461-9D76D014846D", "inventory": [
      {"countryCode": "CN", "totalInventory": 100, "cjInventory": 0, "factoryInventory": 100, "verifiedWarehouse": 2,
       "stock": []},
      {"countryCode": "US", "totalInventory": 40, "cjInventory": 40, "factoryInventory": 0, "verifiedWarehouse": 1}]},
   {"vid": 1424608152007086080, "inventory": []}]}"""


def test_get_inventory_by_pid_example() -> None:
    inv = parse.parse_product_inventory(parse.loads(INVENTORY_BY_PID))
    assert [w.country_code for w in inv.by_country] == ["CN", "US"]
    assert inv.total == 12952
    assert inv.by_country[0].area_id == "1" and inv.by_country[0].area_name == "China Warehouse"
    assert inv.by_country[1].cj == 40
    assert inv.variant_total("D4057F56-3F09-4541-8461-9D76D014846D") == 140
    assert inv.by_variant["D4057F56-3F09-4541-8461-9D76D014846D"][1].verified is True
    assert inv.by_variant["1424608152007086080"] == []


COMMENTS = """{"success": true, "code": 0, "message": null, "data": {"pageNum": "1", "pageSize": "1", "total": "285",
 "list": [{"commentId": 1496431871306944512, "pid": "1424608189734850560", "comment": "Great",
           "commentDate": "2022-02-23T10:11:12.000+00:00", "commentUser": "F***o", "score": "5",
           "commentUrls": ["https://cf.cjdropshipping.com/r1.jpg"], "countryCode": "US", "flagIconUrl": "https://x/us.png"}]}}"""


def test_product_comments_code0_envelope_with_string_numbers() -> None:
    body = parse.loads(COMMENTS)
    page = parse.parse_review_page(body["data"])
    assert (page.page, page.size, page.total) == (1, 1, 285)
    (r,) = page.items
    assert r.id == "1496431871306944512"
    assert r.score == 5 and r.user == "F***o" and r.country == "US"
    assert r.images == ["https://cf.cjdropshipping.com/r1.jpg"]
    assert r.date == datetime(2022, 2, 23, 10, 11, 12, tzinfo=UTC)


def test_freight_calculate_example() -> None:
    data = parse.loads(
        '[{"logisticAging": "2-5", "logisticPrice": 4.71, "logisticPriceCn": 30.54, "logisticName": "USPS+"},'
        ' {"logisticAging": "7", "logisticPrice": "3.10", "logisticName": "CJPacket Ordinary",'
        '  "taxesFee": 1.2, "clearanceOperationFee": "0.30", "totalPostageFee": "4.60"},'
        ' {"logisticAging": "", "logisticPrice": null, "logisticName": "Broken"}]'
    )
    usps, packet = parse.parse_freight_options(data)
    assert usps.logistic_name == "USPS+"
    assert usps.price == Decimal("4.71") and usps.price_cny == Decimal("30.54")
    assert usps.aging_days == (2, 5)
    assert packet.price == Decimal("4.60")  # totalPostageFee preferred
    assert packet.logistic_price == Decimal("3.10")
    assert packet.taxes_fee == Decimal("1.2") and packet.clearance_fee == Decimal("0.30")
    assert packet.aging_days == (7, 7)


def test_track_info_example() -> None:
    data = parse.loads(
        '[{"trackingNumber": "CJPKL7160102171YQ", "logisticName": "CJPacket Sensitive", "trackingFrom": "CN",'
        ' "trackingTo": "US", "deliveryDay": "13", "deliveryTime": "2021-06-17 07:04:04",'
        ' "trackingStatus": "In transit", "lastMileCarrier": "CJPacket", "lastTrackNumber": "926112903032124"}]'
    )
    (t,) = parse.parse_track_infos(data)
    assert t.tracking_number == "CJPKL7160102171YQ"
    assert t.delivery_days == 13
    assert t.delivery_time == datetime(2021, 6, 17, 7, 4, 4, tzinfo=parse.NAIVE_TZ)  # no zone: UTC (docs)
    assert t.status == "In transit"
    assert t.last_track_number == "926112903032124"


CREATE_ORDER = """{"orderId": 210711100018043276, "orderNumber": "KAMRI-000123", "shipmentOrderId": null,
 "postageAmount": 4.71, "productAmount": "58.09", "orderAmount": 62.80, "actualPayment": 62.8,
 "totalDiscountAmount": 0, "cjPayUrl": "https://cjdropshipping.com/pay/x", "logisticsMiss": false,
 "orderStatus": "CREATED", "productInfoList": [{"storeLineItemId": "L1", "lineItemId": 1, "variantId": "V1", "quantity": 2}],
 "interceptOrderReasons": [{"code": 1001, "message": "address incomplete"}]}"""


def test_create_order_v2_example() -> None:
    o = parse.parse_created_order(parse.loads(CREATE_ORDER))
    assert o.order_id == "210711100018043276"
    assert o.order_number == "KAMRI-000123"
    assert o.status == "CREATED"
    assert o.order_amount == Decimal("62.80")
    assert o.product_amount == Decimal("58.09")
    assert o.actual_payment == Decimal("62.8")
    assert o.logistics_miss is False
    assert o.intercept_reasons[0].code == "1001"
    assert parse.parse_created_order(parse.loads('{"orderNumber": "X"}')).order_id is None


ORDER_DETAIL = """{"orderId": "210711100018043276", "orderNum": "KAMRI-000123", "cjOrderId": 210711100018043276,
 "cjOrderCode": "SD25080109282603297001", "shippingCountryCode": "FR", "logisticName": "CJPacket Ordinary",
 "trackNumber": "CJPKL7160102171YQ", "trackingUrl": "https://t.17track.net/x", "orderWeight": 1580,
 "orderAmount": "62.80", "orderStatus": "SHIPPED", "createDate": "2021-07-11 10:00:18",
 "paymentDate": "2021-07-11T10:05:00+08:00", "productAmount": 58.09, "postageAmount": 4.71, "isComplete": 1,
 "productList": [{"vid": "D4057F56-3F09-4541-8461-9D76D014846D", "quantity": "2", "sellPrice": 29.045,
   "storeLineItemId": "L1", "lineItemId": 1424608152007086081}]}"""


def test_get_order_detail_example() -> None:
    o = parse.parse_order(parse.loads(ORDER_DETAIL))
    assert o.order_id == "210711100018043276"
    assert o.order_number == "KAMRI-000123"
    assert o.cj_order_id == "210711100018043276"
    assert o.status == "SHIPPED"
    assert o.track_number == "CJPKL7160102171YQ"
    assert o.order_amount == Decimal("62.80")
    assert o.created_at == datetime(2021, 7, 11, 10, 0, 18, tzinfo=parse.NAIVE_TZ)  # no zone: UTC (docs)
    assert o.paid_at == datetime(2021, 7, 11, 2, 5, tzinfo=UTC)
    (line,) = o.product_list
    assert line.quantity == 2 and line.sell_price == Decimal("29.045")
    assert line.line_item_id == "1424608152007086081"


ORDER_WEBHOOK = """{"messageId": "ca72a4834cd14b9588e88ce206f614a0", "type": "ORDER", "messageType": "UPDATE",
 "params": {"orderNumber": "api_52f268d40b8d460e82c0683955e63cc9", "cjOrderId": 210823100016290555,
  "orderStatus": "CREATED", "logisticName": "CJPacket Ordinary", "trackNumber": null,
  "createDate": "2021-08-23 11:31:45", "updateDate": "2021-08-23 11:31:45", "payDate": null,
  "deliveryDate": null, "completeDate": null,
  "orderItems": [{"vid": 1424608152007086080, "quantity": 1, "sellPrice": 11.85, "lineItemId": 1424608152007086099}]}}"""


def test_order_webhook_numeric_ids_stay_exact() -> None:
    msg = webhooks.parse_webhook(ORDER_WEBHOOK.encode())
    assert msg.message_id == "ca72a4834cd14b9588e88ce206f614a0"
    assert msg.type == "ORDER" and msg.message_type == "UPDATE"
    ev = msg.payload
    assert isinstance(ev, webhooks.OrderMessage)
    assert ev.cj_order_id == "210823100016290555"  # > 2^53, a float would give ...552
    assert float(210823100016290555) != 210823100016290555
    assert ev.order_number == "api_52f268d40b8d460e82c0683955e63cc9"
    assert ev.items[0].vid == "1424608152007086080"
    assert ev.items[0].line_item_id == "1424608152007086099"
    assert ev.items[0].sell_price == Decimal("11.85")
    assert ev.created_at == datetime(2021, 8, 23, 11, 31, 45, tzinfo=parse.NAIVE_TZ)  # no zone: UTC (docs)


LOGISTIC_WEBHOOK = r"""{"messageId": "m2", "type": "LOGISTIC", "messageType": "UPDATE", "openId": 12312,
 "params": {"orderId": 210823100016290555, "logisticName": "CJPacket Ordinary", "trackingNumber": "number12345678",
 "trackingStatus": 12,
 "logisticsTrackEvents": "[{\"status\":12,\"activity\":\" Delivered, PO Box\",\"location\":\" NENANA,AK 99760\",\"eventTime\":\"2024-01-18 07:59:22\",\"statusDesc\":\"Delivered\"}]"}}"""


def test_logistic_webhook() -> None:
    msg = webhooks.parse_webhook(LOGISTIC_WEBHOOK)
    assert msg.open_id == "12312"
    ev = msg.payload
    assert isinstance(ev, webhooks.LogisticMessage)
    assert ev.order_id == "210823100016290555"
    assert ev.tracking_status == 12
    assert ev.steps[0].status_desc == "Delivered"
    assert ev.steps[0].location == "NENANA,AK 99760"
    assert ev.steps[0].time == datetime(
        2024, 1, 18, 7, 59, 22, tzinfo=parse.NAIVE_TZ
    )  # no zone: Beijing time


def test_settings_balance_categories_tokens() -> None:
    settings = parse.parse_settings(
        parse.loads(
            '{"openId": 1, "openName": "121 2322", "openEmail": "v0pjsw5t@linshiyouxiang.net",'
            ' "setting": {"quotaLimits": [{"quotaUrl": "/api2.0/v1/setting/account/get", "quotaLimit": 74,'
            ' "quotaType": 0}], "qpsLimit": 100},'
            ' "callback": {"product": {"type": "ENABLE", "urls": ["https://your-domain.com/api2.0/"]},'
            ' "order": {"type": "CANCEL", "urls": []}}, "root": "GENERAL", "isSandbox": false}'
        )
    )
    assert settings.open_id == "1" and settings.qps_limit == 100 and settings.is_sandbox is False
    assert settings.root == "GENERAL" and settings.email == "v0pjsw5t@linshiyouxiang.net"
    assert settings.quota_limits[0].limit == 74
    assert settings.callback["product"]["type"] == "ENABLE"
    bal = parse.parse_balance(
        parse.loads('{"amount": 87247.32, "noWithdrawalAmount": null, "freezeAmount": null}')
    )
    assert bal.amount == Decimal("87247.32") and bal.bonus is None
    cats = parse.parse_categories(
        parse.loads(
            '[{"categoryFirstName": "Computer & Office", "categoryFirstList": [{"categorySecondName":'
            ' "Office Electronics", "categorySecondList": [{"categoryId": "2252588B-72E3-4397-8C92-7D9967161084",'
            ' "categoryName": "Office & School Supplies"}]}]}]'
        )
    )
    assert cats[0].name == "Computer & Office" and cats[0].id is None and cats[0].level == 1
    leaves = list(cats[0].iter_leaves())
    assert [(c.id, c.name, c.level) for c in leaves] == [
        ("2252588B-72E3-4397-8C92-7D9967161084", "Office & School Supplies", 3)
    ]
    now = datetime(2026, 3, 1, tzinfo=UTC)
    tok = parse.parse_access_tokens(
        {
            "openId": 1424608189734850560,
            "accessToken": "a" * 32,
            "accessTokenExpiryDate": "2021-08-18T09:16:33+08:00",
            "refreshToken": "r" * 32,
            "refreshTokenExpiryDate": None,
        },
        now=now,
    )
    assert tok.open_id == "1424608189734850560"
    assert tok.access_token_expires_at == datetime(
        2021, 8, 18, 9, 16, 33, tzinfo=timezone(timedelta(hours=8))
    )
    assert tok.refresh_token_expires_at == now + timedelta(days=180)
