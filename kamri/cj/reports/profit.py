"""The Rapport de marge: per-order figures stored by their own SQL (ProfitLine, ProfitDay), summed per period.

Every figure is one SQL aggregate (no per-row query): the report's query count does not grow with data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, overload

from django.db import connection, transaction
from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from kamri.cj.models import (
    CJOrder,
    CJSettings,
    ProfitDay,
    ProfitLine,
)
from kamri.cj.orders.disputes import credits_between
from kamri.cj.selectors import (
    CJ_LINE,
    rate,
)
from kamri.core.money import cents_sql, half_up_sql, share_sql
from kamri.core.periods import Period
from kamri.orders.fees import estimated_fee_cents_sql
from kamri.orders.models import OrderLine, Payment, Refund
from kamri.orders.selectors import paid_orders, refunds_between
from kamri.orders.vat import included_vat_cents_sql

# --- Profit report
#
# It covers the sales CJ fulfils: the CJ products of paid orders whose CJ order is placed (CJ's costs are then
# known). The rest of the period's cash (the Tableau de bord's "chiffre d'affaires encaissé", one definition in
# kamri.orders.selectors.paid_orders) is accounted for beside it: the shop's own products, which never go to CJ,
# and CJ products whose CJ order is not placed yet.


class ProfitFigures:
    """Revenue net of VAT − CJ goods − CJ shipping − payment fees − refunds net of VAT = profit, and the
    margin on that revenue (one order or a total).

    A refund counts in its order's period (whenever it was made): an order's row is final once its refunds are,
    and the report of a past period changes when one of its orders is refunded later."""

    revenue: Decimal  # net of VAT
    goods: Decimal
    shipping: Decimal
    fees: Decimal
    refunds: Decimal  # net of VAT

    @property
    def cost(self) -> Decimal:
        return self.goods + self.shipping

    @property
    def profit(self) -> Decimal:
        return self.revenue - self.goods - self.shipping - self.fees - self.refunds

    @property
    def margin_percent(self) -> Decimal | None:
        return rate(self.profit, self.revenue)


@dataclass(frozen=True)
class ProfitRow(ProfitFigures):
    order_id: int
    number: str
    paid_at: datetime | None
    currency: str
    # The order's CJ sales: its total minus its own products (a mixed order has some), which stay outside.
    revenue_ttc: Decimal
    vat: Decimal
    revenue: Decimal  # revenue_ttc − vat
    own_revenue: Decimal
    shipping_charged: Decimal  # what the customer paid for delivery, net of VAT
    goods_usd: Decimal
    shipping_usd: Decimal
    goods: Decimal
    shipping: Decimal  # what CJ charged for delivery
    fees: Decimal
    refunds: Decimal  # the order's succeeded refunds net of its VAT rate (its CJ share for a mixed order)


@dataclass(frozen=True)
class ProfitTotals(ProfitFigures):
    orders: int
    revenue_ttc: Decimal
    vat: Decimal
    revenue: Decimal
    shipping_charged: Decimal
    goods: Decimal
    shipping: Decimal
    fees: Decimal
    refunds: Decimal
    goods_usd: Decimal
    shipping_usd: Decimal


class Sales(NamedTuple):
    """A number of orders and what they brought in (the store's currency)."""

    orders: int
    revenue: Decimal


@dataclass(frozen=True)
class SalesBreakdown:
    """The period's cash split by who fulfils it: paid = costed CJ sales + waiting CJ sales + own products.

    A mixed order (own and CJ products) has its own products in `own` and the rest in one CJ line, so the
    amounts always add up to `paid`; its order counts in both lines (`mixed` says how many such orders).
    """

    paid: Sales  # every paid order of the period, not cancelled: the Tableau de bord's definition
    cj_costed: Sales  # CJ products whose CJ order is placed: the report's margin
    cj_waiting: Sales  # CJ products whose CJ order is not placed yet: their cost is not known
    own: Sales  # the shop's own products: never ordered from CJ, their cost is not tracked here
    mixed: int


NO_REFUNDS = Sales(0, Decimal("0"))


class ProfitRows(Sequence[ProfitRow]):
    """The report's rows, read from the database a page at a time (never the whole period in memory): its
    length is known from the totals, a slice costs one query for that slice, iterating reads chunks."""

    CHUNK = 2000

    def __init__(self, period: Period, usd_rate: Decimal, count: int) -> None:
        self.period, self.usd_rate, self.count = period, usd_rate, count

    def __len__(self) -> int:
        return self.count

    @overload
    def __getitem__(self, index: int) -> ProfitRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ProfitRow]: ...
    def __getitem__(self, index: int | slice) -> ProfitRow | list[ProfitRow]:
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            if step != 1:
                return list(self)[index]
            return _rows(self.period, self.usd_rate, offset=start, limit=max(stop - start, 0))
        position = index + self.count if index < 0 else index
        if not 0 <= position < self.count:
            raise IndexError(index)
        return _rows(self.period, self.usd_rate, offset=position, limit=1)[0]

    def __iter__(self) -> Iterator[ProfitRow]:
        after: tuple[datetime, int] | None = None
        while True:
            chunk = _rows(self.period, self.usd_rate, limit=self.CHUNK, after=after)
            yield from chunk
            if len(chunk) < self.CHUNK:
                return
            after = (chunk[-1].paid_at, chunk[-1].order_id)


