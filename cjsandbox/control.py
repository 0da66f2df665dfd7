"""Control API under /_sandbox/ (JSON in and out, no CJ token): drive the sandbox from tests and demos."""

from __future__ import annotations

import time
import urllib.parse
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from . import disputes
from .catalog_data import WAREHOUSES
from .config import TIER_QPS
from .errors import ApiError
from .state import Account, Order, State, dec, utc_str


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


ENDPOINTS = [
    "GET  /_sandbox/                         this list, base URL, accounts",
    "POST /_sandbox/reset                    {keep_tokens?: bool} back to the seeded state",
    "POST /_sandbox/tier                     {apiKey, tier: free|plus|prime|advanced}",
    "GET  /_sandbox/accounts                 keys, tiers, openIds, balances, webhook settings",
    "POST /_sandbox/accounts                 {apiKey, tier?, balance?} register another account",
    "POST /_sandbox/accounts/<apiKey>/balance {amount}",
    "GET  /_sandbox/orders                   all orders (any account)",
    "GET  /_sandbox/orders/<id>              one order (CJ orderId or orderNumber)",
    "POST /_sandbox/orders/<id>/ship|deliver|cancel   ship takes {trackNumber?}",
    "POST /_sandbox/orders/<id>/confirm|pay  only with control_payments (lenient); CJ's API pays orders",
    "POST /_sandbox/intercept                {reason: stock|logistics|null, count?} intercept the next orders",
    "POST /_sandbox/orders/<id>/track        {trackingStatus 0-14, activity?, location?} LOGISTIC webhook",
    "POST /_sandbox/orders/<id>/age          {shippedDaysAgo?, deliveredDaysAgo?} the warehouse's calendar",
    "GET  /_sandbox/disputes                 every dispute (any account)",
    "POST /_sandbox/disputes/<id>/refund|resend|refuse   CJ's agents; refund takes {amount?} (USD, to balance)",
    "POST /_sandbox/clock/tick               advance paid orders one step now",
    "GET  /_sandbox/products                 ?status=2|3&country=US&removed=1&limit=50 compact list",
    "GET  /_sandbox/products/<pid>           compact product with variants and stock",
    "POST /_sandbox/products/<pid>/off-sale | on-sale | remove",
    "POST /_sandbox/products/<pid>/description {description} CJ rewrites the text (PRODUCT webhook)",
    "POST /_sandbox/variants/<vid>/stock     {countryCode, cjInventory, factoryInventory}",
    "POST /_sandbox/variants/<vid>/price     {price}",
    'POST /_sandbox/routes                   {closed: ["IL", ...]} destinations no carrier serves (freight [])',
    "POST /_sandbox/variants/bulk            {stock: [[vid, cc, cj, factory]…], price: [[vid, price]…]}",
    "GET  /_sandbox/faults                   current fault settings and the last decisions",
    "POST /_sandbox/faults                   {seed, error_rate, timeout_rate, timeout_s, latency_ms,"
    " malformed_rate, rate_limit_storm_s, ghost_create_rate, paths}",
    "GET  /_sandbox/webhooks                 sent webhooks with delivery attempts (?type=ORDER&wait=5)",
    "POST /_sandbox/webhooks/clear           forget the sent log",
    "GET  /_sandbox/stats                    calls per endpoint and per code",
    "GET  /_sandbox/points                   the points ledger: clock, base, per account usedToday/remaining/total",
    "POST /_sandbox/points                   {apiKey?, usedToday?, bonus?} set an account's day (default: demo)",
    "POST /_sandbox/points/clock             {now: ISO-8601 | epoch seconds} or {advanceSeconds} ledger clock",
]


def _order_summary(state: State, o: Order) -> dict:
    return {
        "orderId": o.order_id,
        "orderNumber": o.order_number,
        "apiKey": o.api_key,
        "status": o.status,
        "deleted": o.deleted,
        "logisticName": o.logistic_name,
        "trackNumber": o.track_number,
        "trackingUrl": o.tracking_url,
        "trackingStatus": o.tracking_status,
        "productAmount": float(o.product_amount),
        "postageAmount": float(o.postage),
        "orderAmount": float(o.product_amount + o.postage),
        "createDate": utc_str(o.created),
        "paymentDate": utc_str(o.paid) if o.paid else None,
        "lines": o.lines,
        "shipping": o.shipping,
        "payType": o.pay_type,
        "shopAmount": getattr(o, "shop_amount", None),
        "ioss": getattr(o, "ioss", {"iossType": None, "iossNumber": None}),
    }


