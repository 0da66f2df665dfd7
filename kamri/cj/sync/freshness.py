"""The freshness planner: which imported product to check at CJ next, and when, within the day's points.

Each product gets a next-check time from what matters — sold recently, low or falling stock, a volatile price,
active vs draft, and whether CJ's STOCK/PRODUCT webhooks cover it (then it needs no poll before its
reconciliation, just under the maximum age). The check is the cheapest read: one ``product/query`` with
``enable_inventory`` (10 points) returns the stock *and* the cost of every variant of a product, where
getInventoryByPid (10, stock only) + product/query (10, prices) cost twice as much and queryByVid 10 per variant.
The planner spends what the points budget leaves for syncs evenly over the rest of the UTC day, sold products
first; every product is still reconciled within the maximum age; ordered variants are checked just before the
order is placed (`checked_before_order`).

The rules on figures (`interval_hours`, `forecast`, `tick_budget`) are pure, so the Paramètres forecast and the
benchmark use them as they are.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kamri.catalog.models import Product
from kamri.cj import jobs
from kamri.cj.client import ProductDetail, ProductInventory
from kamri.cj.connection import points_budget
from kamri.cj.models import CJProductLink, CJSettings, CJVariantLink, PriceChange, SyncRun
from kamri.cj.sync import price_sync, product_walk, stock_sync
from kamri.orders.models import OrderLine

CHECK_COST = 10  # product/query + enable_inventory: stock and prices of every variant in one call
RECONCILE = 0.9  # reconcile a little before the maximum age, so ticks and queues never push past it
TICK = timedelta(minutes=10)
SOLD_WINDOW = timedelta(days=7)
VOLATILE_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Targets:
    sold_hours: float = 1.5
    max_age_hours: float = 72.0
    low_stock_hours: float = 6.0
    volatile_hours: float = 12.0
    active_hours: float = 24.0
    low_stock_units: int = 10

    @classmethod
    def of(cls, settings_row: CJSettings) -> Targets:
        return cls(
            sold_hours=float(settings_row.freshness_sold_hours),
            max_age_hours=float(settings_row.freshness_max_age_hours),
        )


@dataclass(frozen=True)
class Signals:
    sold: bool = False
    low: bool = False
    falling: bool = False
    volatile: bool = False
    active: bool = True
    webhook: bool = False


def interval_hours(sig: Signals, t: Targets, stretch: float = 1.0) -> float:
    """Hours until the next check of a product. ``stretch`` (≥ 1) slows the unsold ones when points are short."""
    reconcile = t.max_age_hours * RECONCILE
    if sig.sold:
        return min(t.sold_hours, reconcile)
    if sig.webhook:
        return reconcile  # CJ pushes its changes; polling only reconciles lost messages
    if sig.low or sig.falling:
        base = t.low_stock_hours
    elif sig.volatile:
        base = t.volatile_hours
    elif sig.active:
        base = t.active_hours
    else:
        base = reconcile
    return min(reconcile, base * stretch)


def demand(signals: Iterable[Signals], t: Targets, stretch: float = 1.0) -> float:
    """Points per day the plan needs."""
    return _demand(Counter(signals), t, stretch)


def _demand(groups: Counter[Signals], t: Targets, stretch: float) -> float:
    """`demand` over products grouped by their signals (a catalogue has a few dozen kinds, not 20,000)."""
    return sum(CHECK_COST * 24 / interval_hours(sig, t, stretch) * n for sig, n in groups.items())


@dataclass(frozen=True)
class Forecast:
    products: int
    sold: int
    points_per_day: int  # what the plan spends at the chosen stretch
    wanted_per_day: int  # what the targets would need without stretching
    available: int
    stretch: float
    fits: bool
    stretch_from: int | None  # products beyond which the unsold ones get checked less often
    limit: int | None  # products beyond which the schedule no longer fits

    @property
    def lines(self) -> list[str]:
        n = lambda value: number_format(int(value), force_grouping=True)  # noqa: E731
        out = [
            _("Ce réglage consomme ≈ %(n)s points/jour sur %(m)s disponibles pour les synchronisations.")
            % {"n": n(self.points_per_day), "m": n(self.available)}
        ]
        if not self.fits:
            out.append(
                _(
                    "Ce réglage ne tient pas : même en vérifiant les produits non vendus seulement à l'âge maximal, "
                    "il faudrait %(w)s points/jour. Allongez la fraîcheur des produits vendus ou l'âge maximal, "
                    "ou augmentez les points (les ventes chez CJ en ajoutent)."
                )
                % {"w": n(self.points_per_day)}
            )
        elif self.stretch > 1.001:
            out.append(
                _("Pour tenir, les produits non vendus sont vérifiés %(x)s fois moins souvent que visé.")
                % {"x": number_format(round(self.stretch, 1))}
            )
        if self.stretch_from is not None and self.limit is not None and self.stretch_from < self.limit:
            out.append(
                _(
                    "Si le catalogue grandit : au-delà de %(a)s produits, les produits non vendus seront vérifiés "
                    "moins souvent ; au-delà de %(b)s produits, chacun le sera seulement à l'âge maximal et le "
                    "réglage ne tiendra plus."
                )
                % {"a": n(self.stretch_from), "b": n(self.limit)}
            )
        return out


def forecast(signals: Iterable[Signals], t: Targets, available: int) -> Forecast:
    """What the targets cost per day, how the planner fits them in ``available`` points, and what growth does.
    ``signals``: one per product, or already counted (a Counter, as `catalogue_signals` gives them)."""
    groups = signals if isinstance(signals, Counter) else Counter(signals)
    wanted = _demand(groups, t, 1.0)
    floor = _demand(groups, t, 1e9)
    if wanted <= available:
        stretch, spent, fits = 1.0, wanted, True
    elif floor > available:
        stretch, spent, fits = math.inf, floor, False
    else:
        lo, hi = 1.0, 1e6
        for _step in range(60):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if _demand(groups, t, mid) <= available else (mid, hi)
        stretch, spent, fits = hi, _demand(groups, t, hi), True
    count = groups.total()
    per_product_wanted = wanted / count if count else 0
    per_product_floor = floor / count if count else 0
    return Forecast(
        products=count,
        sold=sum(n for sig, n in groups.items() if sig.sold),
        points_per_day=round(spent),
        wanted_per_day=round(wanted),
        available=available,
        stretch=stretch,
        fits=fits,
        stretch_from=int(available / per_product_wanted) if per_product_wanted else None,
        limit=int(available / per_product_floor) if per_product_floor else None,
    )


def tick_budget(*, for_syncs: int, now: datetime, tick: timedelta = TICK) -> int:
    """Points one tick may spend: what syncs may still use today, spread evenly over the ticks left."""
    day_end = points_budget.utc_day_start(now) + timedelta(days=1)
    ticks_left = max(1.0, (day_end - now) / tick)
    return int(for_syncs / ticks_left)


# --- the catalogue's signals, from the database ---------------------------------------------------------------


def annotated(rows: QuerySet[CJProductLink], *, now: datetime, t: Targets) -> QuerySet[CJProductLink]:
    """Products with what the planner reads of them, in the same query: sold in the last 7 days, a variant
    under the low-stock mark, a cost change in the last 14 days, the product's status."""
    line = OrderLine.objects.filter(
        variant__cj_link__product_link=OuterRef("pk"), order__paid_at__gte=now - SOLD_WINDOW
    )
    low = CJVariantLink.objects.filter(product_link=OuterRef("pk"), variant__stock__lt=t.low_stock_units)
    moved = PriceChange.objects.filter(
        variant_link__product_link=OuterRef("pk"), created_at__gte=now - VOLATILE_WINDOW
    )
    return rows.annotate(
        sold_recently=Exists(line),
        low_stock=Exists(low),
        volatile_price=Exists(moved),
        product_status=F("product__status"),
    )


