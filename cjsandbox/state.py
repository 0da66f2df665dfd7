"""The sandbox's in-memory state: accounts, tokens, limits, orders, webhook settings, stats."""

from __future__ import annotations

import base64
import collections
import json
import random
import secrets
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import declarations, logistics
from .catalog import Catalog, Product, Variant
from .catalog_data import COUNTRIES, WAREHOUSE_CITIES, WAREHOUSES
from .config import TIER_QPS, TIER_SUBSCRIPTION_CAP, SandboxConfig, demo_api_key, open_id_for
from .errors import ApiError, empty, param
from .faults import FaultInjector
from .points import PointsLedger
from .strict import Interceptor, TopicHealth, probe_callback
from .webhooks import TOPIC_OF, TRACKING_STATUS_DESC, Dispatcher, envelope

CN_TZ = timedelta(hours=8)
TOPICS = ("product", "stock", "order", "logistics")
ORDER_STATUSES = ("CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED", "CANCELLED")
CENT = Decimal("0.01")


def cn_str(ts: float) -> str:
    """CJ's plain date format, in Beijing time (UTC+8): ``2021-08-23 11:31:45``."""
    return (datetime.fromtimestamp(ts, UTC) + CN_TZ).strftime("%Y-%m-%d %H:%M:%S")