@dataclass(frozen=True)
class ProfitReport:
    period: Period
    usd_rate: Decimal
    rows: Sequence[ProfitRow]
    totals: ProfitTotals
    by_day: list[tuple[date, ProfitTotals]]
    sales: SalesBreakdown
    #: money given back to customers in the period (kamri.orders refunds, by the day they were made), shown
    #: beside the sales; the rows deduct their own order's refunds instead (ProfitFigures)
    refunds: Sales = NO_REFUNDS
    #: CJ's refunds to the balance decided in the period (disputes): (disputes, USD, store currency)
    cj_credits: tuple[int, Decimal, Decimal] = (0, Decimal("0"), Decimal("0"))


MONEY_SUM = DecimalField(max_digits=14, decimal_places=2)


def profit_orders(period: Period | None) -> QuerySet:
    """The period's paid orders (all of them without a period; kamri.orders.selectors.paid_orders) with what
    the report needs to split them: their placed CJ orders' costs, whether they hold CJ products, the amount of
    their own products and their succeeded refunds. One value per order (subqueries, no join)."""
    start, end = period.bounds() if period is not None else (None, None)
    lines = OrderLine.objects.filter(order=OuterRef("pk")).order_by()
    placed = CJOrder.objects.filter(order=OuterRef("pk"), state=CJOrder.State.PLACED).order_by()

    def summed(rows: QuerySet, amount) -> Coalesce:
        total = rows.values("order").annotate(amount=Sum(amount, output_field=MONEY_SUM)).values("amount")
        return Coalesce(Subquery(total), Decimal("0"), output_field=MONEY_SUM)

    return (
        paid_orders(since=start, until=end)
        .annotate(
            placed=Exists(placed),
            goods_usd=summed(placed, "product_amount_usd"),
            shipping_usd=summed(placed, Coalesce("postage_amount_usd", "freight_usd")),
            has_cj_lines=Exists(lines.filter(CJ_LINE)),
            has_cj_order=Exists(
                CJOrder.objects.filter(order=OuterRef("pk")).exclude(state=CJOrder.State.CANCELLED)
            ),
            own_lines=summed(lines.exclude(CJ_LINE), F("unit_price") * F("quantity")),
            refunded=summed(
                Refund.objects.filter(order=OuterRef("pk"), status=Refund.Status.SUCCEEDED).order_by(),
                "amount",
            ),
            # Stripe's own fee once its balance transaction told it (NULL while unknown: the estimate applies)
            known_fee=Subquery(
                Payment.objects.filter(
                    order=OuterRef("pk"), status=Payment.Status.SUCCEEDED, fee__isnull=False
                )
                .order_by()
                .values("order")
                .annotate(amount=Sum("fee", output_field=MONEY_SUM))
                .values("amount")
            ),
        )
        .order_by("paid_at", "id")
    )


#: What profit_orders gives the SQL below, in this order.
_BASE_COLUMNS = ("id", "number", "paid_at", "currency", "total", "vat_total", "vat_rate", "shipping_total",
                 "placed", "goods_usd", "shipping_usd", "has_cj_lines", "has_cj_order", "own_lines", "refunded",
                 "known_fee")  # fmt: skip
