"""CJ points budget benchmark (issue 15): the freshness planner vs today's fixed intervals, 30 simulated days.

Run: .venv/bin/python bench/points_budget.py [--products 2000] [--days 30] [--scale 1] [--stretch]
     → prints the figures and writes bench/results/points_budget.json.
`--scale 0.1 --products 200` plays the same shop at a tenth (5,000 points a day, 6 orders a day, 100 subscribed
products, a reserve floor of 100): the same points per product, a tenth of the calls. Every scheduler burns or plans
against the day's points, so the calls per simulated day (about 10,000 at full size) set the run time.

What is real: the CJ sandbox over HTTP with its points ledger on (50,000 points a day, CJ's costs, 16900500 when
short), its clock moved to each simulated minute (POST /_sandbox/points/clock), every stock and price read made by
KAMRI's CJ client, CJ's `pointsInfo` read from each answer; the planner's own rules (`freshness.interval_hours`,
`freshness.tick_budget`) and the budget's reserve rule (`points_budget.reserve_for`, default settings).
What is simulated, to finish in minutes on 2 shared cores: KAMRI's catalogue kept in memory (no database writes
per call), time (10-minute steps, no sleeping), STOCK/PRODUCT webhooks for the subscribed products (the first
1,000 imported: CJ's level-1 cap) delivered by the bench itself with 10 % lost, and customers: 60 paid orders a day,
90 % of them on the 10 % best sellers, buying a variant KAMRI shows in stock.

Both schedulers run in the same run, on the same sandbox catalogue and the same random changes, each with its own
CJ account (its own points ledger):
- baseline: today's schedule — stock every 60 min (getInventoryByPid per product not refreshed in the last
  30 min), prices every 6 h (product/query per product), a run stopping at CJ's first refusal until 00:05 UTC;
  orders placed with getInventoryByPid + freightCalculate, waiting until 00:05 UTC when CJ refuses;
- planner: a tick every 10 minutes spending (CJ's remaining − the orders' reserve) evenly over the rest of the day,
  one product/query with enable_inventory (stock and prices) per product, sold products first; orders the same
  calls, never held back by KAMRI.

Figures per scheduler: orders, orders_delayed_by_points (CJ refused a placement call), quota_exhausted_calls (CJ
refusals for points, any call), max_points_per_day (CJ's usedToday at the end of each day), stale_p95_hours_sold
(age of the stock KAMRI relied on when it placed the CJ order — the ordered variants are read just before), the
same at the customer's payment (what the shop showed), max_age_hours_all (oldest stock of any product, sampled
hourly), oversold_orders (the customer paid while CJ had no stock of the variant).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLANNER_KEY = "CJ1515151@api@15151515151515151515151515151515"
BASELINE_KEY = "CJ1616161@api@16161616161616161616161616161616"
STEP = timedelta(minutes=10)
START = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)
ORDERS_PER_DAY = 60
SUBSCRIBED = 1000  # CJ's product-subscription cap at level 1
WEBHOOK_LOSS = 0.10
POINTS_REFUSED = (16900500, 429)


def configure_django(var_dir: str) -> None:
    os.environ["KAMRI_VAR_DIR"] = var_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir}/bench.sqlite3"
    os.environ["HUEY_SQLITE_PATH"] = f"{var_dir}/huey.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamri.settings")
    import django

    django.setup()


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


class Recorder:
    """The client's CallRecorder: keeps CJ's latest pointsInfo and counts refusals for points."""

    def __init__(self) -> None:
        self.points = None
        self.points_day = None  # the simulated UTC day of that pointsInfo
        self.today = None
        self.refused = 0
        self.calls = 0

    def record(self, call) -> None:
        self.calls += 1
        if call.points_info is not None:
            self.points, self.points_day = call.points_info, self.today
        if call.cj_code in POINTS_REFUSED:
            self.refused += 1


@dataclass
class Shop:
    """One scheduler's KAMRI: what it knows of each variant, and when CJ last told it."""

    name: str
    client: object
    recorder: Recorder
    known: dict[str, int] = field(default_factory=dict)  # vid -> sellable units KAMRI shows
    seen_at: dict[str, datetime] = field(default_factory=dict)  # vid -> when CJ last told
    next_check: dict[str, datetime] = field(default_factory=dict)  # pid -> planner's next check
    falling: dict[str, bool] = field(default_factory=dict)
    volatile_until: dict[str, datetime] = field(default_factory=dict)
    sold_at: dict[str, list[datetime]] = field(default_factory=dict)
    order_points: dict[str, int] = field(default_factory=dict)  # UTC day -> points orders used
    waiting: list[tuple] = field(default_factory=list)  # (pid, vid, retry at): CJ refused for points
    blocked_until: datetime | None = None  # baseline: a run stopped by CJ's refusal waits for the reset
    last_stock_run: datetime | None = None
    last_price_run: datetime | None = None
    points_per_day: list[int] = field(default_factory=list)
    orders: int = 0
    delayed: int = 0
    oversold: int = 0
    age_at_placement: list[float] = field(default_factory=list)
    age_at_payment: list[float] = field(default_factory=list)
    max_age_h: float = 0.0
    checks: int = 0
    variants_refreshed: int = 0
    points_spent: dict[str, int] = field(default_factory=dict)


