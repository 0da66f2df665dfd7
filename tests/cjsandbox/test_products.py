"""Contract tests for the product, category, stock and review endpoints (CJ-API.md §5)."""

from __future__ import annotations

import json

import httpx

from .conftest import names

LIST_V2_ITEM_FIELDS = names(
    """id nameEn sku spu bigImage sellPrice nowPrice discountPrice discountPriceRate listedNum isCollect categoryId
    threeCategoryName twoCategoryId twoCategoryName oneCategoryId oneCategoryName addMarkStatus isVideo videoList
    productType supplierName createAt setRecommendedTime warehouseInventoryNum totalVerifiedInventory
    totalUnVerifiedInventory verifiedWarehouse customization isPersonalized hasCECertification myProduct currency
    description deliveryCycle saleStatus authorityStatus autStatus isAut isList syncListedProductStatus isAd
    activityId directMinOrderNum zoneRecommendJson inventoryInfo variantKeyEn variantInventories propertyKey"""
)
QUERY_FIELDS = names(
    """pid productName productNameEn productSku productImage bigImage productImageSet productWeight productUnit
    productType categoryId categoryName entryCode entryName entryNameEn materialName materialNameEn materialKey
    packingWeight packingName packingNameEn packingKey productKey productKeyEn productPro productProSet productProEn
    productProEnSet sellPrice description suggestSellPrice listedNum status supplierName supplierId
    customizationVersion customizationJson1 createrTime variants"""
)
QUERY_VARIANT_FIELDS = names(
    """vid pid variantName variantNameEn variantSku barcode variantUnit variantProperty variantKey variantLength
    variantWidth variantHeight variantVolume variantWeight variantSellPrice variantSugSellPrice variantStandard
    createTime combineVariants"""
) | {"variantImage"}  # variantImage: listed in §5.7, absent from the trimmed §5.5 example
VARIANT_FIELDS = names(
    """vid pid variantName variantNameEn variantImage variantSku variantUnit variantProperty variantKey variantLength
    variantWidth variantHeight variantVolume variantWeight variantSellPrice createTime variantStandard
    variantSugSellPrice"""
)
INVENTORY_FIELDS = {
    "countryCode",
    "totalInventory",
    "cjInventory",
    "factoryInventory",
    "verifiedWarehouse",
    "stock",
}
LIST_ITEM_FIELDS = names(
    """pid productName productNameEn productSku productImage productWeight productType productUnit categoryId
    categoryName remark addMarkStatus isFreeShipping listedNum supplierName supplierId sellPrice createTime isVideo
    saleStatus customizationVersion deliveryTime"""
)


def test_get_category_three_levels(cj):
    r = cj.get("product/getCategory")
    assert r["code"] == 200 and r["result"] is True and r["message"] == "Success" and r["requestId"]
    tree = r["data"]
    thirds = []
    for first in tree:
        assert set(first) == {"categoryFirstName", "categoryFirstList"}
        for second in first["categoryFirstList"]:
            assert set(second) == {"categorySecondName", "categorySecondList"}
            for third in second["categorySecondList"]:
                assert set(third) == {"categoryId", "categoryName"}
                thirds.append(third)
    assert len(thirds) >= 30


def test_list_v2_shape(cj, server):
    r = cj.get(
        "product/listV2",
        {"keyWord": "phone case", "startSellPrice": 2, "endSellPrice": 10, "countryCode": "US", "size": 5},
    )
    assert r["code"] == 200
    data = r["data"]
    assert set(data) == {"pageSize", "pageNumber", "totalRecords", "totalPages", "content"}
    assert data["pageSize"] == 5 and data["pageNumber"] == 1 and data["totalRecords"] >= 3
    assert len(data["content"]) == 1
    content = data["content"][0]
    assert set(content) == {"productList", "relatedCategoryList", "keyWord", "keyWordOld"}
    assert content["keyWord"] == "phone case"
    assert all(set(c) == {"categoryId", "categoryName"} for c in content["relatedCategoryList"])
    items = content["productList"]
    assert 1 <= len(items) <= 5
    for item in items:
        assert set(item) == LIST_V2_ITEM_FIELDS
        assert "phone" in item["nameEn"].lower()
        low = float(item["sellPrice"].split("-")[0])
        assert 2 <= low <= 10
        assert item["saleStatus"] == "3" and isinstance(item["createAt"], int)
        assert item["bigImage"].startswith(server.root_url + "/images/")
        assert item["threeCategoryName"] is None  # only with features=enable_category
        inv = json.loads(item["inventoryInfo"])
        assert any(row["countryCode"] == "US" and row["totalInventory"] > 0 for row in inv)
        assert isinstance(json.loads(item["variantInventories"]), list)


