"""``python -m cjsandbox --port 8765 --seed 42 --products 2000`` — run the CJ sandbox in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from decimal import Decimal

from .config import TIER_QPS, SandboxConfig
from .server import SandboxServer


def _account(value: str) -> tuple[str, str]:
    key, sep, tier = value.rpartition(":")
    if not sep:
        key, tier = value, "free"
    tier = tier.lower()
    if tier not in TIER_QPS:
        raise argparse.ArgumentTypeError(f"tier must be one of {', '.join(TIER_QPS)}")
    if "@api@" not in key:
        raise argparse.ArgumentTypeError("API key must look like CJ<digits>@api@<32 hex>")
    return key, tier


def parse_args(argv: list[str] | None = None) -> SandboxConfig:
    p = argparse.ArgumentParser(prog="python -m cjsandbox", description="CJ Open API 2.0 sandbox for KAMRI")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--products", type=int, default=2000)
    p.add_argument("--account", action="append", type=_account, default=[], metavar="APIKEY:TIER")
    p.add_argument(
        "--allow-local-callbacks", action="store_true", help="accept http:// and localhost webhook URLs"
    )
    p.add_argument("--access-token-ttl", type=float, default=15 * 86400, metavar="SECONDS")
    p.add_argument("--refresh-token-ttl", type=float, default=180 * 86400, metavar="SECONDS")
    p.add_argument(
        "--auth-interval", type=float, default=300, metavar="SECONDS", help="min gap between logins"
    )
    p.add_argument("--refresh-per-minute", type=int, default=5)
    p.add_argument("--webhook-retry-delay", type=float, default=300, metavar="SECONDS")
    p.add_argument("--webhook-retries", type=int, default=3)
    p.add_argument("--throttle-http-status", type=int, choices=(200, 429), default=200)
    p.add_argument(
        "--points", action=argparse.BooleanOptionalAction, default=True, help="CJ's daily points ledger (on)"
    )
    p.add_argument("--points-per-day", type=int, default=50_000)
    p.add_argument(
        "--points-http-status",
        type=int,
        choices=(200, 429),
        default=200,
        help="200: code 16900500; 429: docs",
    )
    p.add_argument(
        "--order-clock", type=float, default=0, metavar="SECONDS", help="auto-ship/deliver paid orders"
    )
    p.add_argument(
        "--state-file", default=None, metavar="PATH", help="SQLite file that keeps state across runs"
    )
    p.add_argument("--balance", default="5000.00", help="initial balance of every account (USD)")
    p.add_argument("--order-list-default-status", default="CANCELLED", help='"" lists every status')
    p.add_argument("--order-insert-webhook", action="store_true", help="send ORDER INSERT on creation")
    p.add_argument(
        "--lenient-subscriptions", action="store_true", help="allow subscribe without product webhook"
    )
    p.add_argument("--public-url", default=None, help="absolute root URL used in payloads (images, tracking)")
    p.add_argument("--verbose", "-v", action="store_true", help="log every request")
    a = p.parse_args(argv)
    return SandboxConfig(
        seed=a.seed,
        products=a.products,
        host=a.host,
        port=a.port,
        accounts=a.account,
        allow_local_callbacks=a.allow_local_callbacks,
        access_token_ttl_s=a.access_token_ttl,
        refresh_token_ttl_s=a.refresh_token_ttl,
        auth_interval_s=a.auth_interval,
        refresh_per_minute=a.refresh_per_minute,
        webhook_retry_delay_s=a.webhook_retry_delay,
        webhook_retries=a.webhook_retries,
        throttle_http_status=a.throttle_http_status,
        points=a.points,
        points_per_day=a.points_per_day,
        points_http_status=a.points_http_status,
        order_clock_s=a.order_clock,
        state_file=a.state_file,
        initial_balance=Decimal(a.balance),
        order_list_default_status=a.order_list_default_status,
        order_insert_webhook=a.order_insert_webhook,
        subscribe_requires_product_webhook=not a.lenient_subscriptions,
        public_url=a.public_url,
        verbose=a.verbose,
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    started = time.perf_counter()
    server = SandboxServer(config).start()
    elapsed = time.perf_counter() - started
    print(f"CJ sandbox on {server.base_url}", flush=True)
    print(
        f"  seed {config.seed}, {len(server.state.catalog.products)} products, ready in {elapsed:.2f}s; "
        f"control API {server.root_url}/_sandbox/",
        flush=True,
    )
    for acct in server.state.accounts.values():
        label = "demo account" if not config.accounts else "account"
        print(f"  {label}: apiKey {acct.api_key}  tier {acct.tier}  openId {acct.open_id}", flush=True)
    done = threading.Event()

    def _stop(*_: object) -> None:
        done.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not done.wait(0.5):
            pass
    finally:
        server.stop()
        print("CJ sandbox stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
