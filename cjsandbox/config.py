"""Sandbox configuration and small shared constants."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

# tier -> requests per second (CJ-API.md §4.1)
TIER_QPS = {"free": 1, "plus": 2, "prime": 4, "advanced": 6}
# tier -> product-subscription cap (CJ-API.md §8.2: lv1 1000, lv2 2000, lv3 3000, lv4 5000)
TIER_SUBSCRIPTION_CAP = {"free": 1000, "plus": 2000, "prime": 3000, "advanced": 5000}

# points per call (CJ-API.md §4.3); unlisted endpoints cost 0
POINT_COSTS = {
    "product/listV2": 50,
    "product/list": 50,
    "product/query": 10,
    "product/variant/query": 10,
    "product/variant/queryByVid": 10,
    "product/stock/queryByVid": 10,
    "product/stock/queryBySku": 10,
    "product/stock/getInventoryByPid": 10,
    "logistic/freightCalculate": 10,
    "webhook/product/subscribe": 10,
    "webhook/product/unsubscribe": 10,
}

DAY = 24 * 3600


def demo_api_key(seed: int) -> str:
    """The API key of the demo account created when no ``--account`` is given (deterministic)."""
    rng = random.Random(f"cjsandbox-demo-account:{seed}")
    user_num = rng.randrange(1_000_000, 9_999_999)
    secret = hashlib.sha256(f"cjsandbox-demo-key:{seed}".encode()).hexdigest()[:32]
    return f"CJ{user_num}@api@{secret}"


def open_id_for(api_key: str) -> int:
    """A stable openId (CJ's Long account id) derived from the API key."""
    digest = hashlib.sha256(f"openid:{api_key}".encode()).digest()
    return 1_000_000 + int.from_bytes(digest[:5], "big") % 9_000_000_000


@dataclass
class SandboxConfig:
    seed: int = 42
    products: int = 2000
    host: str = "127.0.0.1"
    port: int = 8765
    # (apiKey, tier) pairs; empty -> one demo account (see demo_api_key)
    accounts: list[tuple[str, str]] = field(default_factory=list)
    allow_local_callbacks: bool = False
    access_token_ttl_s: float = 15 * DAY
    refresh_token_ttl_s: float = 180 * DAY
    auth_interval_s: float = 300.0
    refresh_per_minute: int = 5
    webhook_retry_delay_s: float = 300.0
    webhook_retries: int = 3
    webhook_timeout_s: float = 3.0
    throttle_http_status: int = 200
    # CJ's daily points ledger (cjsandbox/points.py): on, as at CJ since July 2026
    points: bool = True
    points_per_day: int = 50_000
    points_http_status: int = 200
    order_clock_s: float = 0.0
    state_file: str | None = None
    initial_balance: Decimal = Decimal("5000.00")
    # CJ-API.md §7.4 documents "default: CANCELLED" for shopping/order/list; "" means "all statuses"
    order_list_default_status: str = "CANCELLED"
    # 2026 docs: ordinary orders no longer get an ORDER INSERT webhook
    order_insert_webhook: bool = False
    # webhook/product/subscribe answers 1606010 while the product topic is not enabled
    subscribe_requires_product_webhook: bool = True
    # createOrderV2 payType 2 with a short balance: keep the order (UNPAID) and answer 1604000
    keep_order_on_short_balance: bool = True
    # absolute URL used in payloads for images and tracking pages (default: the bound root URL)
    public_url: str | None = None
    # tier -> QPS; override e.g. {"advanced": 1000} to take throttling out of a test's way
    tier_qps: dict[str, int] = field(default_factory=lambda: dict(TIER_QPS))
    verbose: bool = False
    # webhook/set calls each callback URL and refuses unless HTTP 200 within webhook_timeout_s (as CJ does)
    check_callback_urls: bool = True
    # a topic closes when fewer than topic_min_success of its deliveries succeeded over topic_window_s
    # (at least topic_min_attempts attempts): CJ's 2026 auto-close rule (80 % over 2 h)
    topic_window_s: float = 7200.0
    topic_min_attempts: int = 10
    topic_min_success: float = 0.8
    # lenient switch for tests of the sandbox itself: the control API may confirm/pay orders
    control_payments: bool = False

    def qps_for(self, tier: str) -> int:
        return self.tier_qps.get(tier, TIER_QPS.get(tier, 1))