def test_list_v2_paging_features_sorting_and_validation(cj):
    first = cj.get("product/listV2", {"page": 1, "size": 100})["data"]
    second = cj.get("product/listV2", {"page": 2, "size": 100})["data"]
    assert first["totalRecords"] == second["totalRecords"] > 100
    assert first["totalPages"] == -(-first["totalRecords"] // 100)
    ids1 = {p["id"] for p in first["content"][0]["productList"]}
    ids2 = {p["id"] for p in second["content"][0]["productList"]}
    assert len(ids1) == 100 and not ids1 & ids2
    feat = cj.get("product/listV2", {"size": 1, "features": ["enable_category", "enable_description"]})
    item = feat["data"]["content"][0]["productList"][0]
    assert item["threeCategoryName"] and item["twoCategoryName"] and item["oneCategoryName"]
    assert item["description"].startswith("<p>")
    asc = cj.get("product/listV2", {"size": 20, "orderBy": 2, "sort": "asc"})["data"]["content"][0][
        "productList"
    ]
    lows = [float(p["sellPrice"].split("-")[0]) for p in asc]
    assert lows == sorted(lows)
    cat_id = item["categoryId"]
    by_cat = cj.get("product/listV2", {"categoryId": cat_id, "size": 100})["data"]["content"][0][
        "productList"
    ]
    assert by_cat and all(p["categoryId"] == cat_id for p in by_cat)
    assert cj.get("product/listV2", {"page": 1001})["code"] == 1600300
    assert cj.get("product/listV2", {"size": 101})["code"] == 1600300
    assert cj.get("product/listV2", {"size": 0})["code"] == 1600300
    beyond = cj.get("product/listV2", {"page": 999, "size": 100})["data"]
    assert beyond["content"][0]["productList"] == []


def test_legacy_list_is_flat_and_ignores_keyword(cj):
    r = cj.get("product/list", {"pageNum": 1, "pageSize": 3, "keyword": "zzzz-no-such-thing"})
    assert r["code"] == 200
    data = r["data"]
    assert set(data) == {"pageNum", "pageSize", "total", "list"}
    assert len(data["list"]) == 3 and data["total"] > 3  # undocumented "keyword" is ignored, like CJ
    for item in data["list"]:
        assert set(item) == LIST_ITEM_FIELDS
        assert item["categoryName"].count(" / ") == 2
    assert cj.get("product/list", {"pageSize": 201})["code"] == 1600300
    deep = cj.get("product/list", {"pageNum": 100, "pageSize": 200})
    assert deep["code"] == 1600300 and "the max offset is" in deep["message"]
    named = cj.get("product/list", {"productNameEn": "phone", "pageSize": 50})["data"]["list"]
    assert named and all("phone" in i["productNameEn"].lower() for i in named)


def _multi_price_product(server):
    for p in server.state.catalog.products:
        if p.status == "3" and p.min_price != p.max_price and len(p.variants) > 2 and len(p.countries) > 1:
            return p
    raise AssertionError


def test_product_query_shape_and_lookups(cj, server):
    p = _multi_price_product(server)
    r = cj.get("product/query", {"pid": p.pid})
    assert r["code"] == 200
    d = r["data"]
    assert set(d) == QUERY_FIELDS
    assert d["pid"] == p.pid and d["status"] == "3"
    assert isinstance(d["sellPrice"], str) and "-" in d["sellPrice"]  # range string like "1.55-3.35"
    assert json.loads(d["productName"]) and json.loads(d["materialNameEn"])
    assert d["productImageSet"][0] == d["bigImage"] == d["productImage"]
    assert d["createrTime"].endswith("+08:00")
    for v in d["variants"]:
        assert set(v) == QUERY_VARIANT_FIELDS  # no per-variant stock without enable_inventory
    with_inv = cj.get("product/query", {"pid": p.pid, "features": "enable_inventory"})["data"]
    for v in with_inv["variants"]:
        assert set(v) == QUERY_VARIANT_FIELDS | {"inventories"}
        for row in v["inventories"]:
            assert set(row) == INVENTORY_FIELDS
            assert row["totalInventory"] == row["cjInventory"] + row["factoryInventory"]
            assert set(row["stock"][0]) == {"stockId", "inventory", "factoryInventory"}
    by_sku = cj.get("product/query", {"productSku": p.sku})["data"]
    by_vsku = cj.get("product/query", {"variantSku": p.variants[1].sku})["data"]
    assert by_sku["pid"] == by_vsku["pid"] == p.pid
    country = sorted(p.countries)[0]
    filtered = cj.get("product/query", {"pid": p.pid, "countryCode": country})["data"]["variants"]
    assert all(v["vid"] in {x.vid for x in p.variants if x.total_in(country) > 0} for v in filtered)
    assert cj.get("product/query")["code"] == 1600300
    assert cj.get("product/query", {"pid": "NOPE"})["code"] == 1602001


def test_single_price_product_has_numeric_sell_price(cj, server):
    p = next(x for x in server.state.catalog.products if x.min_price == x.max_price)
    d = cj.get("product/query", {"pid": p.pid})["data"]
    assert isinstance(d["sellPrice"], float)


def test_variant_endpoints(cj, server):
    p = _multi_price_product(server)
    rows = cj.get("product/variant/query", {"pid": p.pid})["data"]
    assert len(rows) == len(p.variants)
    assert all(set(v) == VARIANT_FIELDS for v in rows)
    one = cj.get("product/variant/query", {"variantSku": p.variants[0].sku})["data"]
    assert [v["vid"] for v in one] == [p.variants[0].vid]
    v = cj.get("product/variant/queryByVid", {"vid": p.variants[0].vid})["data"]
    assert set(v) == VARIANT_FIELDS and v["variantKey"] == p.variants[0].key
    vi = cj.get("product/variant/queryByVid", {"vid": p.variants[0].vid, "features": "enable_inventory"})[
        "data"
    ]
    assert set(vi) == VARIANT_FIELDS | {"inventories"}
    assert cj.get("product/variant/queryByVid", {"vid": "NOPE"})["code"] == 1602000


def test_stock_endpoints(cj, server):
    p = _multi_price_product(server)
    v = p.variants[0]
    rows = cj.get("product/stock/queryByVid", {"vid": v.vid})["data"]
    assert {r["countryCode"] for r in rows} == set(v.stock)
    for r in rows:
        assert set(r) == {
            "vid",
            "areaId",
            "areaEn",
            "countryCode",
            "storageNum",
            "totalInventoryNum",
            "cjInventoryNum",
            "factoryInventoryNum",
            "stock",
        }
        assert r["totalInventoryNum"] == r["cjInventoryNum"] + r["factoryInventoryNum"]
    sku_rows = cj.get("product/stock/queryBySku", {"sku": v.sku})["data"]
    keys = {
        "areaEn",
        "areaId",
        "countryCode",
        "countryNameEn",
        "totalInventoryNum",
        "cjInventoryNum",
        "factoryInventoryNum",
        "stock",
    }
    assert sku_rows and all(set(r) == keys for r in sku_rows)
    spu_rows = cj.get("product/stock/queryBySku", {"sku": p.sku})["data"]
    assert sum(r["totalInventoryNum"] for r in spu_rows) == p.total_inventory
    assert cj.get("product/stock/queryBySku", {"sku": "NOPE"})["code"] == 1602000
    assert cj.get("product/stock/queryByVid")["code"] == 16900403


def test_get_inventory_by_pid_shape(cj, server):
    p = _multi_price_product(server)
    r = cj.get("product/stock/getInventoryByPid", {"pid": p.pid})
    assert set(r) == {"success", "code", "message", "data", "requestId", "pointsInfo"}
    assert r["success"] is True and r["code"] == 200 and r["message"] == ""
    d = r["data"]
    assert set(d) == {"inventories", "variantInventories"}
    for row in d["inventories"]:
        assert set(row) == {
            "areaEn",
            "areaId",
            "countryCode",
            "totalInventoryNum",
            "cjInventoryNum",
            "factoryInventoryNum",
            "countryNameEn",
        }
    assert {row["countryCode"] for row in d["inventories"]} >= p.countries
    assert [vi["vid"] for vi in d["variantInventories"]] == [v.vid for v in p.variants]
    for vi in d["variantInventories"]:
        assert set(vi) == {"vid", "inventory"}
        assert all(set(row) == INVENTORY_FIELDS for row in vi["inventory"])
    assert cj.get("product/stock/getInventoryByPid", {"pid": "X" * 41})["code"] == 1600300
    missing = cj.get("product/stock/getInventoryByPid", {"pid": "NOPE"})
    assert missing["code"] == 1602001 and missing["success"] is False


def test_product_comments_envelope_and_strings(cj, server):
    p = max(server.state.catalog.products, key=lambda x: x.review_count)
    r = cj.get("product/productComments", {"pid": p.pid, "pageNum": 2, "pageSize": 5})
    assert set(r) == {"success", "code", "message", "data", "requestId", "pointsInfo"}
    assert r["success"] is True and r["code"] == 0 and r["message"] is None
    d = r["data"]
    assert d["pageNum"] == "2" and d["pageSize"] == "5" and d["total"] == str(p.review_count)
    assert len(d["list"]) == 5
    for c in d["list"]:
        assert set(c) == {
            "commentId",
            "pid",
            "comment",
            "commentDate",
            "commentUser",
            "score",
            "commentUrls",
            "countryCode",
            "flagIconUrl",
        }
        assert c["score"] in {"1", "2", "3", "4", "5"} and "***" in c["commentUser"]
        assert isinstance(c["commentId"], int) and c["commentId"] > 2**53
    fives = cj.get("product/productComments", {"pid": p.pid, "score": 5, "pageSize": 100})["data"]["list"]
    assert fives and all(c["score"] == "5" for c in fives)
    again = cj.get("product/productComments", {"pid": p.pid, "pageNum": 2, "pageSize": 5})["data"]["list"]
    assert again == d["list"]
    assert cj.get("product/productComments")["code"] == 16900403


def test_images_are_served_by_the_sandbox(cj, server):
    p = _multi_price_product(server)
    d = cj.get("product/query", {"pid": p.pid})["data"]
    resp = httpx.get(d["bigImage"])
    assert resp.status_code == 200 and resp.headers["content-type"] == "image/svg+xml"
    assert resp.content.startswith(b"<svg")
    variant_img = cj.get("product/variant/queryByVid", {"vid": p.variants[0].vid})["data"]["variantImage"]
    assert httpx.get(variant_img).status_code == 200
    assert httpx.get(f"{server.root_url}/images/{p.pid}/99.svg").status_code == 404
    assert httpx.get(f"{server.root_url}/images/flags/US.svg").status_code == 200


def test_off_sale_and_removed_products(cj, control, server):
    p = [x for x in server.state.catalog.products if x.status == "3"][-1]
    assert control.post(f"products/{p.pid}/off-sale")["ok"]
    assert cj.get("product/query", {"pid": p.pid})["data"]["status"] == "2"
    listed = cj.get("product/list", {"pid": p.pid})["data"]["list"]
    assert listed == []
    assert control.post(f"products/{p.pid}/on-sale")["ok"]
    assert cj.get("product/list", {"pid": p.pid})["data"]["total"] == 1
    assert control.post(f"products/{p.pid}/remove")["ok"]
    assert cj.get("product/query", {"pid": p.pid})["code"] == 1602001
    assert cj.get("product/stock/getInventoryByPid", {"pid": p.pid})["code"] == 1602001
    assert cj.get("product/variant/queryByVid", {"vid": p.variants[0].vid})["code"] == 1602000
    assert control.post(f"products/{p.pid}/remove")["_status"] == 404


def test_list_v2_total_records_capped_at_6000():
    from .conftest import CJ, FAST_KEY, make_server

    srv = make_server(products=6300)
    try:
        client = CJ(srv, FAST_KEY)
        data = client.get("product/listV2", {"size": 100, "page": 60})["data"]
        assert data["totalRecords"] == 6000 and data["totalPages"] == 60
        assert len(data["content"][0]["productList"]) == 100
        assert (
            client.get("product/listV2", {"size": 100, "page": 61})["data"]["content"][0]["productList"] == []
        )
    finally:
        srv.stop()