OWN, WAITING, COSTED = 0, 1, 2


def _figures_sql(usd_rate: Decimal) -> str:
    """Each order's figures in whole cents, from the `base` rows: the one definition of a row of the report.

    kind: the shop's own products only (OWN: no CJ product and no CJ order — its CJ product may have been
    deleted since), CJ products whose CJ order is not placed (WAITING), or placed (COSTED, in the margin).
    own_c: its own products (all of it for OWN; at most its total); cj_c: the rest, the CJ sale.
    CJ costs: USD cents × the shop's rate, rounded per order; VAT, fee and refunds pro rata for a mixed order.
    The fee: the payment provider's own (Stripe's, read from its balance transaction) when known, else the
    configured estimate (KAMRI_PAYMENT_FEE_PERCENT / _FIXED).
    """
    rate_ten_thousandths = int((usd_rate * 10_000).to_integral_value(rounding=ROUND_HALF_UP))
    st, rf, bp = "b.shipping_total_c", "b.refunded_c", "b.vat_bp"
    # Only fixed text and integers computed here go into this SQL; every input is a parameter.
    return f"""
SELECT b.*, (b.t - b.own_c) AS cj_c FROM (
  SELECT b.*,
    CASE WHEN b.kind = {OWN} THEN b.t WHEN b.has_cj_lines THEN (CASE WHEN b.ol < b.t THEN b.ol ELSE b.t END)
         ELSE 0 END AS own_c,
    {half_up_sql(f"b.gu * {rate_ten_thousandths}", "10000")} AS goods_c,
    {half_up_sql(f"b.su * {rate_ten_thousandths}", "10000")} AS ship_c,
    COALESCE(b.kf, {estimated_fee_cents_sql("b.t")}) AS fee_all_c,
    ({rf} - {included_vat_cents_sql(rf, bp)}) AS ref_all_c,
    ({st} - {included_vat_cents_sql(st, bp)}) AS ship_charged_c
  FROM (
    SELECT b.id, b.number, b.paid_at, b.currency, b.has_cj_lines,
      CASE WHEN NOT (b.has_cj_lines OR b.has_cj_order) THEN {OWN} WHEN NOT b.placed THEN {WAITING}
           ELSE {COSTED} END AS kind,
      {cents_sql("b.total")} AS t, {cents_sql("b.vat_total")} AS vat_all_c, {cents_sql("b.vat_rate")} AS vat_bp,
      {cents_sql("b.shipping_total")} AS shipping_total_c, {cents_sql("b.goods_usd")} AS gu,
      {cents_sql("b.shipping_usd")} AS su, {cents_sql("b.own_lines")} AS ol, {cents_sql("b.refunded")} AS refunded_c,
      {cents_sql("b.known_fee")} AS kf
    FROM base b
  ) b
) b"""  # noqa: S608


def _shared_sql() -> dict[str, str]:
    """The order-wide amounts' CJ share, and the resulting figures, over a row of _figures_sql (alias f)."""
    vat = share_sql("f.vat_all_c", "f.cj_c", "f.t")
    return {
        "vat": vat,
        "fees": share_sql("f.fee_all_c", "f.cj_c", "f.t"),
        "refunds": share_sql("f.ref_all_c", "f.cj_c", "f.t"),
    }


def _with_base(queryset: QuerySet, usd_rate: Decimal) -> tuple[str, list[object]]:
    """`WITH base AS MATERIALIZED (the ORM's rows), fig AS (their figures)`: each order's subqueries run once."""
    inner, params = queryset.order_by().values_list(*_BASE_COLUMNS).query.sql_with_params()
    return (
        f"WITH base({', '.join(_BASE_COLUMNS)}) AS MATERIALIZED ({inner}), fig AS ({_figures_sql(usd_rate)})",
        list(params),
    )


def _midnights(period: Period) -> list[datetime]:
    """The local midnight starting each day of the period, and the one ending it (days + 1 moments)."""
    zone = timezone.get_current_timezone()
    days = (period.end - period.start).days + 1
    return [
        timezone.make_aware(datetime.combine(period.start + timedelta(days=day), time.min), zone)
        for day in range(days + 1)
    ]