#: The columns of `annotated` a product's Signals come from, in `_signals`' order.
SIGNAL_COLUMNS = (
    "sold_recently", "low_stock", "stock_falling", "volatile_price", "product_status", "webhook_subscribed"
)  # fmt: skip


def _pushed(settings_row: CJSettings) -> bool:
    """Whether CJ pushes stock and product changes (webhooks on, with the STOCK or PRODUCT topic)."""
    topics = {str(topic).lower() for topic in settings_row.webhook_topics or []}
    return settings_row.webhooks_enabled and bool({"stock", "product"} & topics or not topics)


def _signals(sold, low, falling, volatile, status, subscribed, *, pushed: bool) -> Signals:
    return Signals(
        sold=bool(sold),
        low=bool(low),
        falling=bool(falling),
        volatile=bool(volatile),
        active=status == Product.Status.ACTIVE,
        webhook=pushed and bool(subscribed),
    )


def signals(links: Iterable[CJProductLink], *, settings_row: CJSettings) -> dict:
    """{link pk: Signals} of products read through `annotated`."""
    pushed = _pushed(settings_row)
    return {
        link.pk: _signals(*(getattr(link, column) for column in SIGNAL_COLUMNS), pushed=pushed)
        for link in links
    }


def catalogue_signals(*, now: datetime, t: Targets, settings_row: CJSettings) -> Counter[Signals]:
    """The Signals of every imported product, counted in one grouped query (a few dozen rows, whatever the
    catalogue's size) rather than read product by product; kept counted ({Signals: products}), not one per
    product (15,000 hashes of a dataclass cost more than the query)."""
    pushed = _pushed(settings_row)
    rows = (
        annotated(CJProductLink.objects.all(), now=now, t=t)
        .order_by()
        .values_list(*SIGNAL_COLUMNS)
        .annotate(n=Count("pk"))
    )
    found: Counter[Signals] = Counter()
    for *columns, n in rows:
        found[_signals(*columns, pushed=pushed)] += n
    return found


