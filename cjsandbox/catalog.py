"""Deterministic catalogue generator: categories, products, variants, stock and (lazy) reviews.

Everything is derived from ``random.Random(seed)`` (never the global random), so the same seed gives the
same catalogue. Reviews and descriptions are generated on demand from ``Random(f"{seed}:{pid}")``.
"""

from __future__ import annotations

import json
import pickle
import random
import re
import uuid
from collections import OrderedDict
from datetime import UTC, datetime, timedelta

from .catalog_data import (
    AXES,
    AXIS_LABEL,
    AXIS_ZH,
    CATEGORIES,
    MATERIALS,
    PACKINGS,
    REVIEW_COUNTRIES,
    REVIEW_TEXTS,
    SUPPLIERS,
    WAREHOUSE_PROB,
    WAREHOUSES,
)

_CAT_NS = uuid.UUID("6f1c1a6e-3b8e-4a51-9a43-2d1f6e0c9b11")
_WORD = re.compile(r"[a-z0-9]+")
CN_TZ = timedelta(hours=8)


def _uuid_upper(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()


def _stem(token: str) -> str:
    if len(token) > 4 and token.endswith("es") and token[-3] in "sxz":
        return token[:-2]
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def money(value: float) -> float:
    return round(value + 1e-9, 2)


class Category:
    __slots__ = ("code", "first", "id", "name", "path", "second", "spec", "weight")

    def __init__(self, spec: tuple) -> None:
        self.spec = spec
        self.first, self.second, self.name, self.code, self.weight = spec[:5]
        self.id = str(uuid.uuid5(_CAT_NS, f"{self.first}/{self.second}/{self.name}")).upper()
        self.path = f"{self.first} / {self.second} / {self.name}"

    @property
    def second_id(self) -> str:
        return str(uuid.uuid5(_CAT_NS, f"{self.first}/{self.second}")).upper()

    @property
    def first_id(self) -> str:
        return str(uuid.uuid5(_CAT_NS, self.first)).upper()


class Variant:
    __slots__ = (
        "barcode",
        "create_time",
        "height",
        "image",
        "key",
        "length",
        "name_en",
        "pid",
        "price",
        "product",
        "sku",
        "status",
        "stock",
        "stock_ids",
        "sug_price",
        "values",
        "vid",
        "weight",
        "width",
    )

    def __init__(self) -> None:
        self.stock: dict[str, list[int]] = {}
        self.stock_ids: dict[str, str] = {}
        self.status = 1

    @property
    def volume(self) -> int:
        return self.length * self.width * self.height

    def total_in(self, country: str) -> int:
        row = self.stock.get(country)
        return row[0] + row[1] if row else 0


class Product:
    __slots__ = (
        "category",
        "countries",
        "create_ms",
        "free_shipping",
        "image_count",
        "index",
        "is_video",
        "key_en",
        "key_zh",
        "listed_num",
        "material",
        "max_price",
        "min_price",
        "name_cn",
        "name_en",
        "name_lower",
        "name_stems",
        "packing",
        "pid",
        "removed",
        "review_count",
        "sku",
        "status",
        "stock_by_country",
        "supplier",
        "supplier_id",
        "total_cj",
        "total_factory",
        "variants",
    )

    def __init__(self) -> None:
        self.variants: list[Variant] = []
        self.removed = False

    def refresh(self) -> None:
        """Recompute the product-level aggregates after a stock or price change."""
        prices = [v.price for v in self.variants]
        self.min_price, self.max_price = min(prices), max(prices)
        by_country: dict[str, list[int]] = {}
        for v in self.variants:
            for cc, (cj, fac) in v.stock.items():
                row = by_country.setdefault(cc, [0, 0])
                row[0] += cj
                row[1] += fac
        self.stock_by_country = {cc: by_country[cc] for cc in WAREHOUSES if cc in by_country}
        self.countries = {cc for cc, (cj, fac) in by_country.items() if cj + fac > 0}
        self.total_cj = sum(r[0] for r in by_country.values())
        self.total_factory = sum(r[1] for r in by_country.values())

    @property
    def sell_price(self) -> str:
        if self.min_price == self.max_price:
            return f"{self.min_price:.2f}"
        return f"{self.min_price:.2f}-{self.max_price:.2f}"

    @property
    def weight_str(self) -> str:
        weights = [v.weight for v in self.variants]
        lo, hi = min(weights), max(weights)
        return f"{lo:.1f}" if lo == hi else f"{lo:.2f}-{hi:.2f}"

    @property
    def total_inventory(self) -> int:
        return self.total_cj + self.total_factory


_PRISTINE: dict[tuple[int, int], bytes] = {}


class Catalog:
    @classmethod
    def fresh(cls, seed: int, count: int) -> Catalog:
        """A new, seeded catalogue. Generation is deterministic, so a reset copies the first one generated in this
        process (a pickle round trip is ~4x cheaper than generating, and resets happen before every test)."""
        key = (seed, count)
        if key not in _PRISTINE:
            _PRISTINE[key] = pickle.dumps(cls(seed, count), protocol=pickle.HIGHEST_PROTOCOL)
        return pickle.loads(_PRISTINE[key])  # noqa: S301 — bytes this process pickled itself

    def __init__(self, seed: int, count: int) -> None:
        self.seed = seed
        self.categories = [Category(spec) for spec in CATEGORIES]
        self.category_by_id = {c.id: c for c in self.categories}
        self.products: list[Product] = []
        self.by_pid: dict[str, Product] = {}
        self.by_sku: dict[str, Product] = {}
        self.by_vid: dict[str, Variant] = {}
        self.by_vsku: dict[str, Variant] = {}
        self.version = 0
        self._search_cache: OrderedDict = OrderedDict()
        self._reviews: dict[str, list[dict]] = {}
        self.rewritten: dict[str, str] = {}  # pid → a description CJ's product team rewrote (control API)
        self._generate(count)

    # ------------------------------------------------------------------ generation
    def _generate(self, count: int) -> None:
        rng = random.Random(self.seed)
        cats = self.categories
        weights = [c.weight for c in cats]
        base_ms = int(datetime(2019, 6, 1, tzinfo=UTC).timestamp() * 1000)
        span_ms = int(timedelta(days=6 * 365).total_seconds() * 1000)
        seen: set[str] = set()
        # every category gets at least one product, the rest by weight
        picks = list(range(len(cats))) if count >= len(cats) else []
        picks += rng.choices(range(len(cats)), weights=weights, k=max(0, count - len(picks)))
        rng.shuffle(picks)
        for index, cat_index in enumerate(picks):
            p = self._make_product(rng, index, cats[cat_index], base_ms + rng.randrange(span_ms), seen)
            self.products.append(p)
            self.by_pid[p.pid] = p
            self.by_sku[p.sku] = p
            for v in p.variants:
                self.by_vid[v.vid] = v
                self.by_vsku[v.sku] = v

    def _new_id(self, rng: random.Random, seen: set[str], numeric: bool) -> str:
        while True:
            new = str(rng.randrange(10**18, 2 * 10**18)) if numeric else _uuid_upper(rng)
            if new not in seen:
                seen.add(new)
                return new

    def _make_product(self, rng: random.Random, index: int, cat: Category, create_ms: int, seen: set[str]):
        (_f, _s, _t, code, _w, nouns, adjs, suffixes, axis_sets, (plo, phi), (wlo, whi), _shape) = cat.spec
        p = Product()
        p.index = index
        p.category = cat
        numeric = rng.random() < 0.5
        p.pid = self._new_id(rng, seen, numeric)
        p.sku = f"CJ{code}{chr(65 + rng.randrange(26))}{chr(65 + rng.randrange(26))}{index + 1:05d}"
        p.name_en = f"{rng.choice(adjs)} {rng.choice(nouns)}{rng.choice(suffixes)}".strip()
        p.name_lower = p.name_en.lower()
        p.name_stems = {_stem(t) for t in _WORD.findall(p.name_lower)}
        p.name_cn = json.dumps([f"{p.name_en} 中文", p.name_en.split()[-1]], ensure_ascii=False)
        p.status = "3" if rng.random() < 0.96 else "2"
        p.create_ms = create_ms
        p.listed_num = int(rng.paretovariate(1.2) * 20) if rng.random() < 0.8 else 0
        p.image_count = rng.randint(1, 5)
        p.is_video = 1 if rng.random() < 0.2 else 0
        p.free_shipping = 1 if rng.random() < 0.15 else 0
        sup = rng.choice(SUPPLIERS)
        p.supplier = sup
        p.supplier_id = _uuid_upper(rng) if sup else ""
        p.material = rng.choice(MATERIALS)
        p.packing = rng.choice(PACKINGS)
        p.review_count = 0 if rng.random() < 0.25 else rng.randint(1, 300)

        axes = rng.choice(axis_sets)
        p.key_en = "-".join(AXIS_LABEL[a] for a in axes)
        p.key_zh = json.dumps([AXIS_ZH.get(AXIS_LABEL[a], AXIS_LABEL[a]) for a in axes], ensure_ascii=False)
        # choose how many values per axis so that the variant count is 1..12
        if len(axes) == 1:
            values = AXES[axes[0]]
            n = rng.randint(1, min(12, len(values)))
            combos = [[x] for x in sorted(rng.sample(range(len(values)), n))]
        else:
            n1 = rng.randint(1, min(4, len(AXES[axes[0]])))
            n2 = rng.randint(1, min(12 // n1, len(AXES[axes[1]]), 5))
            a = sorted(rng.sample(range(len(AXES[axes[0]])), n1))
            b = sorted(rng.sample(range(len(AXES[axes[1]])), n2))
            combos = [[x, y] for x in a for y in b]

        base_price = rng.uniform(plo, plo + (phi - plo) * 0.8)
        same_price = rng.random() < 0.35
        base_weight = rng.uniform(wlo, whi)
        dims = [rng.randint(40, 400), rng.randint(30, 300), rng.randint(5, 120)]
        countries = [cc for cc, prob in WAREHOUSE_PROB.items() if rng.random() < prob] or ["CN"]
        create_dt = datetime.fromtimestamp(create_ms / 1000, UTC)
        for ci, combo in enumerate(combos):
            v = Variant()
            v.product = p
            v.pid = p.pid
            v.vid = self._new_id(rng, seen, numeric if rng.random() < 0.9 else not numeric)
            vals = [AXES[axes[i]][combo[i]] for i in range(len(axes))]
            v.values = vals
            v.key = "-".join(vals)
            v.sku = f"{p.sku}-{v.key.replace(' ', '')}"
            v.name_en = f"{p.name_en} {' '.join(vals)}"
            step = combo[-1] if len(axes) > 1 or axes[0] in ("Size", "PetSize", "Length", "Capacity") else 0
            price = (
                base_price if same_price else base_price * (1 + 0.08 * step) + rng.choice((0, 0, 0.1, 0.25))
            )
            v.price = money(max(0.3, price))
            v.sug_price = money(v.price * rng.uniform(1.8, 3.2))
            v.weight = float(round(base_weight * (1 + 0.05 * step)))
            v.length, v.width, v.height = dims[0] + 10 * step, dims[1] + 5 * step, dims[2]
            v.image = (ci % p.image_count) + 1
            v.barcode = str(6900000000000 + rng.randrange(10**8, 10**9))
            v.create_time = (create_dt + timedelta(days=rng.randint(0, 20))).strftime(
                "%Y-%m-%dT%H:%M:%S.000+00:00"
            )
            for cc in countries:
                if cc == "CN":
                    cj = 0 if rng.random() < 0.4 else rng.randint(5, 3000)
                    fac = rng.randint(100, 20000) if rng.random() < 0.85 else 0
                else:
                    cj = rng.randint(0, 900) if rng.random() < 0.9 else 0
                    fac = 0
                v.stock[cc] = [cj, fac]
                v.stock_ids[cc] = "{" + _uuid_upper(rng) + "}"
            p.variants.append(v)
        p.refresh()
        return p

    # ------------------------------------------------------------------ lookups & search
    def touch(self) -> None:
        self.version += 1
        self._search_cache.clear()

    def live_product(self, pid: str) -> Product | None:
        p = self.by_pid.get(pid)
        return None if p is None or p.removed else p

    def search(
        self,
        *,
        keyword: str | None = None,
        category_id: str | None = None,
        country: str | None = None,
        start_price: float | None = None,
        end_price: float | None = None,
        order_by: int = 0,
        sort: str = "desc",
        on_sale_only: bool = True,
        name_contains: str | None = None,
        pid: str | None = None,
        sku: str | None = None,
        category_ids: frozenset[str] | None = None,
        second_ids: frozenset[str] | None = None,
        free_shipping: int | None = None,
        min_inventory: int | None = None,
        max_inventory: int | None = None,
    ) -> list[Product]:
        key = (keyword, category_id, country, start_price, end_price, order_by, sort, on_sale_only)
        key += (
            name_contains,
            pid,
            sku,
            category_ids,
            second_ids,
            free_shipping,
            min_inventory,
            max_inventory,
        )
        cached = self._search_cache.get(key)
        if cached is not None:
            self._search_cache.move_to_end(key)
            return cached
        tokens = [_stem(t) for t in _WORD.findall((keyword or "").lower())]
        kw_upper = (keyword or "").strip().upper()
        results: list[tuple[float, Product]] = []
        for p in self.products:
            if p.removed or (on_sale_only and p.status != "3"):
                continue
            if category_id and p.category.id != category_id:
                continue
            if category_ids and p.category.id not in category_ids:
                continue
            if second_ids and p.category.second_id not in second_ids:
                continue
            if free_shipping is not None and p.free_shipping != free_shipping:
                continue
            if min_inventory is not None and p.total_inventory < min_inventory:
                continue
            if max_inventory is not None and p.total_inventory > max_inventory:
                continue
            if country and country not in p.countries:
                continue
            if start_price is not None and p.min_price < start_price:
                continue
            if end_price is not None and p.min_price > end_price:
                continue
            if pid and p.pid != pid:
                continue
            if sku and p.sku != sku:
                continue
            if name_contains and name_contains.lower() not in p.name_lower:
                continue
            score = 0.0
            if tokens:
                if kw_upper == p.sku or kw_upper.startswith(p.sku + "-"):
                    score = 100.0
                else:
                    stems = p.name_stems
                    if not all(t in stems or t in p.name_lower for t in tokens):
                        continue
                    score = 10.0 + (5.0 if keyword.strip().lower() in p.name_lower else 0.0)
                    score += sum(1.0 for t in tokens if t in stems)
            results.append((score, p))
        if order_by == 0:
            results.sort(key=lambda sp: (-sp[0], -sp[1].listed_num, sp[1].index))
            out = [p for _, p in results]
        else:
            attr = {
                1: lambda p: p.listed_num,
                2: lambda p: p.min_price,
                3: lambda p: p.create_ms,
                4: lambda p: p.total_inventory,
            }.get(order_by, lambda p: p.listed_num)
            out = sorted((p for _, p in results), key=lambda p: (attr(p), -p.index), reverse=(sort != "asc"))
        self._search_cache[key] = out
        if len(self._search_cache) > 128:
            self._search_cache.popitem(last=False)
        return out

    # ------------------------------------------------------------------ lazy content
    def reviews(self, p: Product) -> list[dict]:
        cached = self._reviews.get(p.pid)
        if cached is not None:
            return cached
        rng = random.Random(f"{self.seed}:reviews:{p.pid}")
        out = []
        start = datetime.fromtimestamp(p.create_ms / 1000, UTC) + CN_TZ
        # a review is written after the product is listed and before today (never in the future)
        now = datetime.now(UTC) + CN_TZ
        span = max(0.0, min(timedelta(days=900), now - start).total_seconds())
        names = [
            "Frank",
            "Julia",
            "Marco",
            "Sophie",
            "Ahmed",
            "Lena",
            "Oscar",
            "Maria",
            "Kevin",
            "Aisha",
            "Tom",
        ]
        for i in range(p.review_count):
            score = rng.choices([5, 4, 3, 2, 1], weights=[55, 25, 10, 5, 5])[0]
            name = rng.choice(names)
            when = start + timedelta(seconds=rng.random() * span)
            urls = [f"/images/{p.pid}/{rng.randint(1, p.image_count)}.svg"] if rng.random() < 0.2 else []
            out.append(
                {
                    "commentId": 1500000000000000000 + (p.index * 1000 + i) * 7919,
                    "pid": p.pid,
                    "comment": rng.choice(REVIEW_TEXTS),
                    "commentDate": when.strftime("%Y-%m-%d %H:%M:%S"),
                    "commentUser": f"{name[0]}***{name[-1]}",
                    "score": str(score),
                    "commentUrls": urls,
                    "countryCode": rng.choice(REVIEW_COUNTRIES),
                }
            )
        out.sort(key=lambda r: r["commentDate"], reverse=True)
        self._reviews[p.pid] = out
        return out

    def description(self, p: Product) -> str:
        if p.pid in self.rewritten:
            return self.rewritten[p.pid]
        rng = random.Random(f"{self.seed}:desc:{p.pid}")
        feats = rng.sample(
            [
                "High quality material, durable and safe.",
                "Lightweight and easy to carry.",
                "Perfect gift for friends and family.",
                "Easy to clean and maintain.",
                "Modern design that fits any style.",
                "Satisfaction guaranteed.",
            ],
            3,
        )
        items = "".join(f"<p>{f}</p>" for f in feats)
        return (
            f"<p><b>{p.name_en}</b></p><p>Product information:</p>{items}"
            f"<p>Material: {p.material[1]}</p><p>Packing list: {p.name_en.split()[-1]} x1</p>"
        )

    def category_tree(self) -> list[dict]:
        tree: dict[str, dict[str, list[Category]]] = {}
        for c in self.categories:
            tree.setdefault(c.first, {}).setdefault(c.second, []).append(c)
        return [
            {
                "categoryFirstName": first,
                "categoryFirstList": [
                    {
                        "categorySecondName": second,
                        "categorySecondList": [{"categoryId": c.id, "categoryName": c.name} for c in thirds],
                    }
                    for second, thirds in seconds.items()
                ],
            }
            for first, seconds in tree.items()
        ]