def _day_index(period: Period) -> tuple[str, list[object]]:
    """The day of the period (0 = its first) each f.paid_at falls on, in the admin's zone (summer time
    included): a balanced CASE over the local midnights, about log2(days) comparisons per order."""
    days = (period.end - period.start).days + 1
    midnights = [connection.ops.adapt_datetimefield_value(moment) for moment in _midnights(period)[:-1]]

    def tree(low: int, high: int) -> tuple[str, list[object]]:
        if low == high:
            return str(low), []
        middle = (low + high + 1) // 2
        left, left_params = tree(low, middle - 1)
        right, right_params = tree(middle, high)
        return f"(CASE WHEN f.paid_at < %s THEN {left} ELSE {right} END)", [
            midnights[middle],
            *left_params,
            *right_params,
        ]

    return tree(0, days - 1)


def _money(value: int | None) -> Decimal:
    return Decimal(value or 0).scaleb(-2)


def _line_select(usd_rate: Decimal) -> tuple[str, str]:
    """`fig`'s rows as the columns of a ProfitLine (its basis is the first parameter): the one place the report's
    figures are computed, read by `fill_profit_lines` and compared by `profit_line_differences`."""
    shared = _shared_sql()
    columns = ", ".join(LINE_COLUMNS)
    select = f"""SELECT f.id, f.paid_at, %s, f.kind, f.t, f.cj_c, f.own_c, {shared["vat"]}, f.ship_charged_c, f.gu,
       f.su, f.goods_c, f.ship_c, {shared["fees"]}, {shared["refunds"]}
FROM fig f"""  # noqa: S608 (fixed text; every input is a parameter)
    return columns, select


#: A ProfitLine's columns, in the order _line_select gives them.
LINE_COLUMNS = ("order_id", "paid_at", "basis", "kind", "total_c", "cj_c", "own_c", "vat_c", "shipping_charged_c",
                "goods_usd_c", "shipping_usd_c", "goods_c", "shipping_c", "fees_c", "refunds_c")  # fmt: skip


def profit_basis(usd_rate: Decimal) -> str:
    """What a stored line was computed with: a digest of the figures' SQL, which embeds the USD rate and the
    payment fee rule. Another rate, fee rule or rule of the SQL gives another basis: every line is then missing,
    never wrong."""
    return hashlib.sha256(_figures_sql(usd_rate).encode()).hexdigest()[:40]


def _paid_between(period: Period) -> dict[str, datetime]:
    start, end = period.bounds()
    return {"paid_at__gte": start, "paid_at__lt": end}


def fill_profit_lines(
    period: Period | None = None, *, usd_rate: Decimal | None = None, order_ids: Iterable[int] | None = None
) -> int:
    """Write the line of every paid order (of the period, or all; or of these orders) that has none of the
    current basis, from the report's SQL in one statement (an upsert: a line of another basis is replaced), and
    forget the sums of their days. Returns how many."""
    usd_rate = CJSettings.load().usd_rate if usd_rate is None else usd_rate
    basis = profit_basis(usd_rate)
    fresh = ProfitLine.objects.filter(order=OuterRef("pk"), basis=basis)
    candidates = (
        profit_orders(period) if order_ids is None else profit_orders(period).filter(id__in=order_ids)
    )
    missing = list(candidates.filter(~Exists(fresh)).values_list("id", "paid_at"))
    if not missing:
        return 0
    with transaction.atomic():  # the days forgotten and the lines written at once
        ProfitDay.forget_at(paid_at for _id, paid_at in missing)  # their days are summed again
        orders = profit_orders(None)
        many = len(missing) > ProfitDay.MANY and order_ids is None
        if many:  # every day's sums are gone (forget_at): orders paid since this list may come along
            orders = orders.filter(~Exists(fresh), **({} if period is None else _paid_between(period)))
        else:
            orders = orders.filter(id__in=[order_id for order_id, _paid_at in missing])
        head, params = _with_base(orders, usd_rate)
        columns, select = _line_select(usd_rate)
        updates = ", ".join(f"{name} = excluded.{name}" for name in LINE_COLUMNS[1:])
        sql = f"""INSERT INTO {ProfitLine._meta.db_table} ({columns}) {head}
{select} WHERE 1 = 1 ON CONFLICT (order_id) DO UPDATE SET {updates}"""
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, basis])
            return max(cursor.rowcount, 0)