def catalogue_forecast(
    *,
    settings_row: CJSettings | None = None,
    now: datetime | None = None,
    day: points_budget.Day | None = None,
    loaded: CJSettings | None = None,
) -> Forecast:
    """The forecast of the freshness targets of ``settings_row`` (default: the saved ones, ``loaded`` when the
    caller has already read them) on today's catalogue, within the day's total (CJ's figure) minus the orders'
    reserve (of these settings)."""
    saved = settings_row
    settings_row = settings_row or loaded or CJSettings.load()
    now = now or timezone.now()
    t = Targets.of(settings_row)
    found = catalogue_signals(now=now, t=t, settings_row=settings_row)
    allowance = day.quota if day is not None else points_budget.daily_allowance()
    same_rule = day is not None and saved is None
    reserve = day.reserve if same_rule else points_budget.reserve(now=now, settings_row=settings_row)
    available = max(0, allowance - reserve)
    return forecast(found, t, available)


def replan(link: CJProductLink, sig: Signals, *, t: Targets, now: datetime) -> None:
    link.next_check_at = now + timedelta(hours=interval_hours(sig, t))
    CJProductLink.objects.filter(pk=link.pk).update(next_check_at=link.next_check_at)


def due(*, now: datetime, limit: int, t: Targets) -> list[CJProductLink]:
    """Products to check now, oldest plan first; never-planned ones first of all."""
    rows = CJProductLink.objects.filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
    return list(
        annotated(rows, now=now, t=t)
        .prefetch_related("variant_links")
        .order_by("next_check_at", "last_synced_at", "pk")[: max(0, limit)]
    )


def priority(
    sig: Signals, *, oldest_seen: datetime | None, planned: datetime | None, now: datetime, t: Targets
):
    """Order of the due checks: a product about to pass the maximum age first (the guarantee), then sold ones,
    then the longest overdue."""
    reconcile = timedelta(hours=t.max_age_hours * RECONCILE)
    overdue = oldest_seen is None or now - oldest_seen >= reconcile
    return (not overdue, not sig.sold, planned or now)


def _ordered(links: list[CJProductLink], found: dict, *, now: datetime, t: Targets) -> list[CJProductLink]:
    def oldest(link: CJProductLink) -> datetime | None:
        seen = [v.last_synced_at for v in link.variant_links.all()]
        return None if not seen or None in seen else min(seen)

    return sorted(
        links,
        key=lambda link: priority(
            found[link.pk], oldest_seen=oldest(link), planned=link.next_check_at, now=now, t=t
        ),
    )