def utc_str(ts: float) -> str:
    """getOrderDetail's plain dates, documented as UTC (CJ-API.md §7.5): ``2021-08-23 03:31:45``."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def cn_iso(ts: float) -> str:
    return (datetime.fromtimestamp(ts, UTC) + CN_TZ).strftime("%Y-%m-%dT%H:%M:%S+08:00")


def dec(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class Account:
    def __init__(self, api_key: str, tier: str, balance: Decimal, qps_table: dict | None = None) -> None:
        self.qps_table = qps_table if qps_table is not None else TIER_QPS
        self.api_key = api_key
        self.tier = tier
        self.open_id = open_id_for(api_key)
        self.user_num = api_key.split("@", 1)[0].removeprefix("CJ")
        self.balance = balance
        self.email = f"cj{self.user_num}@sandbox.example"
        self.name = f"Sandbox {self.user_num}"
        self.callbacks: dict[str, dict] = {t: {"type": "CANCEL", "urls": []} for t in TOPICS}
        self.subscriptions: set[str] = set()
        self.subscribe_all = False

    @property
    def qps(self) -> int:
        return self.qps_table.get(self.tier, TIER_QPS.get(self.tier, 1))

    def public(self) -> dict:
        return {
            "apiKey": self.api_key,
            "tier": self.tier,
            "qpsLimit": self.qps,
            "openId": self.open_id,
            "balance": float(self.balance),
            "email": self.email,
            "callbacks": self.callbacks,
            "subscriptions": sorted(self.subscriptions),
            "subscribeAll": self.subscribe_all,
        }


class Token:
    __slots__ = ("access", "access_exp", "api_key", "created", "refresh", "refresh_exp")

    def __init__(self, access, refresh, api_key, created, access_exp, refresh_exp) -> None:
        self.access, self.refresh, self.api_key = access, refresh, api_key
        self.created, self.access_exp, self.refresh_exp = created, access_exp, refresh_exp


class Order:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)


def _jwt_like(payload: dict) -> str:
    def b64(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    return f"{b64({'alg': 'HS256', 'typ': 'JWT'})}.{b64(payload)}.{secrets.token_urlsafe(32)}"


class State:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self.root = config.public_url or f"http://{config.host}:{config.port}"
        self.dispatcher = Dispatcher(
            timeout_s=config.webhook_timeout_s,
            retries=config.webhook_retries,
            delay_s=config.webhook_retry_delay_s,
        )
        self.topic_health = TopicHealth(
            window_s=config.topic_window_s,
            min_attempts=config.topic_min_attempts,
            min_success=config.topic_min_success,
        )
        self.dispatcher.on_result = self.topic_health.record
        self.interceptor = Interceptor()
        self.faults = FaultInjector()
        self.points = PointsLedger(
            enabled=config.points, base_per_day=config.points_per_day, http_status=config.points_http_status
        )
        self._build()

    # ------------------------------------------------------------------ set-up / reset
    def _build(self) -> None:
        cfg = self.config
        self.catalog = Catalog.fresh(cfg.seed, cfg.products)
        pairs = list(cfg.accounts) or [(demo_api_key(cfg.seed), "free")]
        self.accounts: dict[str, Account] = {}
        for key, tier in pairs:
            if tier not in TIER_QPS:
                raise ValueError(f"unknown tier {tier!r} (free, plus, prime, advanced)")
            self.accounts[key] = Account(key, tier, dec(cfg.initial_balance), cfg.tier_qps)
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Token] = {}
        self.last_auth: dict[str, float] = {}
        self.refresh_times: dict[str, collections.deque] = {}
        self.windows: dict[str, collections.deque] = {}
        self.orders: dict[str, Order] = {}
        self.order_seq = random.Random(f"{cfg.seed}:orders").randrange(10**6, 10**7)
        self.overrides: dict[str, Any] = {
            "stock": {},
            "price": {},
            "status": {},
            "removed": [],
            "description": {},
        }
        self.stats: dict[str, dict] = {}
        # Destinations no carrier serves (CJ's freightCalculate answers an empty list): set by the control API.
        self.closed_routes: set[str] = set()
        # CJ's dispute desk (cjsandbox.disputes): id → dispute, money as strings.
        self.disputes: dict[str, dict] = {}

    def reset(self, *, keep_tokens: bool = False) -> None:
        with self.lock:
            tokens, refresh = self.tokens, self.refresh_tokens
            self.topic_health.clear()
            self.interceptor.force(None, 0)
            self._build()
            if keep_tokens:
                self.tokens = {k: t for k, t in tokens.items() if t.api_key in self.accounts}
                self.refresh_tokens = {k: t for k, t in refresh.items() if t.api_key in self.accounts}
            self.dispatcher.clear()
            self.faults.configure({})
            self.points.reset()

    @property
    def demo_key(self) -> str:
        return next(iter(self.accounts))

    # ------------------------------------------------------------------ stats
    def record(self, path: str, code: int | str) -> None:
        with self.lock:
            entry = self.stats.setdefault(path, {"calls": 0, "codes": {}})
            entry["calls"] += 1
            entry["codes"][str(code)] = entry["codes"].get(str(code), 0) + 1

    # ------------------------------------------------------------------ auth
    def _issue(self, acct: Account, now: float) -> Token:
        cfg = self.config
        access = f"API@CJ{acct.user_num}@CJ:" + _jwt_like({"sub": acct.open_id, "iat": int(now)})
        refresh = secrets.token_hex(16)
        tok = Token(
            access, refresh, acct.api_key, now, now + cfg.access_token_ttl_s, now + cfg.refresh_token_ttl_s
        )
        self.tokens[access] = tok
        self.refresh_tokens[refresh] = tok
        return tok

    @staticmethod
    def _token_data(tok: Token) -> dict:
        return {
            "accessToken": tok.access,
            "accessTokenExpiryDate": cn_iso(tok.access_exp),
            "refreshToken": tok.refresh,
            "refreshTokenExpiryDate": cn_iso(tok.refresh_exp),
            "createDate": cn_iso(tok.created),
        }

    def get_access_token(self, api_key: str) -> dict:
        now = time.time()
        with self.lock:
            acct = self.accounts.get(api_key)
            if acct is None:
                raise ApiError(1600001, "Invalid API key or access token")
            interval = self.config.auth_interval_s
            last = self.last_auth.get(api_key)
            if interval > 0 and last is not None and now - last < interval:
                raise ApiError(
                    1600200,
                    f"Too much request, QPS limit is 1 time/{round(interval)} seconds",
                    http_status=429,
                )
            self.last_auth[api_key] = now
            tok = self._issue(acct, now)
            return {"openId": acct.open_id, **self._token_data(tok)}

    def refresh_access_token(self, refresh_token: str) -> dict:
        now = time.time()
        with self.lock:
            tok = self.refresh_tokens.get(refresh_token)
            if tok is None or tok.refresh_exp <= now:
                raise ApiError(1600003, "Refresh token is failure")
            window = self.refresh_times.setdefault(tok.api_key, collections.deque())
            while window and now - window[0] >= 60:
                window.popleft()
            limit = self.config.refresh_per_minute
            if limit > 0 and len(window) >= limit:
                raise ApiError(
                    1600200, f"Too much request, QPS limit is {limit} time/60 seconds", http_status=429
                )
            window.append(now)
            # rotate: the old pair stops working
            self.refresh_tokens.pop(tok.refresh, None)
            self.tokens.pop(tok.access, None)
            new = self._issue(self.accounts[tok.api_key], now)
            return self._token_data(new)

    def logout(self, access_token: str) -> None:
        with self.lock:
            tok = self.tokens.pop(access_token, None)
            if tok is not None:
                self.refresh_tokens.pop(tok.refresh, None)

    def account_for_token(self, access_token: str | None) -> Account:
        if not access_token:
            raise ApiError(1600002)
        with self.lock:
            tok = self.tokens.get(access_token)
            if tok is None or tok.api_key not in self.accounts:
                raise ApiError(1600001)
            if tok.access_exp <= time.time():
                raise ApiError(1600001, "Invalid API key or access token (access token expired)")
            return self.accounts[tok.api_key]

    def check_qps(self, acct: Account) -> None:
        """At most ``qps`` accepted requests per account within any 1.0 s (sliding window)."""
        now = time.monotonic()
        with self.lock:
            window = self.windows.setdefault(acct.api_key, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= acct.qps:
                raise ApiError(
                    1600200,
                    f"Too Many Requests, QPS limit is {acct.qps} time/1second",
                    http_status=self.config.throttle_http_status,
                )
            window.append(now)

    def charge_points(self, acct: Account, path: str) -> dict | None:
        """Points ledger (cjsandbox/points.py). Returns ``pointsInfo`` or None when the ledger is off."""
        return self.points.charge(acct.api_key, path)

    # ------------------------------------------------------------------ webhooks
    def _emit(self, acct: Account, type_: str, message: dict) -> None:
        topic = TOPIC_OF[type_]
        cb = acct.callbacks.get(topic) or {}
        if cb.get("type") != "ENABLE" or not cb.get("urls"):
            return
        if self.topic_health.status(acct.open_id, topic) != "ACTIVE":
            return  # CJ closed the topic after sustained failures: nothing is pushed until re-registered
        self.dispatcher.send(url=cb["urls"][0], open_id=acct.open_id, topic=topic, message=message)

    def _emit_product_topic(self, pid: str, type_: str, build) -> None:
        for acct in self.accounts.values():
            if acct.subscribe_all or pid in acct.subscriptions:
                self._emit(acct, type_, build())

    def check_callback_url(self, url: Any) -> None:
        if not isinstance(url, str) or not url:
            raise empty("callbackUrls")
        parsed = urllib.parse.urlsplit(url)
        allow = self.config.allow_local_callbacks
        if parsed.scheme not in ("https", "http") or not parsed.hostname:
            raise ApiError(1607002)
        if parsed.scheme != "https" and not allow:
            raise ApiError(1607002)
        host = parsed.hostname.lower()
        local = host in ("localhost", "::1", "0.0.0.0") or host.startswith("127.")  # noqa: S104
        if local and not allow:
            raise ApiError(1607001)

    def set_webhooks(self, acct: Account, body: dict) -> None:
        updates = {}
        for topic in TOPICS:
            if topic not in body or body[topic] is None:
                continue
            spec = body[topic]
            if not isinstance(spec, dict):
                raise param(f"{topic} must be an object")
            kind = spec.get("type")
            if kind not in ("ENABLE", "CANCEL", "ALL"):
                raise param(f"{topic}.type must be ENABLE or CANCEL")
            urls = spec.get("callbackUrls") or []
            if not isinstance(urls, list):
                raise param(f"{topic}.callbackUrls must be an array")
            if kind != "CANCEL":
                if not urls:
                    raise empty(f"{topic}.callbackUrls")
                for url in urls:
                    self.check_callback_url(url)
                updates[topic] = {"type": "ENABLE", "urls": [str(u) for u in urls[:1]]}
            else:
                updates[topic] = {"type": "CANCEL", "urls": []}
        if not updates:
            raise empty("product, stock, order, logistics")
        if self.config.check_callback_urls:
            for url in {u for spec in updates.values() for u in spec["urls"]}:
                probe_callback(url, self.config.webhook_timeout_s)
        with self.lock:
            acct.callbacks.update(updates)
            for topic, spec in updates.items():
                if spec["type"] == "ENABLE":
                    self.topic_health.reactivate(acct.open_id, topic)

    def topic_status(self, acct: Account, topic: str) -> str:
        """ACTIVE, CLOSED (after sustained failures) or CANCEL (not registered), as setting/get shows it."""
        if acct.callbacks[topic]["type"] != "ENABLE":
            return "CANCEL"
        return self.topic_health.status(acct.open_id, topic)

    def subscribe(self, acct: Account, body: dict) -> dict:
        ids = body.get("productIds") or []
        if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
            raise param("productIds must be an array of product ids")
        if len(ids) > 100:
            raise param("productIds size must be less than or equal to 100")
        sub_all = body.get("subscribeAll")
        if not ids and not sub_all:
            raise empty("productIds")
        with self.lock:
            if (
                self.config.subscribe_requires_product_webhook
                and acct.callbacks["product"]["type"] != "ENABLE"
            ):
                raise ApiError(
                    1606010, "Product webhook is disabled, please enable it with webhook/set first"
                )
            ok, fail = [], []
            for raw in ids:
                pid = str(raw)
                (ok if self.catalog.live_product(pid) else fail).append(pid)
            cap = TIER_SUBSCRIPTION_CAP.get(acct.tier, 1000)
            if len(acct.subscriptions | set(ok)) > cap:
                raise ApiError(1606011, f"Subscription limit exceeded (max {cap} products)")
            acct.subscriptions.update(ok)
            if sub_all is not None:
                acct.subscribe_all = bool(sub_all)
            return {"successProductIds": ok, "failProductIds": fail, "subscribeAll": acct.subscribe_all}

    def unsubscribe(self, acct: Account, body: dict) -> bool:
        ids = body.get("productIds")
        if not ids:
            raise empty("productIds")
        if not isinstance(ids, list) or len(ids) > 100:
            raise param("productIds must be an array of at most 100 ids")
        with self.lock:
            for pid in ids:
                acct.subscriptions.discard(str(pid))
        return True

    # ------------------------------------------------------------------ catalogue changes (control API)
    def _product_message(self, p: Product, message_type: str, fields: list[str]) -> dict:
        full = {
            "categoryId": p.category.id,
            "categoryName": p.category.path,
            "pid": p.pid,
            "productDescription": self.catalog.description(p),
            "productImage": f"{self.root}/images/{p.pid}/1.svg",
            "productName": p.name_cn,
            "productNameEn": p.name_en,
            "productProperty1": p.key_en.split("-")[0] if p.key_en else None,
            "productProperty2": p.key_en.split("-")[1] if p.key_en.count("-") >= 1 else None,
            "productProperty3": None,
            "productSellPrice": p.min_price,
            "productSku": p.sku,
            "productStatus": int(p.status),
        }
        if message_type == "UPDATE":
            params = {k: (v if k == "pid" or k in fields else None) for k, v in full.items()}
        elif message_type == "DELETE":
            params = {k: (v if k == "pid" else None) for k, v in full.items()}
        else:
            params = full
        params["fields"] = list(fields)
        return envelope("PRODUCT", message_type, params)

    def _variant_message(self, v: Variant, message_type: str, fields: list[str]) -> dict:
        vals = [*v.values, None, None, None]
        full = {
            "vid": v.vid,
            "variantName": None,
            "variantWeight": v.weight,
            "variantLength": v.length,
            "variantWidth": v.width,
            "variantHeight": v.height,
            "variantImage": f"{self.root}/images/{v.pid}/{v.image}.svg",
            "variantSku": v.sku,
            "variantKey": v.key,
            "variantSellPrice": v.price,
            "variantStatus": v.status,
            "variantValue1": vals[0],
            "variantValue2": vals[1],
            "variantValue3": vals[2],
        }
        if message_type == "UPDATE":
            params = {k: (val if k == "vid" or k in fields else None) for k, val in full.items()}
        else:
            params = full
        params["fields"] = list(fields)
        return envelope("VARIANT", message_type, params)

    @staticmethod
    def _stock_message(variants: list[Variant]) -> dict:
        params = {}
        for v in variants:
            rows = []
            for cc in WAREHOUSES:
                if cc in v.stock:
                    area_id, area_en, _ = WAREHOUSES[cc]
                    rows.append(
                        {
                            "vid": v.vid,
                            "areaId": str(area_id),
                            "areaEn": area_en,
                            "countryCode": cc,
                            "storageNum": sum(v.stock[cc]),
                        }
                    )
            params[v.vid] = rows
        return envelope("STOCK", "UPDATE", params)

    def set_stock(self, vid: str, country: str, cj: int, factory: int) -> Variant:
        with self.lock:
            v = self.catalog.by_vid.get(vid)
            if v is None:
                raise KeyError(vid)
            if country not in WAREHOUSES:
                raise ValueError(f"countryCode must be one of {', '.join(WAREHOUSES)}")
            v.stock[country] = [max(0, int(cj)), max(0, int(factory))]
            v.stock_ids.setdefault(
                country, "{" + str(vid).upper()[:8] + "-0000-4000-8000-" + country * 6 + "}"
            )
            self.overrides["stock"].setdefault(vid, {})[country] = list(v.stock[country])
            v.product.refresh()
            self.catalog.touch()
            self._emit_product_topic(v.pid, "STOCK", lambda: self._stock_message([v]))
            return v

    def set_price(self, vid: str, price: Any) -> Variant:
        with self.lock:
            v = self.catalog.by_vid.get(vid)
            if v is None:
                raise KeyError(vid)
            new_price = float(dec(price))
            if new_price <= 0:
                raise ValueError("price must be positive")
            v.price = new_price
            self.overrides["price"][vid] = v.price
            v.product.refresh()
            self.catalog.touch()
            self._emit_product_topic(
                v.pid, "VARIANT", lambda: self._variant_message(v, "UPDATE", ["variantSellPrice"])
            )
            return v

    def set_product_status(self, pid: str, status: str) -> Product:
        with self.lock:
            p = self.catalog.live_product(pid)
            if p is None:
                raise KeyError(pid)
            p.status = status
            for v in p.variants:
                v.status = 1 if status == "3" else 0
            self.overrides["status"][pid] = status
            self.catalog.touch()
            self._emit_product_topic(
                pid, "PRODUCT", lambda: self._product_message(p, "UPDATE", ["productStatus"])
            )
            return p

    def set_product_description(self, pid: str, description: str) -> Product:
        """CJ's product team rewrites a description: product/query answers the new text, and a PRODUCT
        UPDATE message with productDescription goes to the subscribed shops."""
        with self.lock:
            p = self.catalog.live_product(pid)
            if p is None:
                raise KeyError(pid)
            self.catalog.rewritten[pid] = description
            self.overrides["description"][pid] = description
            self.catalog.touch()
            self._emit_product_topic(
                pid, "PRODUCT", lambda: self._product_message(p, "UPDATE", ["productDescription"])
            )
            return p

    def remove_product(self, pid: str) -> Product:
        with self.lock:
            p = self.catalog.live_product(pid)
            if p is None:
                raise KeyError(pid)
            p.removed = True
            self.overrides["removed"].append(pid)
            self.catalog.touch()
            self._emit_product_topic(pid, "PRODUCT", lambda: self._product_message(p, "DELETE", []))
            return p

    # ------------------------------------------------------------------ orders
    def find_order(self, ident: str, acct: Account | None = None) -> Order | None:
        with self.lock:
            order = self.orders.get(ident)
            if order is not None and not order.deleted and (acct is None or order.api_key == acct.api_key):
                return order
            for o in self.orders.values():
                if o.order_number == ident and not o.deleted and (acct is None or o.api_key == acct.api_key):
                    return o
            return None

    def _order_message(self, o: Order, message_type: str) -> dict:
        params = {
            "cjOrderId": int(o.order_id),
            "orderNum": o.order_number,
            "orderNumber": o.order_number,
            "orderStatus": o.status,
            "logisticName": o.logistic_name,
            "trackNumber": o.track_number,
            "trackingUrl": o.tracking_url,
            "createDate": utc_str(o.created),
            "updateDate": utc_str(o.updated),
            "payDate": utc_str(o.paid) if o.paid else None,
            "deliveryDate": utc_str(o.delivered) if o.delivered else None,
            "completeDate": utc_str(o.delivered) if o.delivered else None,
            "orderItems": [
                {
                    "vid": line["vid"],
                    "quantity": line["quantity"],
                    "sellPrice": line["sellPrice"],
                    "lineItemId": line["lineItemId"],
                    "storeLineItemId": line["storeLineItemId"],
                    "productionOrderStatus": None,
                    "abnormalType": [],
                }
                for line in o.lines
            ],
        }
        return envelope("ORDER", message_type, params)

    def _logistic_message(self, o: Order, acct: Account) -> dict:
        params = {
            "orderId": int(o.order_id),
            "logisticName": o.logistic_name,
            "trackingNumber": o.track_number,
            "trackingStatus": o.tracking_status,
            "logisticsTrackEvents": json.dumps(o.track_events, ensure_ascii=False),
            "trackingUrl": o.tracking_url,
        }
        return envelope("LOGISTIC", "UPDATE", params, open_id=acct.open_id)

    def _order_changed(self, o: Order, message_type: str = "UPDATE") -> None:
        o.updated = time.time()
        o.changed_mono = time.monotonic()
        acct = self.accounts.get(o.api_key)
        if acct is not None:
            self._emit(acct, "ORDER", self._order_message(o, message_type))

    @staticmethod
    def _event_location(o: Order, status: int) -> str:
        """Before the last mile (status < 6) a parcel is where it left from: its warehouse, not always China."""
        if status >= 6:
            return f" {o.shipping['shippingCity']}"
        origin = (getattr(o, "from_country", "") or "CN").upper()
        return f" {WAREHOUSE_CITIES.get(origin, origin)}, {origin}"

    def _add_track_event(self, o: Order, status: int, activity: str = "", location: str = "") -> None:
        now = time.time()
        desc = TRACKING_STATUS_DESC.get(status, "Unknown")
        o.tracking_status = status
        o.track_events.append(
            {
                "status": status,
                "activity": activity or f" {desc}",
                "location": location or self._event_location(o, status),
                "eventTime": utc_str(now),
                "statusDesc": desc,
                "thirdActivity": activity or desc,
                "thirdLocation": location or "",
                "thirdEventTime": utc_str(now),
            }
        )
        acct = self.accounts.get(o.api_key)
        if acct is not None:
            self._emit(acct, "LOGISTIC", self._logistic_message(o, acct))

    def create_order(self, acct: Account, body: dict) -> tuple[dict, ApiError | None]:
        required = (
            "orderNumber",
            "shippingCountryCode",
            "shippingCountry",
            "shippingProvince",
            "shippingCity",
            "shippingCustomerName",
            "shippingAddress",
            "logisticName",
            "fromCountryCode",
        )
        for name in required:
            value = body.get(name)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise empty(name)
            if not isinstance(value, str):
                raise param(f"{name} must be a string")
        limits = {
            "orderNumber": 50,
            "shippingZip": 20,
            "shippingCountryCode": 20,
            "shippingCountry": 50,
            "shippingProvince": 50,
            "shippingCity": 50,
            "shippingCounty": 50,
            "shippingPhone": 20,
            "shippingCustomerName": 50,
            "shippingAddress": 200,
            "shippingAddress2": 200,
            "houseNumber": 20,
            "email": 50,
            "taxId": 20,
            "remark": 500,
            "consigneeID": 20,
            "logisticName": 50,
            "fromCountryCode": 20,
        }
        for name, limit in limits.items():
            value = body.get(name)
            if value is not None and len(str(value)) > limit:
                raise param(f"{name} length must be less than or equal to {limit}")
        declared = declarations.check(body)
        products = body.get("products")
        if not products:
            raise empty("products")
        if not isinstance(products, list):
            raise param("products must be an array")
        pay_type = body.get("payType")
        if pay_type not in (None, 1, 2, 3, "1", "2", "3"):
            raise param("payType must be 1, 2 or 3")
        pay_type = int(pay_type) if pay_type is not None else None
        dest = body["shippingCountryCode"].upper()
        origin = body["fromCountryCode"].upper()
        if dest not in COUNTRIES or origin not in COUNTRIES:
            raise ApiError(1605002)
        if origin not in WAREHOUSES:
            raise ApiError(1605002, f"country code not found: no CJ warehouse in {origin}")

        with self.lock:
            for o in self.orders.values():
                if o.api_key == acct.api_key and o.order_number == body["orderNumber"] and not o.deleted:
                    raise ApiError(1603003)
            lines: list[tuple[Variant, int, dict]] = []
            for item in products:
                if not isinstance(item, dict):
                    raise param("products items must be objects")
                qty = item.get("quantity")
                if qty is None:
                    raise empty("products.quantity")
                if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
                    raise param("products.quantity must be a positive integer")
                vid, sku = item.get("vid"), item.get("sku")
                if not vid and not sku:
                    raise empty("products.vid")
                v = self.catalog.by_vid.get(str(vid)) if vid else self.catalog.by_vsku.get(str(sku))
                if v is None:
                    raise ApiError(1602000, f"Variant not found: {vid or sku}")
                if vid and sku and v.sku != sku:
                    raise param(f"vid {vid} and sku {sku} do not match")
                if v.product.removed:
                    raise ApiError(1602001)
                if v.product.status != "3":
                    raise ApiError(1602002)
                lines.append((v, qty, item))
            name = body["logisticName"]
            if name not in logistics.CARRIERS:
                raise ApiError(1605000, f"Logistic not found: {name}")
            weight = sum(v.weight * qty for v, qty, _ in lines)
            options = {o["logisticName"]: o for o in logistics.freight_options(origin, dest, weight)}
            if name not in options:
                raise ApiError(1605001)

            now = time.time()
            self.order_seq += 1
            seq = self.order_seq
            day = (datetime.fromtimestamp(now, UTC) + CN_TZ).strftime("%y%m%d")
            stamp = (datetime.fromtimestamp(now, UTC) + CN_TZ).strftime("%y%m%d%H%M%S")
            order_id = f"{day}1000{seq % 10**8:08d}"
            order_lines = []
            product_amount = Decimal(0)
            for i, (v, qty, item) in enumerate(lines, start=1):
                product_amount += dec(v.price) * qty
                order_lines.append(
                    {
                        "vid": v.vid,
                        "sku": v.sku,
                        "quantity": qty,
                        "sellPrice": v.price,
                        "unitPrice": item.get("unitPrice"),
                        "storeLineItemId": item.get("storeLineItemId"),
                        "lineItemId": f"{order_id}{i:02d}",
                        "podProperties": item.get("podProperties"),
                    }
                )
            postage = dec(options[name]["logisticPrice"])
            shipping_keys = (
                "shippingZip",
                "shippingCountryCode",
                "shippingCountry",
                "shippingProvince",
                "shippingCity",
                "shippingCounty",
                "shippingPhone",
                "shippingCustomerName",
                "shippingAddress",
                "shippingAddress2",
                "houseNumber",
                "email",
                "taxId",
                "consigneeID",
            )
            o = Order(
                order_id=order_id,
                order_number=body["orderNumber"],
                api_key=acct.api_key,
                status="CREATED",
                created=now,
                updated=now,
                paid=None,
                shipped=None,
                delivered=None,
                changed_mono=time.monotonic(),
                shipping={k: body.get(k) for k in shipping_keys},
                remark=body.get("remark"),
                logistic_name=name,
                from_country=origin,
                lines=order_lines,
                product_amount=product_amount,
                postage=postage,
                weight=weight,
                track_number=None,
                tracking_url=None,
                tracking_status=0,
                track_events=[],
                shipment_order_id=f"DP{stamp}{seq % 10**7:07d}",
                cj_order_code=f"SD{stamp}{seq % 10**8:08d}",
                pay_type=pay_type,
                balance_paid=Decimal(0),
                is_sandbox=int(body.get("isSandbox") or 0),
                shop_amount=body.get("shopAmount"),
                platform=body.get("platform") or "Api",
                ioss=declared,
                deleted=False,
                seq=seq,
            )
            o.intercept_reasons, o.logistics_miss = self.interceptor.decide(lines, origin)
            self.orders[order_id] = o
            if self.config.order_insert_webhook:
                self._emit(acct, "ORDER", self._order_message(o, "INSERT"))
            error = None
            if pay_type == 2 and not o.intercept_reasons:
                total = o.product_amount + o.postage
                if acct.balance < total:
                    if self.config.keep_order_on_short_balance:
                        o.status = "UNPAID"
                        self._order_changed(o)
                    else:
                        del self.orders[order_id]
                    error = ApiError(1604000)
                else:
                    acct.balance -= total
                    o.balance_paid = total
                    o.status = "UNPAID"
                    self._mark_paid(o)
            return self.create_response(o), error

    def create_response(self, o: Order) -> dict:
        total = float(o.product_amount + o.postage)
        return {
            "orderId": o.order_id,
            "orderNumber": o.order_number,
            "shipmentOrderId": o.shipment_order_id,
            "iossAmount": None,
            "iossTaxHandlingFee": None,
            "postageAmount": float(o.postage),
            "productAmount": float(o.product_amount),
            "productOriginalAmount": float(o.product_amount),
            "productDiscountAmount": 0.0,
            "postageDiscountAmount": 0.0,
            "postageOriginalAmount": float(o.postage),
            "totalDiscountAmount": 0.0,
            "actualPayment": total,
            "orderOriginalAmount": total,
            "cjPayUrl": f"{self.root}/pay/{o.order_id}",
            "orderAmount": total,
            "logisticsMiss": bool(getattr(o, "logistics_miss", False)),
            "orderStatus": o.status,
            "productInfoList": [
                {
                    "storeLineItemId": line["storeLineItemId"],
                    "lineItemId": line["lineItemId"],
                    "variantId": line["vid"],
                    "quantity": line["quantity"],
                    "isGroup": False,
                    "subOrderProducts": [],
                }
                for line in o.lines
            ],
            "interceptOrderReasons": list(getattr(o, "intercept_reasons", [])),
        }

    def _mark_paid(self, o: Order) -> None:
        o.status = "UNSHIPPED"
        o.paid = time.time()
        touched = []
        for line in o.lines:
            v = self.catalog.by_vid.get(line["vid"])
            if v is None:
                continue
            row = v.stock.get(o.from_country)
            if row is None:
                continue
            need = line["quantity"]
            take = min(need, row[0])
            row[0] -= take
            row[1] = max(0, row[1] - (need - take))
            self.overrides["stock"].setdefault(v.vid, {})[o.from_country] = list(row)
            v.product.refresh()
            touched.append(v)
        if touched:
            self.catalog.touch()
            for pid in {v.pid for v in touched}:
                group = [v for v in touched if v.pid == pid]
                self._emit_product_topic(pid, "STOCK", lambda g=group: self._stock_message(g))
        self._order_changed(o)

    def confirm(self, o: Order) -> None:
        with self.lock:
            if o.status not in ("CREATED", "IN_CART"):
                raise ApiError(1603001, f"order confirm fail, current status {o.status}")
            if getattr(o, "intercept_reasons", None):
                reasons = "; ".join(r["message"] for r in o.intercept_reasons)
                raise ApiError(1603001, f"order confirm fail, order intercepted: {reasons}")
            o.status = "UNPAID"
            self._order_changed(o)

    def pay(self, o: Order, *, use_balance: bool) -> None:
        with self.lock:
            if o.status != "UNPAID":
                raise ApiError(1603101, f"Order pay fail, current status {o.status}")
            if use_balance:
                acct = self.accounts[o.api_key]
                total = o.product_amount + o.postage
                if acct.balance < total:
                    raise ApiError(1604000)
                acct.balance -= total
                o.balance_paid = total
            self._mark_paid(o)

    def ship(self, o: Order, track_number: str | None = None) -> None:
        with self.lock:
            if o.status != "UNSHIPPED":
                raise ApiError(1600300, f"order cannot be shipped from status {o.status}")
            o.status = "SHIPPED"
            o.shipped = time.time()
            o.track_number = track_number or logistics.tracking_number(
                o.logistic_name, o.seq, self.config.seed
            )
            o.tracking_url = f"{self.root}/track/{o.track_number}"
            self._order_changed(o)
            self._add_track_event(o, 1)

    def track(self, o: Order, status: int, activity: str = "", location: str = "") -> None:
        with self.lock:
            if o.status not in ("SHIPPED", "DELIVERED"):
                raise ApiError(1600300, f"order has no tracking yet (status {o.status})")
            self._add_track_event(o, status, activity, location)

    def deliver(self, o: Order) -> None:
        with self.lock:
            if o.status != "SHIPPED":
                raise ApiError(1600300, f"order cannot be delivered from status {o.status}")
            o.status = "DELIVERED"
            o.delivered = time.time()
            self._order_changed(o)
            self._add_track_event(o, 12)

    def cancel(self, o: Order) -> None:
        with self.lock:
            if o.status in ("SHIPPED", "DELIVERED", "CANCELLED"):
                raise ApiError(1600300, f"order cannot be cancelled from status {o.status}")
            if o.balance_paid and o.api_key in self.accounts:
                self.accounts[o.api_key].balance += o.balance_paid
                o.balance_paid = Decimal(0)
            o.status = "CANCELLED"
            self._order_changed(o)

    def delete(self, o: Order) -> None:
        with self.lock:
            if o.status not in ("CREATED", "IN_CART"):
                raise ApiError(1603002, f"order delete fail, current status {o.status}")
            o.deleted = True
            self._order_changed(o, "DELETE")

    # ------------------------------------------------------------------ 2026 sandbox endpoints (§7.8)
    @staticmethod
    def numeric_status(o: Order) -> int:
        """CJ's numeric order status as the 2026 sandbox endpoints use it (mapping beyond 100/300 is [U])."""
        if o.status == "UNSHIPPED":
            return 400 if getattr(o, "sandbox_step", None) == 400 else 300
        if o.status == "DELIVERED":
            return 700 if getattr(o, "completed", False) else 600
        return {"CREATED": 100, "IN_CART": 100, "UNPAID": 200, "SHIPPED": 500}.get(o.status, 0)

    def simulate_pay(self, o: Order) -> None:
        with self.lock:
            if o.status != "UNPAID":
                raise ApiError(
                    1603101, f"Order pay fail, current status {o.status}({self.numeric_status(o)})"
                )
            self._mark_paid(o)

    def update_status(self, o: Order, target: int) -> None:
        with self.lock:
            current = self.numeric_status(o)
            expected = {300: 400, 400: 500, 500: 600, 600: 700}.get(current)
            if target != expected:
                raise ApiError(
                    1600300,
                    f"targetStatus must be {expected or 'none'}: current status {o.status}({current}), "
                    "steps are 300→400→500→600→700",
                )
            if target == 400:
                o.sandbox_step = 400
                self._order_changed(o)
            elif target == 500:
                self.ship(o, getattr(o, "track_number", None))
            elif target == 600:
                self.deliver(o)
            else:
                o.completed = True
                self._order_changed(o)

    def update_track_number(self, o: Order, number: str) -> None:
        with self.lock:
            if len(number) > 64:
                raise ApiError(818, "trackNumber length must be less than or equal to 64")
            if o.status not in ("UNSHIPPED", "SHIPPED"):
                raise ApiError(811, f"order is not paid or already closed: {o.status}")
            o.track_number = number
            o.tracking_url = f"{self.root}/track/{number}"
            self._order_changed(o)

    def tick(self) -> None:
        """Order clock: move each paid order one step (UNSHIPPED → SHIPPED → DELIVERED) every N seconds."""
        step = self.config.order_clock_s
        if step <= 0:
            return
        now = time.monotonic()
        with self.lock:
            for o in list(self.orders.values()):
                if o.deleted or now - o.changed_mono < step:
                    continue
                if o.status == "UNSHIPPED":
                    self.ship(o)
                elif o.status == "SHIPPED":
                    self.deliver(o)

    def order_by_track(self, number: str) -> Order | None:
        with self.lock:
            for o in self.orders.values():
                if o.track_number == number:
                    return o
        return None

    # ------------------------------------------------------------------ persistence
    def snapshot(self) -> dict:
        with self.lock:
            orders = []
            for o in self.orders.values():
                d = dict(o.__dict__)
                d["product_amount"] = str(o.product_amount)
                d["postage"] = str(o.postage)
                d["balance_paid"] = str(o.balance_paid)
                d.pop("changed_mono", None)
                orders.append(d)
            return {
                "seed": self.config.seed,
                "products": self.config.products,
                "accounts": [
                    {
                        "apiKey": a.api_key,
                        "tier": a.tier,
                        "balance": str(a.balance),
                        "callbacks": a.callbacks,
                        "subscriptions": sorted(a.subscriptions),
                        "subscribeAll": a.subscribe_all,
                    }
                    for a in self.accounts.values()
                ],
                "tokens": [
                    [t.access, t.refresh, t.api_key, t.created, t.access_exp, t.refresh_exp]
                    for t in self.tokens.values()
                ],
                "orders": orders,
                "order_seq": self.order_seq,
                "overrides": self.overrides,
                "disputes": list(self.disputes.values()),
            }

    def restore(self, snap: dict) -> None:
        if snap.get("seed") != self.config.seed or snap.get("products") != self.config.products:
            return  # a different catalogue: start afresh
        with self.lock:
            for a in snap.get("accounts", []):
                acct = self.accounts.get(a["apiKey"]) or Account(
                    a["apiKey"], a["tier"], dec(a["balance"]), self.config.tier_qps
                )
                acct.tier, acct.balance = a["tier"], dec(a["balance"])
                acct.callbacks = a["callbacks"]
                acct.subscriptions = set(a["subscriptions"])
                acct.subscribe_all = a["subscribeAll"]
                self.accounts[acct.api_key] = acct
            for row in snap.get("tokens", []):
                tok = Token(*row)
                self.tokens[tok.access] = tok
                self.refresh_tokens[tok.refresh] = tok
            for d in snap.get("orders", []):
                d = dict(d)
                d["product_amount"] = Decimal(d["product_amount"])
                d["postage"] = Decimal(d["postage"])
                d["balance_paid"] = Decimal(d.get("balance_paid", "0"))
                d["changed_mono"] = time.monotonic()
                self.orders[d["order_id"]] = Order(**d)
            self.order_seq = snap.get("order_seq", self.order_seq)
            self.disputes = {d["id"]: d for d in snap.get("disputes", [])}
            ov = snap.get("overrides") or {}
            for vid, rows in ov.get("stock", {}).items():
                v = self.catalog.by_vid.get(vid)
                if v:
                    for cc, row in rows.items():
                        v.stock[cc] = list(row)
            for vid, price in ov.get("price", {}).items():
                v = self.catalog.by_vid.get(vid)
                if v:
                    v.price = price
            for pid, status in ov.get("status", {}).items():
                p = self.catalog.by_pid.get(pid)
                if p:
                    p.status = status
            for pid in ov.get("removed", []):
                p = self.catalog.by_pid.get(pid)
                if p:
                    p.removed = True
            self.catalog.rewritten.update(ov.get("description", {}))
            for p in self.catalog.products:
                p.refresh()
            self.overrides = {
                "description": dict(ov.get("description", {})),
                "stock": ov.get("stock", {}),
                "price": ov.get("price", {}),
                "status": ov.get("status", {}),
                "removed": list(ov.get("removed", [])),
            }
            self.catalog.touch()