def refresh_profit_lines() -> int:
    """The periodic job's work: drop the lines of orders no longer paid (or paid at another time), then fill
    every missing line. A safety net: each write path already forgets the lines it changes."""
    still_paid = paid_orders().filter(pk=OuterRef("order_id"), paid_at=OuterRef("paid_at"))
    ProfitLine.forget(ProfitLine.objects.filter(~Exists(still_paid)).values("order_id"))
    written = fill_profit_lines()
    if connection.vendor != "sqlite":
        # SQLite's immediate transactions serialise a day's sum with the writes of its lines; elsewhere a day
        # summed during a concurrent change could miss it: day sums are a cache, dropped here, so such a day
        # lasts until this job at most.
        ProfitDay.objects.all().delete()
    return written


def rebuild_profit_lines() -> int:
    """Every line computed again from the report's SQL (the command `profit_lines --rebuild`)."""
    with transaction.atomic():
        ProfitLine.objects.all().delete()
        ProfitDay.objects.all().delete()
        return fill_profit_lines()


def profit_line_differences(period: Period | None = None, *, wrong_only: bool = False) -> int:
    """How many stored lines differ from what the report's SQL computes now (missing, extra, or other figures:
    a changed line counts twice): 0 when the table is exact; the check of `profit_lines --check` and of the
    tests. `wrong_only`: only the stored lines of the current basis that differ, the ones the report would sum
    (a line not written yet is not wrong: the report writes it)."""
    usd_rate = CJSettings.load().usd_rate
    basis = profit_basis(usd_rate)
    head, params = _with_base(profit_orders(period), usd_rate)
    columns, select = _line_select(usd_rate)
    stored = ProfitLine.objects.filter(basis=basis) if wrong_only else ProfitLine.objects.all()
    if period is not None:
        start, end = period.bounds()
        stored = stored.filter(paid_at__gte=start, paid_at__lt=end)
    stored_sql, stored_params = stored.values_list(*LINE_COLUMNS).query.sql_with_params()
    sql = f"""{head}, live({columns}) AS ({select}), stored({columns}) AS ({stored_sql})
SELECT {"0" if wrong_only else "(SELECT COUNT(*) FROM (SELECT * FROM live EXCEPT SELECT * FROM stored) d)"}
     + (SELECT COUNT(*) FROM (SELECT * FROM stored EXCEPT SELECT * FROM live) d)"""  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, basis, *stored_params])
        return cursor.fetchone()[0]


def _period_lines(period: Period, usd_rate: Decimal) -> QuerySet:
    start, end = period.bounds()
    return ProfitLine.objects.filter(paid_at__gte=start, paid_at__lt=end, basis=profit_basis(usd_rate))


def _rows(
    period: Period,
    usd_rate: Decimal,
    *,
    limit: int,
    offset: int = 0,
    after: tuple[datetime, int] | None = None,
) -> list[ProfitRow]:
    """The COSTED rows in (paid_at, id) order: `limit` of them from `offset`, or after a (paid_at, id) key,
    read from the stored lines (profit_report has filled the period's)."""
    lines = _period_lines(period, usd_rate).filter(kind=COSTED)
    if after is not None:
        lines = lines.filter(Q(paid_at__gt=after[0]) | Q(paid_at=after[0], order_id__gt=after[1]))
    found = lines.order_by("paid_at", "order_id").values_list(
        "order_id", "order__number", "paid_at", "order__currency", "cj_c", "vat_c", "own_c", "shipping_charged_c",
        "goods_usd_c", "shipping_usd_c", "goods_c", "shipping_c", "fees_c", "refunds_c",
    )[offset : offset + limit]  # fmt: skip
    return [
        ProfitRow(
            order_id=order_id,
            number=number,
            paid_at=paid_at,
            currency=currency,
            revenue_ttc=_money(cj),
            vat=_money(vat),
            revenue=_money(cj - vat),
            own_revenue=_money(own),
            shipping_charged=_money(charged),
            goods_usd=_money(gu),
            shipping_usd=_money(su),
            goods=_money(goods),
            shipping=_money(ship),
            fees=_money(fees),
            refunds=_money(refunds),
        )
        for order_id, number, paid_at, currency, cj, vat, own, charged, gu, su, goods, ship, fees, refunds in found
    ]