def tick(*, now: datetime | None = None) -> SyncRun | None:
    """One planner tick: the due products that fit in this tick's share of the points, sold ones first."""
    now = now or timezone.now()
    settings_row = CJSettings.load()
    t = Targets.of(settings_row)
    budget = tick_budget(for_syncs=points_budget.today(now=now).for_syncs, now=now)
    calls = budget // CHECK_COST
    if calls <= 0 or jobs.active(SyncRun.Kind.STOCK) is not None:
        return None
    candidates = due(now=now, limit=max(calls * 3, 200), t=t)
    if not candidates:
        return None
    found = signals(candidates, settings_row=settings_row)
    chosen = _ordered(candidates, found, now=now, t=t)[:calls]
    job, created = jobs.start_once(SyncRun.Kind.STOCK, total=lambda: len(chosen), params={"planner": True})
    if not created:  # a stock sync started meanwhile: it covers these products
        return None
    job = jobs.take(job.pk) or job

    def apply(link: CJProductLink, detail: ProductDetail, counts: product_walk.Counts) -> None:
        _apply_detail(link, detail, counts)
        replan(link, found[link.pk], t=t, now=timezone.now())

    return product_walk.walk(
        job,
        chosen,
        fetch=lambda client, link: client.get_product(pid=link.pid, with_inventory=True),
        apply=apply,
        counts=product_walk.new_counts("changed", "repriced", "pending", "unchanged"),
        summarize=_summary,
        purpose=points_budget.STOCK,
        cost=CHECK_COST,
    )


def _apply_detail(link: CJProductLink, detail: ProductDetail, counts: product_walk.Counts) -> None:
    """Stock and cost of every variant from one product/query answer; remember whether the stock fell."""
    before = sum(v.variant.stock for v in link.variant_links.select_related("variant"))
    inventory = ProductInventory(
        by_variant={v.vid: list(v.inventories) for v in detail.variants if v.vid}, by_country=[]
    )
    stock_sync._apply_inventory(link, inventory, counts)
    price_sync._apply_prices(link, detail, counts)
    after = sum(v.variant.stock for v in link.variant_links.select_related("variant"))
    CJProductLink.objects.filter(pk=link.pk).update(stock_falling=after < before)


def checked_before_order(pid: str, inventory: ProductInventory) -> None:
    """The inventory read just before an order is placed is the freshest there is: keep it."""
    link = CJProductLink.objects.filter(pid=pid).prefetch_related("variant_links").first()
    if link is not None:
        stock_sync._apply_inventory(link, inventory, product_walk.new_counts("changed"))


def _summary(counts: product_walk.Counts, problems: list[str]) -> dict:
    return product_walk.summary(
        counts, problems, [_("Vérification planifiée (stock et prix en un appel par produit)")]
    )


# --- freshness achieved -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    sold_p50_h: float | None
    sold_p95_h: float | None
    all_p50_h: float | None
    all_p95_h: float | None
    never: int


def _pct(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))]


def achieved(*, now: datetime | None = None) -> Freshness:
    """Age of the stock (hours since CJ last told us, by a check or a webhook) for sold and all products."""
    now = now or timezone.now()
    sold_line = OrderLine.objects.filter(
        variant__cj_link__product_link=OuterRef("pk"), order__paid_at__gte=now - SOLD_WINDOW
    )
    rows = CJProductLink.objects.annotate(
        sold=Exists(sold_line), oldest=Min("variant_links__last_synced_at")
    ).values_list("oldest", "sold")
    ages, sold_ages, never = [], [], 0
    for synced, sold in rows:
        if synced is None:
            never += 1
            continue
        age = (now - synced).total_seconds() / 3600
        ages.append(age)
        if sold:
            sold_ages.append(age)
    return Freshness(
        sold_p50_h=_pct(sold_ages, 50),
        sold_p95_h=_pct(sold_ages, 95),
        all_p50_h=_pct(ages, 50),
        all_p95_h=_pct(ages, 95),
        never=never,
    )
