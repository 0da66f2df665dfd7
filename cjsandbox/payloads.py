"""JSON shapes of catalogue objects, exactly as CJ-API.md §5 shows them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from .catalog import Catalog, Product, Variant
from .catalog_data import WAREHOUSES

CN_TZ = timedelta(hours=8)


def image_url(root: str, pid: str, n: int) -> str:
    return f"{root}/images/{pid}/{n}.svg"


def images(root: str, p: Product) -> list[str]:
    return [image_url(root, p.pid, n) for n in range(1, p.image_count + 1)]


def _cn_iso(ms: int) -> str:
    return (datetime.fromtimestamp(ms / 1000, UTC) + CN_TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


# ---------------------------------------------------------------------- stock rows
def variant_inventories(v: Variant) -> list[dict]:
    """The ``inventories`` list of product/query (features=enable_inventory) and variant/queryByVid."""
    out = []
    for cc in WAREHOUSES:
        if cc not in v.stock:
            continue
        cj, fac = v.stock[cc]
        out.append(
            {
                "countryCode": cc,
                "totalInventory": cj + fac,
                "cjInventory": cj,
                "factoryInventory": fac,
                "verifiedWarehouse": 1 if cj > 0 else 2,
                "stock": [{"stockId": v.stock_ids[cc], "inventory": cj, "factoryInventory": fac}],
            }
        )
    return out


def stock_by_vid_rows(v: Variant) -> list[dict]:
    """product/stock/queryByVid ``data``."""
    out = []
    for cc in WAREHOUSES:
        if cc not in v.stock:
            continue
        cj, fac = v.stock[cc]
        area_id, area_en, _name = WAREHOUSES[cc]
        out.append(
            {
                "vid": v.vid,
                "areaId": area_id,
                "areaEn": area_en,
                "countryCode": cc,
                "storageNum": cj + fac,
                "totalInventoryNum": cj + fac,
                "cjInventoryNum": cj,
                "factoryInventoryNum": fac,
                "stock": [{"stockId": v.stock_ids[cc], "inventory": cj, "factoryInventory": fac}],
            }
        )
    return out


def stock_by_sku_rows(variants: list[Variant]) -> list[dict]:
    """product/stock/queryBySku ``data`` (aggregated over the variants when a product SKU is given)."""
    out = []
    for cc in WAREHOUSES:
        rows = [(v, v.stock[cc]) for v in variants if cc in v.stock]
        if not rows:
            continue
        cj = sum(r[0] for _, r in rows)
        fac = sum(r[1] for _, r in rows)
        area_id, area_en, name = WAREHOUSES[cc]
        out.append(
            {
                "areaEn": area_en,
                "areaId": area_id,
                "countryCode": cc,
                "countryNameEn": name,
                "totalInventoryNum": cj + fac,
                "cjInventoryNum": cj,
                "factoryInventoryNum": fac,
                "stock": [
                    {"stockId": v.stock_ids[cc], "inventory": r[0], "factoryInventory": r[1]} for v, r in rows
                ],
            }
        )
    return out


def inventory_by_pid(p: Product) -> dict:
    """product/stock/getInventoryByPid ``data``."""
    inventories = []
    for cc, (cj, fac) in p.stock_by_country.items():
        area_id, area_en, name = WAREHOUSES[cc]
        inventories.append(
            {
                "areaEn": area_en,
                "areaId": area_id,
                "countryCode": cc,
                "totalInventoryNum": cj + fac,
                "cjInventoryNum": cj,
                "factoryInventoryNum": fac,
                "countryNameEn": name,
            }
        )
    return {
        "inventories": inventories,
        "variantInventories": [{"vid": v.vid, "inventory": variant_inventories(v)} for v in p.variants],
    }


# ---------------------------------------------------------------------- variants
def variant_dict(root: str, v: Variant, *, inventory: bool = False, detail: bool = True) -> dict:
    p = v.product
    d = {
        "vid": v.vid,
        "pid": v.pid,
        "variantName": None,
        "variantNameEn": v.name_en,
        "variantImage": image_url(root, p.pid, v.image),
        "variantSku": v.sku,
        "variantUnit": None,
        "variantProperty": None,
        "variantKey": v.key,
        "variantLength": v.length,
        "variantWidth": v.width,
        "variantHeight": v.height,
        "variantVolume": v.volume,
        "variantWeight": v.weight,
        "variantSellPrice": v.price,
        "createTime": v.create_time,
        "variantStandard": f"long={v.length // 10},width={v.width // 10},height={max(1, v.height // 10)}",
        "variantSugSellPrice": v.sug_price,
    }
    if detail:
        d["barcode"] = v.barcode
        d["combineVariants"] = []
    if inventory:
        d["inventories"] = variant_inventories(v)
    return d


# ---------------------------------------------------------------------- products
def product_detail(
    catalog: Catalog, root: str, p: Product, *, features: set[str], country: str | None
) -> dict:
    """product/query ``data`` (CJ-API.md §5.5)."""
    imgs = images(root, p)
    variants = [v for v in p.variants if country is None or v.total_in(country) > 0]
    sell_price: float | str = p.min_price if p.min_price == p.max_price else p.sell_price
    sug = [v.sug_price for v in p.variants]
    mat_cn, mat_en, mat_key = p.material
    pack_cn, pack_en, pack_key = p.packing
    packing_weight = max(v.weight for v in p.variants) + 80
    d = {
        "pid": p.pid,
        "productName": p.name_cn,
        "productNameEn": p.name_en,
        "productSku": p.sku,
        "productImage": imgs[0],
        "bigImage": imgs[0],
        "productImageSet": imgs,
        "productWeight": p.weight_str,
        "productUnit": "unit(s)",
        "productType": "ORDINARY_PRODUCT" if not p.supplier else "SUPPLIER_PRODUCT",
        "categoryId": p.category.id,
        "categoryName": p.category.path,
        "entryCode": "3926909090",
        "entryName": "其他塑料制品",
        "entryNameEn": p.category.name.lower(),
        "materialName": json.dumps(["", mat_cn], ensure_ascii=False),
        "materialNameEn": json.dumps(["", mat_en]),
        "materialKey": json.dumps([mat_key]),
        "packingWeight": f"{packing_weight:.1f}",
        "packingName": json.dumps(["", pack_cn], ensure_ascii=False),
        "packingNameEn": json.dumps(["", pack_en]),
        "packingKey": json.dumps([pack_key]),
        "productKey": p.key_zh,
        "productKeyEn": p.key_en,
        "productPro": json.dumps(["普货"], ensure_ascii=False),
        "productProSet": ["普货"],
        "productProEn": json.dumps(["COMMON"]),
        "productProEnSet": ["COMMON"],
        "sellPrice": sell_price,
        "description": catalog.description(p),
        "suggestSellPrice": f"{min(sug):.2f}-{max(sug):.2f}" if min(sug) != max(sug) else f"{min(sug):.2f}",
        "listedNum": p.listed_num,
        "status": p.status,
        "supplierName": p.supplier,
        "supplierId": p.supplier_id,
        "customizationVersion": 0,
        "customizationJson1": "",
        "createrTime": _cn_iso(p.create_ms),
        "variants": [variant_dict(root, v, inventory="enable_inventory" in features) for v in variants],
    }
    if "enable_video" in features:
        d["productVideo"] = []
    return d


def list_v2_item(catalog: Catalog, root: str, p: Product, features: set[str]) -> dict:
    """One element of product/listV2 ``content[0].productList`` (CJ-API.md §5.2)."""
    cat = p.category
    with_cat = "enable_category" in features
    inv_info = [
        {"countryCode": cc, "totalInventory": cj + fac, "cjInventory": cj, "factoryInventory": fac}
        for cc, (cj, fac) in p.stock_by_country.items()
    ]
    var_inv = [
        {"vid": v.vid, "countryCode": cc, "totalInventory": cj + fac}
        for v in p.variants
        for cc, (cj, fac) in v.stock.items()
    ]
    price = p.sell_price
    return {
        "id": p.pid,
        "nameEn": p.name_en,
        "sku": p.sku,
        "spu": p.sku,
        "bigImage": image_url(root, p.pid, 1),
        "sellPrice": price,
        "nowPrice": price,
        "discountPrice": None,
        "discountPriceRate": None,
        "listedNum": p.listed_num,
        "isCollect": 0,
        "categoryId": cat.id,
        "threeCategoryName": cat.name if with_cat else None,
        "twoCategoryId": cat.second_id,
        "twoCategoryName": cat.second if with_cat else None,
        "oneCategoryId": cat.first_id,
        "oneCategoryName": cat.first if with_cat else None,
        "addMarkStatus": p.free_shipping,
        "isVideo": p.is_video,
        "videoList": [] if "enable_video" in features else None,
        "productType": "ORDINARY_PRODUCT" if not p.supplier else "SUPPLIER_PRODUCT",
        "supplierName": p.supplier,
        "createAt": p.create_ms,
        "setRecommendedTime": None,
        "warehouseInventoryNum": p.total_inventory,
        "totalVerifiedInventory": p.total_cj,
        "totalUnVerifiedInventory": p.total_factory,
        "verifiedWarehouse": 1 if p.total_cj > 0 else 2,
        "customization": 0,
        "isPersonalized": 0,
        "hasCECertification": 0,
        "myProduct": False,
        "currency": "USD",
        "description": catalog.description(p) if "enable_description" in features else None,
        "deliveryCycle": "1-3",
        "saleStatus": p.status,
        "authorityStatus": "1",
        "autStatus": 0,
        "isAut": 0,
        "isList": 0,
        "syncListedProductStatus": 0,
        "isAd": 0,
        "activityId": None,
        "directMinOrderNum": 1,
        "zoneRecommendJson": None,
        "inventoryInfo": json.dumps(inv_info, separators=(",", ":")),
        "variantKeyEn": p.key_en,
        "variantInventories": json.dumps(var_inv, separators=(",", ":")),
        "propertyKey": p.key_en,
    }


def list_item(root: str, p: Product) -> dict:
    """One element of the legacy product/list ``data.list`` (CJ-API.md §5.3)."""
    return {
        "pid": p.pid,
        "productName": p.name_cn,
        "productNameEn": p.name_en,
        "productSku": p.sku,
        "productImage": image_url(root, p.pid, 1),
        "productWeight": min(v.weight for v in p.variants),
        "productType": "ORDINARY_PRODUCT" if not p.supplier else "SUPPLIER_PRODUCT",
        "productUnit": "unit(s)",
        "categoryId": p.category.id,
        "categoryName": p.category.path,
        "remark": "",
        "addMarkStatus": p.free_shipping,
        "isFreeShipping": bool(p.free_shipping),
        "listedNum": p.listed_num,
        "supplierName": p.supplier,
        "supplierId": p.supplier_id,
        "sellPrice": p.min_price if p.min_price == p.max_price else p.sell_price,
        "createTime": (datetime.fromtimestamp(p.create_ms / 1000, UTC) + CN_TZ).strftime("%Y-%m-%d %H:%M:%S"),
        "isVideo": p.is_video,
        "saleStatus": p.status,
        "customizationVersion": 0,
        "deliveryTime": "48" if "US" in p.countries else None,
    }