_SUMMED = ("revenue_ttc", "vat", "shipping_charged", "goods", "shipping", "fees", "refunds", "goods_usd",
           "shipping_usd")  # fmt: skip


def _add(totals: list[ProfitTotals]) -> ProfitTotals:
    summed = {name: sum((getattr(one, name) for one in totals), Decimal("0.00")) for name in _SUMMED}
    return ProfitTotals(
        orders=sum(one.orders for one in totals), revenue=summed["revenue_ttc"] - summed["vat"], **summed
    )


#: A day's sums for one kind, as _day_groups gives them after (day index, kind): ProfitDay's columns.
DAY_SUMS = ("orders", "total_c", "cj_c", "own_c", "own_orders", "mixed_orders", "vat_c", "shipping_charged_c",
            "goods_c", "shipping_c", "fees_c", "refunds_c", "goods_usd_c", "shipping_usd_c")  # fmt: skip
KINDS = (OWN, WAITING, COSTED)


def _sum_lines(period: Period, usd_rate: Decimal) -> dict[tuple[int, int], tuple]:
    """The period's stored lines summed per (day index, kind), in one query."""
    lines, params = _period_lines(period, usd_rate).values_list(*LINE_COLUMNS).query.sql_with_params()
    day, day_params = _day_index(period)
    sql = f"""WITH f({", ".join(LINE_COLUMNS)}) AS ({lines})
SELECT {day} AS day, f.kind, COUNT(*), SUM(f.total_c), SUM(f.cj_c), SUM(f.own_c),
       SUM(CASE WHEN f.kind = {OWN} OR f.own_c > 0 THEN 1 ELSE 0 END),
       SUM(CASE WHEN f.kind <> {OWN} AND f.own_c > 0 THEN 1 ELSE 0 END),
       SUM(f.vat_c), SUM(f.shipping_charged_c), SUM(f.goods_c), SUM(f.shipping_c), SUM(f.fees_c),
       SUM(f.refunds_c), SUM(f.goods_usd_c), SUM(f.shipping_usd_c)
FROM f GROUP BY 1, 2"""  # noqa: S608 (fixed text; every input is a parameter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *day_params])
        return {(index, kind): tuple(sums) for index, kind, *sums in cursor.fetchall()}


def _day_groups(period: Period, usd_rate: Decimal) -> list[tuple]:
    """(day index, kind, *DAY_SUMS) of every day and kind of the period that has orders, in that order.

    Read from the stored day sums (ProfitDay); the days without them (first read, or a line changed) are summed
    from the lines in one query, from the first such day to the last, and stored."""
    basis = profit_basis(usd_rate)
    midnights = _midnights(period)
    stored = {
        (start, kind): tuple(sums)
        for start, kind, *sums in ProfitDay.objects.filter(
            basis=basis, start__gte=midnights[0], start__lt=midnights[-1]
        ).values_list("start", "kind", *DAY_SUMS)
    }
    missing = [
        index
        for index, start in enumerate(midnights[:-1])
        if any((start, kind) not in stored for kind in KINDS)
    ]
    if missing:
        _sum_days(period, usd_rate, basis, midnights, missing, stored)
    return [
        (index, kind, *stored[start, kind])
        for index, start in enumerate(midnights[:-1])
        for kind in KINDS
        if stored[start, kind][0]
    ]


def _sum_days(period, usd_rate, basis, midnights, missing, stored) -> None:
    """Sum the lines from the first missing day to the last, store the days not stored yet (into `stored` too).
    One transaction (SQLite's are immediate: no line of these days changes between the sum and the store)."""
    first, last = missing[0], missing[-1]
    part = Period(period.start + timedelta(days=first), period.start + timedelta(days=last))
    with transaction.atomic():
        found = _sum_lines(part, usd_rate)
        zeros = (0,) * len(DAY_SUMS)
        new = []
        for index in range(first, last + 1):
            start, end = midnights[index], midnights[index + 1]
            for kind in KINDS:
                sums = tuple(value or 0 for value in found.get((index - first, kind), zeros))
                if (start, kind) not in stored:
                    new.append(
                        ProfitDay(
                            basis=basis,
                            start=start,
                            end=end,
                            kind=kind,
                            **dict(zip(DAY_SUMS, sums, strict=True)),
                        )
                    )
                stored[start, kind] = sums
        ProfitDay.objects.bulk_create(new, ignore_conflicts=True)


