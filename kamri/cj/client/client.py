"""The CJ Open API 2.0 client: token lifecycle, rate limiting, bounded retries, typed results.

No Django here. The host passes a ``TokenStore``, a ``RateLimiter`` and a ``CallRecorder`` (ports.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx

from . import disputes, parse
from .errors import (
    AUTH_THROTTLE_S,
    GET_ACCESS_TOKEN,
    CJAuthError,
    CJAuthThrottled,
    CJError,
    CJOrderNotFound,
    CJProductNotFound,
    CJQuotaExhausted,
    CJRateLimited,
    CJUnavailable,
    CJUnreachable,
    CJVariantNotFound,
    error_for,
)
from .ports import (
    CallRecord,
    CallRecorder,
    LocalRateLimiter,
    MemoryTokenStore,
    NullRecorder,
    RateLimiter,
    TokenStore,
)
from .types import (
    AccessTokens,
    AccountSettings,
    Balance,
    ConnectionCheck,
    CreatedOrder,
    FreightOption,
    OrderPage,
    OrderRequest,
    PointsInfo,
    ProductDetail,
    ProductInventory,
    RemoteCategory,
    RemoteOrder,
    ReviewPage,
    SearchPage,
    SubscribeResult,
    TrackInfo,
    VariantDetail,
    WarehouseStock,
)

__all__ = ["CJ_PRODUCTION_URL", "WEBHOOK_TOPICS", "CJClient", "RetryPolicy", "credentials_fingerprint"]

log = logging.getLogger(__name__)

CJ_PRODUCTION_URL = "https://developers.cjdropshipping.com/api2.0/v1/"
REFRESH_ACCESS_TOKEN = "authentication/refreshAccessToken"  # noqa: S105 - endpoint path
LOGOUT = "authentication/logout"
#: the four objects webhook/set requires
WEBHOOK_TOPICS = ("product", "stock", "order", "logistics")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def credentials_fingerprint(base_url: str, api_key: str) -> str:
    """Stable, non-reversible id of (base URL, API key): store it with the tokens and drop the tokens
    when it changes (a new key or another CJ host must never reuse old tokens)."""
    material = f"{base_url.rstrip('/')}\n{api_key.strip()}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RetryPolicy:
    """Retries only ``CJUnavailable`` and ``CJRateLimited``; ``max_attempts`` counts every HTTP attempt."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: bool = True
    #: lower bound of the wait after a 1600200 (CJ's QPS window is one second)
    rate_limited_min_delay: float = 1.0

    @classmethod
    def background(cls) -> RetryPolicy:
        """For jobs: with 30 % transient failures a call still fails only with p = 0.3^8 ≈ 7e-5."""
        return cls(max_attempts=8, base_delay=0.5, max_delay=8.0)

    @classmethod
    def interactive(cls) -> RetryPolicy:
        """For a page waiting on the answer: few, short waits."""
        return cls(max_attempts=3, base_delay=0.25, max_delay=1.0)

    def delay(self, retry_number: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter: uniform(0, min(max_delay, base·2^(n−1)))."""
        cap = min(self.max_delay, self.base_delay * (2 ** max(0, retry_number - 1)))
        return rng.uniform(0.0, cap) if self.jitter else cap


class _Secret:
    """Holds a secret; its repr/str never shows it (tracebacks with locals, debug pages)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<redacted>"

    __str__ = __repr__


class _SecretSet:
    """Tokens seen by this client, kept only to redact them; never shown."""

    __slots__ = ("values",)

    def __init__(self) -> None:
        self.values: set[str] = set()

    def __repr__(self) -> str:
        return f"<{len(self.values)} redacted>"

    __str__ = __repr__


def _json_default(obj: object) -> object:
    if isinstance(obj, Decimal):
        # CJ wants JSON numbers for BigDecimal fields; float's shortest repr keeps "11.85" as 11.85.
        return float(obj)
    if isinstance(obj, datetime):
        return obj.isoformat()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _clean_params(params: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, list | tuple | set | frozenset):
            vals = [str(x) for x in v if x is not None]
            if vals:
                out[k] = vals  # httpx sends repeated keys: k=a&k=b
        elif isinstance(v, bool):
            out[k] = "true" if v else "false"
        else:
            out[k] = str(v)
    return out


def _returned_id(data: Any, default: str) -> str:
    """confirmOrder/deleteOrder answer with the order id as ``data`` (sometimes null or true)."""
    if isinstance(data, dict | list | bool) or data is None:
        return default
    return parse.parse_id(data) or default


class CJClient:
    """Typed client for CJ Open API 2.0.

    Every HTTP attempt goes through ``limiter.acquire(account_key)`` and is recorded with
    ``recorder.record``. Tokens come from ``token_store``; ``getAccessToken`` is sent at most once per
    ``auth_interval_s`` (300 s) per store, the refresh token is preferred.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        token_store: TokenStore | None = None,
        limiter: RateLimiter | None = None,
        recorder: CallRecorder | None = None,
        account_key: str = "default",
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = _utcnow,
        sleep: Callable[[float], None] = time.sleep,
        token_margin: timedelta = timedelta(days=1),
        auth_interval_s: float = AUTH_THROTTLE_S,
        acquire_timeout: float | None = None,
        rng: random.Random | None = None,
        user_agent: str = "kamri-cj-client/1.0",
    ) -> None:
        if not api_key or not api_key.strip():
            raise ValueError("api_key is required")
        self.base_url = base_url.rstrip("/") + "/"
        self._api_key = _Secret(api_key.strip())
        self._store: TokenStore = token_store if token_store is not None else MemoryTokenStore()
        self._limiter: RateLimiter = limiter if limiter is not None else LocalRateLimiter(1.0)
        self._recorder: CallRecorder = recorder if recorder is not None else NullRecorder()
        self.account_key = account_key
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._sleep = sleep
        self._token_margin = token_margin
        self._auth_interval_s = auth_interval_s
        self._acquire_timeout = acquire_timeout
        self._rng = rng or random.Random()  # jitter, not crypto
        self._secrets_lock = threading.Lock()
        self._secrets = _SecretSet()
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": user_agent},
            follow_redirects=False,
        )

    # --- housekeeping ------------------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"CJClient(base_url={self.base_url!r}, account_key={self.account_key!r}, api_key=<redacted>)"

    @property
    def fingerprint(self) -> str:
        """``credentials_fingerprint(base_url, api_key)`` of this client."""
        return credentials_fingerprint(self.base_url, self._api_key.reveal())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CJClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _remember_secret(self, *values: str | None) -> None:
        with self._secrets_lock:
            for v in values:
                if v and len(v) >= 4:
                    self._secrets.values.add(v)

    def redact(self, text: str) -> str:
        """Remove the API key and any token this client has seen from ``text``."""
        if not text:
            return text
        key = self._api_key.reveal()
        with self._secrets_lock:
            secrets = sorted(self._secrets.values | {key}, key=len, reverse=True)
        # the random part of a "CJ123@api@<hex>" key is a secret on its own
        if "@" in key and len(key.rsplit("@", 1)[1]) >= 12:
            secrets.append(key.rsplit("@", 1)[1])
        for s in secrets:
            if s and s in text:
                text = text.replace(s, "***")
        return text

    # --- transport ---------------------------------------------------------------------------------

    def _record(self, rec: CallRecord) -> None:
        try:
            self._recorder.record(rec)
        except Exception:  # the call log must never break a call
            log.warning("CJ call recorder failed for %s", rec.endpoint, exc_info=True)

    def _parse_envelope(
        self, resp: httpx.Response, endpoint: str
    ) -> tuple[Any, int | None, str | None, PointsInfo | None]:
        status = resp.status_code
        try:
            body = parse.loads(resp.content) if resp.content else None
        except ValueError:
            body = None
        points = parse.parse_points_info(body.get("pointsInfo")) if isinstance(body, dict) else None
        if not isinstance(body, dict):
            if status == 200:
                raise CJUnavailable("malformed JSON response", http_status=status, endpoint=endpoint)
            err = error_for(None, f"HTTP {status}", None, status, endpoint, now=self._clock())
        else:
            code = parse.parse_int(body.get("code"))
            request_id = parse.parse_str(body.get("requestId"))
            failing_code = code is not None and code not in (200, 0)
            if status == 200 and not failing_code:
                result, success = body.get("result"), body.get("success")
                if (
                    code in (200, 0)
                    or result is True
                    or success is True
                    or (result is None and success is None)
                ):
                    return body.get("data"), code, request_id, points
            message = self.redact(str(body.get("message") or ""))
            err = error_for(code, message, request_id, status, endpoint, now=self._clock())
        if isinstance(err, CJRateLimited):
            retry_after = parse.parse_decimal(resp.headers.get("Retry-After"))
            if retry_after is not None:
                err.retry_after_s = float(retry_after)
        err.points_info = points
        raise err

    def _attempt(
        self,
        method: str,
        endpoint: str,
        *,
        params: dict[str, Any] | None,
        body: Any,
        token: str | None,
        attempt: int,
        extra_headers: dict[str, str] | None = None,
    ) -> tuple[Any, int | None]:
        headers: dict[str, str] = {}
        if token is not None:
            headers["CJ-Access-Token"] = token
        if extra_headers:
            headers.update(extra_headers)
        content: bytes | None = None
        if body is not None:
            content = json.dumps(body, default=_json_default, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        try:
            self._limiter.acquire(self.account_key, timeout=self._acquire_timeout)
        except TimeoutError as exc:
            raise CJRateLimited("local rate limiter timeout", endpoint=endpoint, retry_after_s=1.0) from exc
        started_at = self._clock()
        t0 = time.perf_counter()
        http_status: int | None = None
        cj_code: int | None = None
        request_id: str | None = None
        error: CJError | None = None
        data: Any = None
        points: PointsInfo | None = None
        try:
            resp = self._http.request(
                method, endpoint, params=_clean_params(params or {}), content=content, headers=headers
            )
            http_status = resp.status_code
            data, cj_code, request_id, points = self._parse_envelope(resp, endpoint)
        except CJError as exc:
            error = exc
            cj_code, request_id, points = exc.code, exc.request_id, getattr(exc, "points_info", None)
        except httpx.TimeoutException as exc:
            error = CJUnavailable(f"timeout ({type(exc).__name__})", endpoint=endpoint)
        except httpx.ConnectError as exc:  # nothing answers at this address: say which one
            error = CJUnreachable(
                self.redact(f"network error ({type(exc).__name__}: {exc})"),
                host=urlsplit(self.base_url).netloc,
                endpoint=endpoint,
            )
        except httpx.HTTPError as exc:
            error = CJUnavailable(
                self.redact(f"network error ({type(exc).__name__}: {exc})"), endpoint=endpoint
            )
        duration_ms = (time.perf_counter() - t0) * 1000.0
        self._record(
            CallRecord(
                endpoint=endpoint,
                method=method,
                started_at=started_at,
                duration_ms=round(duration_ms, 3),
                http_status=http_status,
                cj_code=cj_code,
                request_id=request_id,
                # the Logs page shows this: the sentence the admin reads, then CJ's own words when it sent some
                error=None if error is None else self.redact(_logged_error(error)),
                attempt=attempt,
                ok=error is None,
                points_info=points,
            )
        )
        if error is not None:
            raise error
        return data, cj_code

    def _call(
        self,
        method: str,
        endpoint: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        auth: bool = True,
        idempotent: bool = True,
        retries: bool = True,
        extra_headers: dict[str, str] | None = None,
    ) -> Any:
        """One logical call: token, limiter, attempts with bounded retries, one re-auth on 1600001.

        ``idempotent=False`` (createOrderV2, payBalance): an outcome-unknown failure (timeout, network,
        5xx, 1600000) is raised at once; only ``CJRateLimited`` is retried, because CJ's QPS gate refused
        the request before doing anything. ``retries=False`` (auth calls): a single attempt, whatever happens.
        """
        attempt = 0
        tries = 0
        reauthed = False
        while True:
            token = self._access_token() if auth else None
            attempt += 1
            tries += 1
            try:
                data, _ = self._attempt(
                    method,
                    endpoint,
                    params=params,
                    body=body,
                    token=token,
                    attempt=attempt,
                    extra_headers=extra_headers,
                )
                return data
            except CJError as exc:
                if auth and not reauthed and token is not None and self._token_rejected(exc):
                    # The stored access token was refused: drop it once, refresh/login, try again once.
                    reauthed = True
                    tries -= 1
                    self._invalidate_access_token(token)
                    continue
                if not retries or isinstance(exc, CJQuotaExhausted) or not exc.retryable:
                    raise
                if not idempotent and not isinstance(exc, CJRateLimited):
                    raise
                if tries >= self._retry.max_attempts:
                    raise
                delay = self._retry.delay(tries, self._rng)
                if isinstance(exc, CJRateLimited):
                    delay = min(
                        max(delay, exc.retry_after_s, self._retry.rate_limited_min_delay),
                        max(self._retry.max_delay, self._retry.rate_limited_min_delay),
                    )
                    try:
                        self._limiter.penalize(self.account_key, delay)
                    except Exception:
                        log.debug("limiter.penalize failed", exc_info=True)
                log.info("CJ %s %s failed (%s), retry %d in %.2fs", method, endpoint, exc.code, tries, delay)
                self._sleep(delay)

    @staticmethod
    def _token_rejected(exc: CJError) -> bool:
        # 1600100 too, as CJ's own MCP client does (http-client.ts: "token expired, re-login"): CJ answers it
        # for an expired session as well as for a bad parameter; one re-login settles which.
        return exc.code in (1600001, 1600100) or (
            isinstance(exc, CJAuthError) and exc.code is None and exc.http_status == 401
        )

    # --- token lifecycle -----------------------------------------------------------------------------

    def _fresh(self, tokens: AccessTokens, now: datetime) -> bool:
        margin = self._token_margin.total_seconds()
        if tokens.created_at is not None:
            lifetime = (tokens.access_token_expires_at - tokens.created_at).total_seconds()
            if lifetime > 0:
                margin = min(margin, lifetime * 0.2)  # short-lived (test) tokens are still reused
        return tokens.access_valid_for(now) > margin

    def _access_token(self) -> str:
        st = self._store.load()
        tok = st.tokens if st else None
        if tok is not None and self._fresh(tok, self._clock()):
            self._remember_secret(tok.access_token, tok.refresh_token)
            return tok.access_token
        with self._store.refresh_lock():
            now = self._clock()
            st = self._store.load()  # another process may have refreshed while we waited
            tok = st.tokens if st else None
            if tok is not None:
                self._remember_secret(tok.access_token, tok.refresh_token)
                if self._fresh(tok, now):
                    return tok.access_token
                if tok.refresh_valid_for(now) > 60:
                    try:
                        new = self._refresh_tokens(tok)
                    except CJAuthError:
                        log.info("CJ refresh token refused; falling back to getAccessToken")
                    except CJError:
                        if tok.access_valid_for(now) > 60:
                            return tok.access_token  # refresh failed transiently, old token still works
                        raise
                    else:
                        self._store.save_tokens(new)
                        return new.access_token
            last = st.last_auth_request_at if st else None
            if last is not None:
                elapsed = (now - last).total_seconds()
                if elapsed < self._auth_interval_s:
                    wait = min(self._auth_interval_s, self._auth_interval_s - elapsed)
                    raise CJAuthThrottled(retry_after_s=wait, endpoint=GET_ACCESS_TOKEN)
            self._store.mark_auth_request(now)  # persisted BEFORE sending: CJ counts the request
            new = self._get_access_token()
            self._store.save_tokens(new)
            return new.access_token

    def _invalidate_access_token(self, token: str) -> None:
        with self._store.refresh_lock():
            st = self._store.load()
            if st and st.tokens and st.tokens.access_token == token:
                self._store.save_tokens(replace(st.tokens, access_token_expires_at=_EPOCH))

    def _get_access_token(self) -> AccessTokens:
        data = self._call(
            "POST", GET_ACCESS_TOKEN, body={"apiKey": self._api_key.reveal()}, auth=False, retries=False
        )
        tokens = self._tokens_from(data, GET_ACCESS_TOKEN)
        return tokens

    def _refresh_tokens(self, current: AccessTokens) -> AccessTokens:
        data = self._call(
            "POST",
            REFRESH_ACCESS_TOKEN,
            body={"refreshToken": current.refresh_token},
            auth=False,
            retries=False,
        )
        return self._tokens_from(data, REFRESH_ACCESS_TOKEN, previous=current)

    def _tokens_from(self, data: Any, endpoint: str, previous: AccessTokens | None = None) -> AccessTokens:
        try:
            tokens = parse.parse_access_tokens(data, now=self._clock(), previous=previous)
        except ValueError as exc:
            raise CJUnavailable(f"unexpected {endpoint} response: {exc}", endpoint=endpoint) from exc
        self._remember_secret(tokens.access_token, tokens.refresh_token)
        return tokens

    def logout(self) -> None:
        """Revoke both tokens at CJ and forget them locally."""
        st = self._store.load()
        if st is None or st.tokens is None:
            return
        try:
            self._call("POST", LOGOUT, auth=True, retries=False)
        finally:
            self._store.clear()

    def current_tokens(self) -> AccessTokens | None:
        st = self._store.load()
        return st.tokens if st else None

    # --- account ----------------------------------------------------------------------------------

    def test_connection(self, *, include_balance: bool = True) -> ConnectionCheck:
        """Authenticate (stored/refreshed token, or one getAccessToken) and read the account settings.

        To test unsaved form values pass a ``MemoryTokenStore`` — but a store that remembers
        ``last_auth_request_at`` per key is what keeps repeated tests under CJ's 5-minute rule.
        """
        settings = self.get_settings()
        tokens = self.current_tokens()
        if tokens is None:  # a store that does not keep tokens: should not happen
            raise CJUnavailable("no token after a successful call", endpoint="setting/get")
        balance: Balance | None = None
        if include_balance:
            try:
                balance = self.get_balance()
            except (CJAuthError, CJAuthThrottled):
                raise
            except CJError as exc:
                log.info("CJ balance unavailable during connection test: %s", exc)
        return ConnectionCheck(
            settings=settings,
            open_id=tokens.open_id or settings.open_id,
            access_token_expires_at=tokens.access_token_expires_at,
            refresh_token_expires_at=tokens.refresh_token_expires_at,
            balance=balance,
        )

    def get_settings(self) -> AccountSettings:
        return parse.parse_settings(self._call("GET", "setting/get"))

    def get_balance(self) -> Balance:
        return parse.parse_balance(self._call("GET", "shopping/pay/getBalance"))

    # --- products ---------------------------------------------------------------------------------

    def get_categories(self) -> list[RemoteCategory]:
        return parse.parse_categories(self._call("GET", "product/getCategory"))

    def search_products(
        self,
        keyword: str | None = None,
        page: int = 1,
        size: int = 20,
        category_id: str | None = None,
        country_code: str | None = None,
        min_price: Decimal | float | str | None = None,
        max_price: Decimal | float | str | None = None,
        order_by: int | None = None,
        sort: str | None = None,
        *,
        features: Sequence[str] | None = ("enable_category",),
        extra: dict[str, Any] | None = None,
    ) -> SearchPage:
        """``GET product/listV2`` (50 points). page 1–1000, size 1–100."""
        if not 1 <= page <= 1000:
            raise ValueError("page must be within 1..1000")
        if not 1 <= size <= 100:
            raise ValueError("size must be within 1..100")
        if sort is not None and sort not in ("asc", "desc"):
            raise ValueError("sort must be 'asc' or 'desc'")
        params: dict[str, Any] = {
            "keyWord": keyword or None,
            "page": page,
            "size": size,
            "categoryId": category_id,
            "countryCode": country_code,
            "startSellPrice": min_price,
            "endSellPrice": max_price,
            "orderBy": order_by,
            "sort": sort,
            "features": list(features) if features else None,
        }
        params.update(extra or {})
        data = self._call("GET", "product/listV2", params=params)
        return parse.parse_search_page(data, page=page, size=size)

    def get_product(
        self,
        pid: str | None = None,
        product_sku: str | None = None,
        variant_sku: str | None = None,
        with_inventory: bool = True,
        country_code: str | None = None,
    ) -> ProductDetail:
        """``GET product/query`` by exactly one of pid / productSku / variantSku."""
        given = [x for x in (pid, product_sku, variant_sku) if x]
        if len(given) != 1:
            raise ValueError("give exactly one of pid, product_sku, variant_sku")
        params = {
            "pid": pid,
            "productSku": product_sku,
            "variantSku": variant_sku,
            "features": ["enable_inventory"] if with_inventory else None,
            "countryCode": country_code,
        }
        data = self._call("GET", "product/query", params=params)
        if not isinstance(data, dict) or not data:
            raise CJProductNotFound("product/query returned no product", endpoint="product/query")
        return parse.parse_product_detail(data)

    def get_variants(
        self, pid: str, *, option_names: list[str] | None = None, country_code: str | None = None
    ) -> list[VariantDetail]:
        """``GET product/variant/query?pid=``. Pass ``option_names`` (ProductDetail.option_names) to split keys."""
        data = self._call("GET", "product/variant/query", params={"pid": pid, "countryCode": country_code})
        rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        return [parse.parse_variant(v, option_names) for v in rows if isinstance(v, dict)]

    def get_variant(
        self, vid: str, *, with_inventory: bool = True, option_names: list[str] | None = None
    ) -> VariantDetail:
        """``GET product/variant/queryByVid``."""
        params = {"vid": vid, "features": ["enable_inventory"] if with_inventory else None}
        data = self._call("GET", "product/variant/queryByVid", params=params)
        if isinstance(data, list):
            data = data[0] if data else None
        if not isinstance(data, dict) or not data:
            raise CJVariantNotFound(
                "variant/queryByVid returned no variant", endpoint="product/variant/queryByVid"
            )
        return parse.parse_variant(data, option_names)

    def stock_by_vid(self, vid: str) -> list[WarehouseStock]:
        data = self._call("GET", "product/stock/queryByVid", params={"vid": vid})
        return [parse.parse_warehouse_stock(r) for r in data or [] if isinstance(r, dict)]

    def stock_by_sku(self, sku: str) -> list[WarehouseStock]:
        data = self._call("GET", "product/stock/queryBySku", params={"sku": sku})
        return [parse.parse_warehouse_stock(r) for r in data or [] if isinstance(r, dict)]

    def inventory_by_pid(self, pid: str) -> ProductInventory:
        return parse.parse_product_inventory(
            self._call("GET", "product/stock/getInventoryByPid", params={"pid": pid})
        )

    def product_reviews(
        self, pid: str, page: int = 1, size: int = 20, score: int | None = None
    ) -> ReviewPage:
        params = {"pid": pid, "pageNum": page, "pageSize": size, "score": score}
        data = self._call("GET", "product/productComments", params=params)
        return parse.parse_review_page(data, page=page, size=size)

    # --- logistics ------------------------------------------------------------------------------

    def freight_quote(
        self,
        from_country: str,
        to_country: str,
        items: Iterable[tuple[str, int]],
        zip: str | None = None,  # CJ field name
        *,
        tax_id: str | None = None,
        house_number: str | None = None,
        ioss_number: str | None = None,
    ) -> list[FreightOption]:
        """``POST logistic/freightCalculate``. An empty list means CJ offers no route."""
        products = [{"quantity": int(qty), "vid": str(vid)} for vid, qty in items]
        if not products:
            raise ValueError("freight_quote needs at least one (vid, quantity)")
        body: dict[str, Any] = {"startCountryCode": from_country, "endCountryCode": to_country}
        for k, v in (
            ("zip", zip),
            ("taxId", tax_id),
            ("houseNumber", house_number),
            ("iossNumber", ioss_number),
        ):
            if v:
                body[k] = v
        body["products"] = products
        return parse.parse_freight_options(self._call("POST", "logistic/freightCalculate", body=body))

    def track(self, numbers: Sequence[str]) -> list[TrackInfo]:
        """``GET logistic/trackInfo`` with repeated ``trackNumber`` keys."""
        nums = [n for n in numbers if n]
        if not nums:
            return []
        return parse.parse_track_infos(self._call("GET", "logistic/trackInfo", params={"trackNumber": nums}))

    # --- orders -----------------------------------------------------------------------------------

    def create_order(self, payload: OrderRequest, *, platform_token: str | None = None) -> CreatedOrder:
        """``POST shopping/order/createOrderV2``. Not idempotent: a timeout, network error, 5xx or 1600000
        is raised at once (``CJUnavailable``) and the caller must look the order up by ``orderNumber``
        (``get_order``) before trying again. Only a 1600200 (refused at CJ's QPS gate, nothing created) is
        retried, within ``RetryPolicy.max_attempts``."""
        headers = {"platformToken": platform_token} if platform_token else None
        data = self._call(
            "POST",
            "shopping/order/createOrderV2",
            body=payload.to_payload(),
            idempotent=False,
            extra_headers=headers,
        )
        return parse.parse_created_order(data)

    def list_orders(
        self,
        page: int = 1,
        size: int = 20,
        status: str | None = None,
        order_ids: Sequence[str] | None = None,
    ) -> OrderPage:
        """``GET shopping/order/list``. CJ documents the default ``status`` as CANCELLED: pass one."""
        params = {
            "pageNum": page,
            "pageSize": size,
            "status": status,
            "orderIds": list(order_ids or []) or None,
        }
        data = self._call("GET", "shopping/order/list", params=params)
        return parse.parse_order_page(data, page=page, size=size)

    def get_order(self, order_id_or_number: str, *, features: Sequence[str] | None = None) -> RemoteOrder:
        """``GET shopping/order/getOrderDetail`` (accepts CJ's order id or our orderNumber)."""
        if not order_id_or_number:
            raise ValueError("order id is required")
        params = {"orderId": order_id_or_number, "features": list(features) if features else None}
        data = self._call("GET", "shopping/order/getOrderDetail", params=params)
        if not isinstance(data, dict) or not data:
            raise CJOrderNotFound(
                "getOrderDetail returned no order", endpoint="shopping/order/getOrderDetail"
            )
        return parse.parse_order(data)

    def confirm_order(self, order_id: str) -> str:
        """``PATCH shopping/order/confirmOrder`` (CREATED → UNPAID)."""
        data = self._call("PATCH", "shopping/order/confirmOrder", body={"orderId": order_id})
        return _returned_id(data, order_id)

    def delete_order(self, order_id: str) -> str:
        """``DELETE shopping/order/deleteOrder?orderId=`` (CREATED / IN_CART only)."""
        data = self._call("DELETE", "shopping/order/deleteOrder", params={"orderId": order_id})
        return _returned_id(data, order_id)

    def pay_balance(self, order_id: str) -> None:
        """``POST shopping/pay/payBalance``. Not idempotent: only a 1600200 is retried (money moves)."""
        self._call("POST", "shopping/pay/payBalance", body={"orderId": order_id}, idempotent=False)

    # --- disputes (only for orders created through the API) ----------------------------------------

    def dispute_products(self, order_id: str) -> disputes.DisputeProducts:
        """``GET disputes/disputeProducts?orderId=``: the lines CJ lets a dispute choose (``canChoose``)."""
        data = self._call("GET", "disputes/disputeProducts", params={"orderId": order_id})
        return disputes.parse_dispute_products(data)

    def dispute_terms(self, order_id: str, lines: Sequence[tuple[str, int]]) -> disputes.DisputeTerms:
        """``POST disputes/disputeConfirmInfo``: reasons, expected results and the maximum amount (a query)."""
        body = {"orderId": order_id, "productInfoList": [{"lineItemId": i, "quantity": q} for i, q in lines]}
        return disputes.parse_dispute_terms(self._call("POST", "disputes/disputeConfirmInfo", body=body))

    def create_dispute(self, request: disputes.DisputeRequest) -> None:
        """``POST disputes/create`` (data "true", no id: read it back with ``list_disputes``). Not idempotent
        for the transport: an outcome-unknown failure is raised at once; CJ refuses a second create with the
        same ``businessDisputeId``, so the caller retries with the same id after looking the order up."""
        self._call("POST", "disputes/create", body=request.to_payload(), idempotent=False)

    def cancel_dispute(self, order_id: str, dispute_id: str) -> None:
        """``POST disputes/cancel``."""
        self._call(
            "POST", "disputes/cancel", body={"orderId": order_id, "disputeId": dispute_id}, idempotent=False
        )

    def list_disputes(self, *, order_id: str | None = None, dispute_id: str | None = None,
                      page: int = 1, size: int = 50) -> list[disputes.Dispute]:  # fmt: skip
        """``GET disputes/getDisputeList`` (pageSize ≤ 50)."""
        params = {"orderId": order_id, "disputeId": dispute_id, "pageNum": page, "pageSize": size}
        return disputes.parse_dispute_list(self._call("GET", "disputes/getDisputeList", params=params))

    # --- webhooks -----------------------------------------------------------------------------------

    def set_webhooks(self, url: str | None, topics: Iterable[str]) -> bool:
        """``POST webhook/set`` with all four objects: ENABLE ``[url]`` for ``topics``, CANCEL ``[]`` otherwise."""
        chosen = set(topics)
        unknown = chosen - set(WEBHOOK_TOPICS)
        if unknown:
            raise ValueError(f"unknown webhook topics: {sorted(unknown)}")
        if chosen and not url:
            raise ValueError("a callback url is required to enable topics")
        body = {
            t: {"type": "ENABLE", "callbackUrls": [url]}
            if t in chosen
            else {"type": "CANCEL", "callbackUrls": []}
            for t in WEBHOOK_TOPICS
        }
        data = self._call("POST", "webhook/set", body=body)
        return data is not False

    def subscribe_products(self, pids: Sequence[str]) -> SubscribeResult:
        """``POST webhook/product/subscribe`` (≤100 ids per call; larger lists are chunked)."""
        ok: list[str] = []
        failed: list[str] = []
        ids = [p for p in pids if p]
        for i in range(0, len(ids), 100):
            chunk = ids[i : i + 100]
            data = self._call(
                "POST", "webhook/product/subscribe", body={"productIds": chunk, "subscribeAll": False}
            )
            res = parse.parse_subscribe_result(data, chunk)
            ok.extend(res.success_ids)
            failed.extend(res.failed_ids)
        return SubscribeResult(success_ids=ok, failed_ids=failed, subscribe_all=False)

    def unsubscribe_products(self, pids: Sequence[str]) -> bool:
        ids = [p for p in pids if p]
        result = True
        for i in range(0, len(ids), 100):
            data = self._call("POST", "webhook/product/unsubscribe", body={"productIds": ids[i : i + 100]})
            result = result and data is not False
        return result


def _logged_error(error: CJError) -> str:
    """The admin's sentence first (the Logs page reads it), then the technical detail for whoever debugs."""
    return f"{error.user_message} (détail technique : {error})"