class Bench:
    def __init__(self, products: int, days: int, seed: int = 15, only: str = "", scale: float = 1.0) -> None:
        from cjsandbox.config import SandboxConfig
        from cjsandbox.server import SandboxServer
        from kamri.cj.client import CJClient, NullRateLimiter

        # scale < 1 shrinks the catalogue, the points, the orders, the subscriptions and the reserve floor alike
        self.days, self.rng, self.scale = days, random.Random(seed), scale
        self.allowance = round(50_000 * scale)
        self.orders_per_day = max(1, round(ORDERS_PER_DAY * scale))
        self.server = SandboxServer(
            SandboxConfig(
                seed=seed,
                products=int(products * 1.1) + 20,
                port=0,
                accounts=[(PLANNER_KEY, "free"), (BASELINE_KEY, "free")],
                tier_qps={"free": 100_000},  # simulated time: CJ's QPS is not what is measured here
                auth_interval_s=0,
                points_per_day=self.allowance,
            )
        ).start()
        catalog = self.server.state.catalog
        live = [p for p in catalog.products if not p.removed and p.status == "3" and p.variants]
        self.products = live[:products]
        self.vids = {p.pid: [v.vid for v in p.variants] for p in self.products}
        self.variant = {v.vid: v for p in self.products for v in p.variants}
        self.pid_of = {vid: pid for pid, vids in self.vids.items() for vid in vids}
        ranked = list(self.products)
        self.rng.shuffle(ranked)
        self.best = [p.pid for p in ranked[: max(1, len(ranked) // 10)]]
        self.tail = [p.pid for p in ranked[len(self.best) :]] or self.best
        self.subscribed = {p.pid for p in self.products[: round(SUBSCRIBED * scale)]}
        self.draft = {p.pid for p in ranked if self.rng.random() < 0.1}
        self.http = __import__("httpx").Client(base_url=self.server.root_url, timeout=30)
        self.shops = []
        for name, key in (("planner", PLANNER_KEY), ("baseline", BASELINE_KEY)):
            if only and name != only:
                continue
            recorder = Recorder()
            client = CJClient(
                self.server.base_url, key, limiter=NullRateLimiter(), recorder=recorder, sleep=lambda s: None
            )
            self.shops.append(Shop(name=name, client=client, recorder=recorder))
            self.keys = [*getattr(self, "keys", []), key]
        self.now = START

    # --- the sandbox -----------------------------------------------------------------------------------------
    def truth(self, vid: str) -> int:
        return sum(cj + fac for cj, fac in self.variant[vid].stock.values())

    def set_clock(self) -> None:
        self.http.post("/_sandbox/points/clock", json={"now": self.now.timestamp()}).raise_for_status()

    def ledger(self) -> dict:
        return self.http.get("/_sandbox/points").json()["accounts"]

    def drift(self) -> None:
        """Random stock and price changes at CJ; subscribed products push a webhook (10 % lost)."""
        stock, prices, changed = [], [], []
        all_vids = list(self.variant)
        for vid in self.rng.sample(all_vids, k=min(len(all_vids), max(1, len(all_vids) // 500))):
            v = self.variant[vid]
            country = next(iter(v.stock), "CN")
            roll = self.rng.random()
            units = 0 if roll < 0.25 else self.rng.randint(1, 40) if roll < 0.6 else self.rng.randint(50, 900)
            stock.append([vid, country, 0, units])
            changed.append(vid)
        for vid in self.rng.sample(all_vids, k=max(1, len(all_vids) // 3000)):
            price = round(self.variant[vid].price * self.rng.uniform(0.9, 1.15), 2)
            prices.append([vid, max(0.5, price)])
            changed.append(vid)
        self.http.post("/_sandbox/variants/bulk", json={"stock": stock, "price": prices}).raise_for_status()
        for vid in changed:
            pid = self.pid_of[vid]
            if pid in self.subscribed:
                for shop in self.shops:
                    if self.rng.random() >= WEBHOOK_LOSS:
                        shop.known[vid], shop.seen_at[vid] = self.truth(vid), self.now

    # --- KAMRI's reads ---------------------------------------------------------------------------------------
    def check_product(self, shop: Shop, pid: str, *, purpose: str) -> bool:
        """The planner's read: stock and costs of every variant in one product/query (10 points)."""
        from kamri.cj.client import CJError

        before = sum(shop.known.get(vid, 0) for vid in self.vids[pid])
        try:
            detail = shop.client.get_product(pid=pid, with_inventory=True)
        except CJError:
            return False
        self._spent(shop, purpose, 10)
        for v in detail.variants:
            if v.vid in self.variant:
                shop.known[v.vid], shop.seen_at[v.vid] = sum(w.total for w in v.inventories), self.now
                shop.variants_refreshed += 1
        shop.checks += 1
        shop.falling[pid] = sum(shop.known.get(vid, 0) for vid in self.vids[pid]) < before
        return True

    def inventory(self, shop: Shop, pid: str, *, purpose: str):
        inventory = shop.client.inventory_by_pid(pid)
        self._spent(shop, purpose, 10)
        for vid in self.vids[pid]:
            shop.known[vid], shop.seen_at[vid] = inventory.variant_total(vid), self.now
            shop.variants_refreshed += 1
        shop.checks += 1
        return inventory

    def _spent(self, shop: Shop, purpose: str, points: int) -> None:
        shop.points_spent[purpose] = shop.points_spent.get(purpose, 0) + points

    # --- the two schedulers ----------------------------------------------------------------------------------
    def planner_tick(self, shop: Shop) -> None:
        from kamri.cj.connection import points_budget
        from kamri.cj.models import CJSettings
        from kamri.cj.sync import freshness

        settings_row = CJSettings()  # the defaults a new shop gets (the reserve floor scaled with the points)
        settings_row.points_reserve_floor = round(settings_row.points_reserve_floor * self.scale)
        targets = freshness.Targets.of(settings_row)
        info = shop.recorder.points
        if info is None:
            remaining = self.allowance
        else:  # CJ's own figure; a new UTC day starts from CJ's last total
            remaining = info.remaining if shop.recorder.points_day == self.now.date() else info.total
        week = [shop.order_points.get((self.now.date() - timedelta(days=d)).isoformat(), 0) for d in range(7)]
        reserve = points_budget.reserve_for(busiest_order_day=max(week), settings_row=settings_row)
        budget = freshness.tick_budget(for_syncs=max(0, remaining - reserve), now=self.now, tick=STEP)
        calls = budget // freshness.CHECK_COST
        due = [pid for pid in self.vids if shop.next_check.get(pid, START) <= self.now]
        sold_cut = self.now - freshness.SOLD_WINDOW
        signals = {}
        for pid in due:
            signals[pid] = freshness.Signals(
                sold=any(t >= sold_cut for t in shop.sold_at.get(pid, [])),
                low=any(shop.known.get(vid, 0) < targets.low_stock_units for vid in self.vids[pid]),
                falling=shop.falling.get(pid, False),
                volatile=shop.volatile_until.get(pid, START) > self.now,
                active=pid not in self.draft,
                webhook=pid in self.subscribed,
            )
        due.sort(
            key=lambda pid: freshness.priority(
                signals[pid],
                oldest_seen=min(shop.seen_at.get(vid, START) for vid in self.vids[pid]),
                planned=shop.next_check.get(pid, START),
                now=self.now,
                t=targets,
            )
        )
        for pid in due[:calls]:
            if not self.check_product(shop, pid, purpose="stock"):
                break
            hours = freshness.interval_hours(signals[pid], targets)
            shop.next_check[pid] = self.now + timedelta(hours=hours)

    def baseline_tick(self, shop: Shop) -> None:
        from kamri.cj.client import CJQuotaExhausted

        if shop.blocked_until and self.now < shop.blocked_until:
            return
        try:
            if shop.last_stock_run is None or self.now - shop.last_stock_run >= timedelta(minutes=60):
                shop.last_stock_run = self.now
                cutoff = self.now - timedelta(minutes=30)
                for pid, vids in self.vids.items():
                    if all(shop.seen_at.get(vid, START - timedelta(days=1)) >= cutoff for vid in vids):
                        continue  # refreshed by a webhook in the last half period
                    self.inventory(shop, pid, purpose="stock")
            if shop.last_price_run is None or self.now - shop.last_price_run >= timedelta(hours=6):
                shop.last_price_run = self.now
                for pid in self.vids:
                    shop.client.get_product(pid=pid, with_inventory=False)
                    self._spent(shop, "prices", 10)
        except CJQuotaExhausted:
            shop.blocked_until = self._next_reset()

    def _next_reset(self) -> datetime:
        return self.now.replace(hour=0, minute=5, second=0, microsecond=0) + timedelta(days=1)

    # --- customers and orders --------------------------------------------------------------------------------
    def customer(self, shop: Shop, pick: random.Random) -> None:
        for _attempt in range(6):
            pool = self.best if pick.random() < 0.9 else self.tail
            pid = pool[pick.randrange(len(pool))]
            shown = [vid for vid in self.vids[pid] if shop.known.get(vid, 0) > 0]
            if shown:
                vid = shown[pick.randrange(len(shown))]
                break
        else:
            return
        shop.orders += 1
        shop.oversold += int(self.truth(vid) < 1)
        shop.age_at_payment.append((self.now - shop.seen_at.get(vid, START)).total_seconds() / 3600)
        shop.sold_at.setdefault(pid, []).append(self.now)
        if not self.place(shop, pid, vid):
            shop.delayed += 1
            shop.waiting.append((pid, vid, self._next_reset()))

    def retry_waiting(self, shop: Shop) -> None:
        """services/orders.py retries a placement CJ refused for points at 00:05 UTC."""
        still = []
        for pid, vid, retry_at in shop.waiting:
            if self.now < retry_at or not self.place(shop, pid, vid):
                still.append((pid, vid, retry_at if self.now < retry_at else self._next_reset()))
        shop.waiting = still

    def place(self, shop: Shop, pid: str, vid: str) -> bool:
        """What services/orders.py does: getInventoryByPid (the check just before) + freightCalculate."""
        from kamri.cj.client import CJError, CJQuotaExhausted

        try:
            self.inventory(shop, pid, purpose="orders")
            shop.age_at_placement.append(0.0)  # placed on the stock read a moment ago
            shop.client.freight_quote("CN", "US", [(vid, 1)])
            self._spent(shop, "orders", 10)
        except CJQuotaExhausted:
            return False
        except CJError:
            return True
        day = self.now.date().isoformat()
        shop.order_points[day] = shop.order_points.get(day, 0) + 20
        if self.truth(vid) >= 1:
            v = self.variant[vid]
            country = max(v.stock, key=lambda cc: sum(v.stock[cc]))
            cj, fac = v.stock[country]
            self.http.post(
                "/_sandbox/variants/bulk",
                json={"stock": [[vid, country, max(0, cj - 1), fac if cj else max(0, fac - 1)]]},
            ).raise_for_status()
        return True

    # --- the run ---------------------------------------------------------------------------------------------
    def run(self) -> dict:
        order_times = []
        steps = int(timedelta(days=self.days) / STEP)
        for shop in self.shops:  # the import: stock and prices known on day one (not counted)
            for vids in self.vids.values():
                for vid in vids:
                    shop.known[vid], shop.seen_at[vid] = self.truth(vid), START
        started = time.perf_counter()
        for step in range(steps):
            self.now = START + step * STEP
            self.set_clock()
            if self.now.hour == 0 and self.now.minute == 0:
                order_times = sorted(
                    self.now + timedelta(seconds=self.rng.uniform(0, 86_400))
                    for _ in range(self.orders_per_day)
                )
                if step:
                    self.close_day()
            for shop in self.shops:
                shop.recorder.today = self.now.date()
                if shop.waiting:
                    self.retry_waiting(shop)
            self.drift()
            for shop in self.shops:
                (self.planner_tick if shop.name == "planner" else self.baseline_tick)(shop)
            while order_times and order_times[0] < self.now + STEP:
                order_times.pop(0)
                seed = self.rng.random()
                for shop in self.shops:  # the same customer in both shops
                    self.customer(shop, random.Random(seed))
            if self.now.minute == 0:
                for shop in self.shops:
                    oldest = min(
                        (min(shop.seen_at.get(vid, START) for vid in vids) for vids in self.vids.values()),
                        default=self.now,
                    )
                    shop.max_age_h = max(shop.max_age_h, (self.now - oldest).total_seconds() / 3600)
            if step % 144 == 143:
                print(
                    f"  day {(step + 1) // 144}/{self.days} ({time.perf_counter() - started:.0f} s)",
                    flush=True,
                )
        self.now += STEP
        self.close_day()
        return self.figures(time.perf_counter() - started)

    def close_day(self) -> None:
        ledger = self.ledger()
        for shop, key in zip(self.shops, self.keys, strict=True):
            shop.points_per_day.append(ledger[key]["usedToday"])

    def figures(self, seconds: float) -> dict:
        def of(shop: Shop) -> dict:
            return {
                "orders": shop.orders,
                "orders_delayed_by_points": shop.delayed,
                "quota_exhausted_calls": shop.recorder.refused,
                "max_points_per_day": max(shop.points_per_day, default=0),
                "stale_p95_hours_sold": round(pct(shop.age_at_placement, 95), 2),
                "shown_stock_age_p95_hours_at_payment": round(pct(shop.age_at_payment, 95), 2),
                "shown_stock_age_p50_hours_at_payment": round(pct(shop.age_at_payment, 50), 2),
                "max_age_hours_all": round(shop.max_age_h, 1),
                "oversold_orders": shop.oversold,
                "cj_calls": shop.recorder.calls,
                "product_checks": shop.checks,
                "points_by_purpose": shop.points_spent,
                "points_per_variant_refreshed": round(
                    sum(shop.points_spent.values()) / shop.variants_refreshed, 2
                )
                if shop.variants_refreshed
                else None,
            }

        variants = sum(len(v) for v in self.vids.values())
        return {
            "products": len(self.products),
            "variants": variants,
            "days": self.days,
            "allowance_per_day": self.allowance,
            "scale": self.scale,
            "orders_per_day": self.orders_per_day,
            "schedulers": {shop.name: of(shop) for shop in self.shops},
            "read_cost_points_per_variant": {
                "product/query+enable_inventory (stock and prices)": round(10 * len(self.vids) / variants, 2),
                "product/stock/getInventoryByPid (stock only)": round(10 * len(self.vids) / variants, 2),
                "product/stock/queryByVid (stock only)": 10.0,
            },
            "seconds": round(seconds, 1),
        }


def run_one(products: int, days: int, only: str, out: str, scale: float) -> None:
    with tempfile.TemporaryDirectory(prefix="kamri-points-") as var_dir:
        configure_django(var_dir)
        bench = Bench(products, days, only=only, scale=scale)
        try:
            result = bench.run()
        finally:
            bench.server.stop()
    Path(out).write_text(json.dumps(result))


def run_pair(products: int, days: int, scale: float = 1.0) -> dict:
    """The planner and the baseline in two processes at once (same seed: same catalogue, same changes, same
    customers), each with its own sandbox and CJ account; their figures merged into one result."""
    import subprocess

    with tempfile.TemporaryDirectory(prefix="kamri-points-pair-") as tmp:
        procs, outs = [], {}
        for name in ("planner", "baseline"):
            outs[name] = f"{tmp}/{name}.json"
            cmd = [sys.executable, __file__, "--products", str(products), "--days", str(days), "--only", name]
            cmd += ["--scale", str(scale)]
            procs.append(subprocess.Popen([*cmd, "--part", outs[name]]))
        for proc in procs:
            if proc.wait(timeout=3600) != 0:
                raise SystemExit(f"a scheduler run failed ({proc.args})")
        parts = {name: json.loads(Path(path).read_text()) for name, path in outs.items()}
    planner = parts["planner"]
    return {key: value for key, value in planner.items() if key not in ("schedulers", "seconds")} | {
        **planner["schedulers"]["planner"],
        "baseline": parts["baseline"]["schedulers"]["baseline"],
        "seconds": max(part["seconds"] for part in parts.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--stretch", action="store_true", help="also run 5,000 products")
    parser.add_argument("--only", choices=("planner", "baseline"), default="")
    parser.add_argument("--part", default="")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="points, orders, subscriptions and reserve floor × this (with --products)",
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "points_budget.json"))
    args = parser.parse_args()
    if args.only:
        run_one(args.products, args.days, args.only, args.part, args.scale)
        return
    result = run_pair(args.products, args.days, args.scale)
    if args.stretch:
        result["stretch_5000"] = run_pair(5000, args.days)
    print(json.dumps(result, indent=2))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