def _paid_check(period: Period) -> tuple[int, int]:
    """The period's paid orders: how many, and their totals in cents (what the period's lines add up to)."""
    start, end = period.bounds()
    inner, params = paid_orders(since=start, until=end).order_by().values("total").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), SUM({cents_sql('p.total')}) FROM ({inner}) p", params)  # noqa: S608
        count, total = cursor.fetchone()
    return count, total or 0


def _checked(groups: list[tuple]) -> tuple[int, int]:
    """What _paid_check must equal: the day groups' orders and totals."""
    return sum(group[2] for group in groups), sum(group[3] for group in groups)


def profit_report(period: Period) -> ProfitReport:
    """CJ sales − CJ goods − CJ shipping (USD × the shop's rate, rounded per order) − payment fees − refunds
    = profit, and where the rest of the period's cash comes from.

    The database computes each order's figures in whole cents (exact, rounded per order) once and stores them
    (ProfitLine, filled here for any order of the period that has no line of the current basis), and their sums
    per day (ProfitDay, summed again for a day whose lines changed); totals are the sum of the days, so the rows
    always add up to the totals. Rows are read a page at a time (`ProfitRows`).
    """
    usd_rate = CJSettings.load().usd_rate
    groups = _day_groups(period, usd_rate)
    # The lines must hold every paid order of the period and its total (lines only exist for paid orders and
    # each change forgets them): else the missing lines are written; then the days are summed again (a day
    # summed while a line was written); then the period's lines are written again (an order changed by a bulk
    # update, which sends no signal).
    expected = _paid_check(period)
    if _checked(groups) != expected:
        fill_profit_lines(period, usd_rate=usd_rate)
        groups = _day_groups(period, usd_rate)
    if _checked(groups) != expected:
        start, end = period.bounds()
        ProfitDay.objects.filter(start__gte=start, start__lt=end).delete()
        groups = _day_groups(period, usd_rate)
    if _checked(groups) != expected:
        ProfitLine.forget(list(_period_lines(period, usd_rate).values_list("order_id", flat=True)))
        fill_profit_lines(period, usd_rate=usd_rate)
        groups = _day_groups(period, usd_rate)
    paid = [0, 0]
    by_kind = {OWN: [0, 0], WAITING: [0, 0], COSTED: [0, 0]}
    own, mixed = [0, 0], 0
    by_day: list[tuple[date, ProfitTotals]] = []
    for index, kind, count, total, cj, own_c, own_count, mixed_count, *money in groups:
        paid[0], paid[1] = paid[0] + count, paid[1] + total
        by_kind[kind][0], by_kind[kind][1] = by_kind[kind][0] + count, by_kind[kind][1] + cj
        own[0], own[1], mixed = own[0] + own_count, own[1] + own_c, mixed + mixed_count
        if kind == COSTED:
            figures = dict(zip(("vat", "shipping_charged", "goods", "shipping", "fees", "refunds", "goods_usd",
                                "shipping_usd"), map(_money, money), strict=True))  # fmt: skip
            day_totals = ProfitTotals(
                orders=count,
                revenue_ttc=_money(cj),
                revenue=_money(cj) - figures["vat"],
                **figures,
            )
            by_day.append((period.start + timedelta(days=index), day_totals))
    totals = _add([day_totals for _day, day_totals in by_day])
    return ProfitReport(
        period=period,
        usd_rate=usd_rate,
        rows=ProfitRows(period, usd_rate, totals.orders),
        totals=totals,
        by_day=by_day,
        sales=SalesBreakdown(
            paid=Sales(paid[0], _money(paid[1])),
            cj_costed=Sales(by_kind[COSTED][0], _money(by_kind[COSTED][1])),
            cj_waiting=Sales(by_kind[WAITING][0], _money(by_kind[WAITING][1])),
            own=Sales(own[0], _money(own[1])),
            mixed=mixed,
        ),
        refunds=Sales(*refunds_between(*period.bounds())),
        cj_credits=credits_between(*period.bounds()),
    )