def _product_summary(p: Any, full: bool = False) -> dict:
    d = {
        "pid": p.pid,
        "sku": p.sku,
        "nameEn": p.name_en,
        "status": p.status,
        "removed": p.removed,
        "categoryId": p.category.id,
        "categoryName": p.category.path,
        "sellPrice": p.sell_price,
        "countries": sorted(p.countries),
        "vids": [v.vid for v in p.variants],
    }
    if full:
        d["variants"] = [
            {
                "vid": v.vid,
                "sku": v.sku,
                "variantKey": v.key,
                "price": v.price,
                "weight": v.weight,
                "stock": {cc: {"cjInventory": r[0], "factoryInventory": r[1]} for cc, r in v.stock.items()},
            }
            for v in p.variants
        ]
    return d


def _int(body: dict, name: str, default: int | None = None) -> int:
    value = body.get(name, default)
    if value is None or isinstance(value, bool):
        raise ControlError(400, f"{name} is required (integer)")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ControlError(400, f"{name} must be an integer") from None


def _order(state: State, ident: str) -> Order:
    o = state.find_order(ident)
    if o is None:
        raise ControlError(404, f"order {ident} not found")
    return o


def handle(server: Any, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
    state: State = server.state
    parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/") if p]
    body = body if isinstance(body, dict) else {}
    qget = {k: v[0] for k, v in query.items() if v}
    try:
        return _route(server, state, method, parts, qget, body)
    except ControlError as exc:
        return exc.status, {"ok": False, "error": exc.message}
    except ApiError as exc:
        return 409, {"ok": False, "error": exc.message, "code": exc.code}
    except (KeyError, LookupError) as exc:
        return 404, {"ok": False, "error": f"not found: {exc}"}
    except ValueError as exc:
        return 400, {"ok": False, "error": str(exc)}


def _route(
    server: Any, state: State, method: str, parts: list[str], qget: dict, body: dict
) -> tuple[int, Any]:
    head = parts[0] if parts else ""
    if not parts and method == "GET":
        return 200, {
            "ok": True,
            "baseUrl": server.base_url,
            "rootUrl": server.root_url,
            "seed": state.config.seed,
            "products": len(state.catalog.products),
            "accounts": [a.public() for a in state.accounts.values()],
            "endpoints": ENDPOINTS,
        }
    if head == "reset" and method == "POST":
        state.reset(keep_tokens=bool(body.get("keep_tokens")))
        return 200, {"ok": True}
    if head == "tier" and method == "POST":
        acct = state.accounts.get(str(body.get("apiKey")))
        if acct is None:
            raise ControlError(404, "unknown apiKey")
        tier = str(body.get("tier", "")).lower()
        if tier not in TIER_QPS:
            raise ControlError(400, "tier must be free, plus, prime or advanced")
        acct.tier = tier
        return 200, {"ok": True, "account": acct.public()}
    if head == "accounts":
        return _accounts(state, method, parts, body)
    if head == "orders":
        return _orders(state, method, parts, body)
    if head == "disputes":
        if len(parts) == 1 and method == "GET":
            with state.lock:
                rows = [dict(d) for d in state.disputes.values()]
            return 200, {"ok": True, "count": len(rows), "disputes": rows}
        if len(parts) == 3 and method == "POST":
            return 200, {"ok": True, "dispute": disputes.decide(state, parts[1], parts[2], body)}
        raise ControlError(404, "unknown disputes endpoint")
    if head == "clock" and method == "POST":
        step = state.config.order_clock_s
        with state.lock:
            moved = 0
            for o in list(state.orders.values()):
                if o.deleted:
                    continue
                if o.status == "UNSHIPPED":
                    state.ship(o)
                    moved += 1
                elif o.status == "SHIPPED":
                    state.deliver(o)
                    moved += 1
        return 200, {"ok": True, "moved": moved, "clockSeconds": step}
    if head == "products":
        return _products(state, method, parts, qget, body)
    if head == "variants" and method == "POST" and parts[1:] == ["bulk"]:
        # many stock/price changes in one request (benchmarks): each one as its own control call would do
        stock, prices = body.get("stock") or [], body.get("price") or []
        if not isinstance(stock, list) or not isinstance(prices, list):
            raise ControlError(400, "stock and price must be lists")
        for row in stock:
            if not isinstance(row, list) or len(row) != 4:
                raise ControlError(400, "stock rows are [vid, countryCode, cjInventory, factoryInventory]")
            state.set_stock(str(row[0]), str(row[1]).upper(), int(row[2]), int(row[3]))
        for row in prices:
            if not isinstance(row, list) or len(row) != 2:
                raise ControlError(400, "price rows are [vid, price]")
            state.set_price(str(row[0]), row[1])
        return 200, {"ok": True, "stock": len(stock), "price": len(prices)}
    if head == "variants" and method == "POST" and len(parts) == 3:
        vid, action = parts[1], parts[2]
        if action == "stock":
            cc = str(body.get("countryCode", "")).upper()
            if cc not in WAREHOUSES:
                raise ControlError(400, f"countryCode must be one of {', '.join(WAREHOUSES)}")
            v = state.set_stock(vid, cc, _int(body, "cjInventory", 0), _int(body, "factoryInventory", 0))
            return 200, {"ok": True, "vid": vid, "stock": {k: list(r) for k, r in v.stock.items()}}
        if action == "price":
            if body.get("price") is None:
                raise ControlError(400, "price is required")
            try:
                v = state.set_price(vid, body["price"])
            except InvalidOperation:
                raise ControlError(400, "price must be a number") from None
            return 200, {"ok": True, "vid": vid, "price": v.price, "productSellPrice": v.product.sell_price}
    if head == "intercept":
        return _intercept(state, method, body)
    if head == "routes" and method == "POST":
        closed = body.get("closed") or []
        if not isinstance(closed, list) or not all(
            isinstance(code, str) and len(code) == 2 for code in closed
        ):
            raise ControlError(400, "closed must be a list of two-letter country codes")
        with state.lock:
            state.closed_routes = {code.upper() for code in closed}
        return 200, {"ok": True, "closed": sorted(state.closed_routes)}
    if head == "faults":
        if method == "GET":
            return 200, {"ok": True, "faults": state.faults.describe(), "log": state.faults.log[-500:]}
        if method in ("POST", "PUT"):
            return 200, {"ok": True, "faults": state.faults.configure(body)}
        if method == "DELETE":
            return 200, {"ok": True, "faults": state.faults.configure({})}
    if head == "webhooks":
        if len(parts) == 2 and parts[1] == "clear" and method == "POST":
            state.dispatcher.clear()
            return 200, {"ok": True}
        if method == "GET":
            wait = float(qget.get("wait", 0) or 0)
            if wait > 0:
                state.dispatcher.wait_idle(wait)
            rows = state.dispatcher.snapshot()
            if qget.get("type"):
                rows = [r for r in rows if r["type"] == qget["type"].upper()]
            return 200, {"ok": True, "count": len(rows), "webhooks": rows}
    if head == "points":
        return _points(state, method, parts, body)
    if head == "stats" and method == "GET":
        with state.lock:
            stats = {k: {"calls": v["calls"], "codes": dict(v["codes"])} for k, v in state.stats.items()}
        return 200, {"ok": True, "total": sum(v["calls"] for v in stats.values()), "endpoints": stats}
    raise ControlError(404, f"unknown control endpoint {method} /_sandbox/{'/'.join(parts)}")


def _points(state: State, method: str, parts: list[str], body: dict) -> tuple[int, Any]:
    ledger = state.points
    if len(parts) == 2 and parts[1] == "clock" and method == "POST":
        now = body.get("now")
        if isinstance(now, str):
            try:
                parsed = datetime.fromisoformat(now.replace("Z", "+00:00"))
            except ValueError:
                raise ControlError(
                    400, "now must be ISO-8601 (2026-12-01T00:00:00Z) or epoch seconds"
                ) from None
            now = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
        elif now is not None and (isinstance(now, bool) or not isinstance(now, (int, float))):
            raise ControlError(400, "now must be ISO-8601 or epoch seconds")
        advance = body.get("advanceSeconds")
        if advance is not None and (isinstance(advance, bool) or not isinstance(advance, (int, float))):
            raise ControlError(400, "advanceSeconds must be a number")
        if now is None and advance is None:
            raise ControlError(400, "give now or advanceSeconds")
        ledger.set_clock(now=now, advance_s=advance)
    elif len(parts) == 1 and method == "POST":
        key = str(body.get("apiKey") or state.demo_key)
        if key not in state.accounts:
            raise ControlError(404, "unknown apiKey")
        used, bonus = body.get("usedToday"), body.get("bonus")
        ledger.set_account(
            key,
            used_today=None if used is None else _int(body, "usedToday"),
            bonus=None if bonus is None else _int(body, "bonus"),
        )
    elif not (len(parts) == 1 and method == "GET"):
        raise ControlError(404, "unknown points endpoint")
    return 200, {"ok": True, **ledger.public(list(state.accounts))}


def _accounts(state: State, method: str, parts: list[str], body: dict) -> tuple[int, Any]:
    if len(parts) == 1 and method == "GET":
        return 200, {"ok": True, "accounts": [a.public() for a in state.accounts.values()]}
    if len(parts) == 1 and method == "POST":
        key = str(body.get("apiKey") or "")
        if "@api@" not in key:
            raise ControlError(400, "apiKey must look like CJ<digits>@api@<32 hex>")
        tier = str(body.get("tier", "free")).lower()
        if tier not in TIER_QPS:
            raise ControlError(400, "tier must be free, plus, prime or advanced")
        with state.lock:
            acct = state.accounts.get(key) or Account(
                key, tier, dec(state.config.initial_balance), state.config.tier_qps
            )
            acct.tier = tier
            if body.get("balance") is not None:
                acct.balance = dec(body["balance"])
            state.accounts[key] = acct
        return 200, {"ok": True, "account": acct.public()}
    if len(parts) == 3 and parts[2] == "balance" and method == "POST":
        acct = state.accounts.get(parts[1])
        if acct is None:
            raise ControlError(404, "unknown apiKey")
        try:
            amount = Decimal(str(body.get("amount")))
        except InvalidOperation:
            raise ControlError(400, "amount must be a number") from None
        with state.lock:
            acct.balance = dec(amount)
        return 200, {"ok": True, "account": acct.public()}
    raise ControlError(404, "unknown accounts endpoint")


def _intercept(state: State, method: str, body: dict) -> tuple[int, Any]:
    """The next createOrderV2 calls answer with interceptOrderReasons (stock) or logisticsMiss (logistics)."""
    if method == "POST":
        try:
            state.interceptor.force(body.get("reason") or None, _int(body, "count", 1))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
    return 200, {"ok": True, "intercept": state.interceptor.settings()}


def _orders(state: State, method: str, parts: list[str], body: dict) -> tuple[int, Any]:
    if len(parts) == 1 and method == "GET":
        with state.lock:
            rows = [_order_summary(state, o) for o in state.orders.values()]
        return 200, {"ok": True, "count": len(rows), "orders": rows}
    if len(parts) == 2 and method == "GET":
        return 200, {"ok": True, "order": _order_summary(state, _order(state, parts[1]))}
    if len(parts) == 3 and method == "POST":
        o = _order(state, parts[1])
        action = parts[2]
        if action in ("confirm", "pay") and not state.config.control_payments:
            raise ControlError(
                409,
                "orders are confirmed and paid through CJ's API (confirmOrder, payBalance), as at CJ; "
                "start the sandbox with control_payments=True to allow this call",
            )
        if action == "confirm":
            state.confirm(o)
        elif action == "pay":
            state.pay(o, use_balance=bool(body.get("useBalance", False)))
        elif action == "ship":
            state.ship(o, body.get("trackNumber"))
        elif action == "deliver":
            state.deliver(o)
        elif action == "cancel":
            state.cancel(o)
        elif action == "age":
            disputes.age_order(state, o, body)
        elif action == "track":
            status = _int(body, "trackingStatus")
            if not 0 <= status <= 14:
                raise ControlError(400, "trackingStatus must be 0..14")
            state.track(o, status, str(body.get("activity") or ""), str(body.get("location") or ""))
        else:
            raise ControlError(404, f"unknown order action {action}")
        return 200, {"ok": True, "order": _order_summary(state, o), "at": time.time()}
    raise ControlError(404, "unknown orders endpoint")


def _products(state: State, method: str, parts: list[str], qget: dict, body: Any = None) -> tuple[int, Any]:
    cat = state.catalog
    if len(parts) == 1 and method == "GET":
        status = qget.get("status")
        country = (qget.get("country") or "").upper()
        removed = qget.get("removed") in ("1", "true")
        limit = int(qget.get("limit", 50))
        with state.lock:
            rows = [
                _product_summary(p)
                for p in cat.products
                if p.removed == removed
                and (not status or p.status == status)
                and (not country or country in p.countries)
            ][:limit]
        return 200, {"ok": True, "count": len(rows), "products": rows}
    pid = parts[1] if len(parts) > 1 else ""
    if len(parts) == 2 and method == "GET":
        p = cat.by_pid.get(pid)
        if p is None:
            raise ControlError(404, f"product {pid} not found")
        return 200, {"ok": True, "product": _product_summary(p, full=True)}
    if len(parts) == 3 and method == "POST":
        action = parts[2]
        if action == "off-sale":
            p = state.set_product_status(pid, "2")
        elif action == "on-sale":
            p = state.set_product_status(pid, "3")
        elif action == "remove":
            p = state.remove_product(pid)
        elif action == "description":
            text = str((body or {}).get("description") or "")
            if not text.strip():
                raise ControlError(400, "description must be a non-empty string")
            p = state.set_product_description(pid, text[:20000])
        else:
            raise ControlError(404, f"unknown product action {action}")
        return 200, {"ok": True, "product": _product_summary(p)}
    raise ControlError(404, "unknown products endpoint")
