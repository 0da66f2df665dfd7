"""CSV exports of the Rapport de marge and the CJ orders, in the admin's spreadsheet notation (never a secret)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import (
    QuerySet,
)
from django.utils import timezone
from django.utils.formats import date_format, get_format

from kamri.cj.models import (
    CJOrder,
)
from kamri.cj.reports.profit import ProfitReport, ProfitRow, ProfitTotals
from kamri.orders.models import Order

# --- CSV (never a secret: no access key, no token, no raw payload)


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: object) -> str:
    """Spreadsheet-safe text: a cell starting with = + - @ is not run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class CsvFormat:
    """How a spreadsheet in the admin's language reads a CSV file: French Excel splits cells on ";" and reads
    "11,98" as a number, English Excel splits on "," and reads "11.98". Numbers are never grouped (no thousands
    separator) and dates stay ISO, so the file remains machine-readable."""

    delimiter: str
    decimal_mark: str

    def number(self, value: Decimal | int) -> str:
        text = format(value, "f") if isinstance(value, Decimal) else str(value)
        return text.replace(".", self.decimal_mark)


def csv_format() -> CsvFormat:
    """The active language's convention: Django's DECIMAL_SEPARATOR ("," in French, "." in English)."""
    mark = str(get_format("DECIMAL_SEPARATOR"))
    return CsvFormat(delimiter=";" if mark == "," else ",", decimal_mark=mark)


def csv_cell(value: object, fmt: CsvFormat) -> str:
    """A number in the spreadsheet's notation; anything else as spreadsheet-safe text."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return fmt.number(value)
    return safe_cell(value)


def csv_lines(rows: Iterable[Iterable[object]], fmt: CsvFormat) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=fmt.delimiter)
    for row in rows:
        yield writer.writerow([csv_cell(cell, fmt) for cell in row])


PROFIT_CSV_HEADER = [
    "commande",
    "payee_le",
    "devise",
    "chiffre_affaires_ttc",
    "tva",
    "chiffre_affaires_ht",
    "livraison_facturee_ht",
    "cout_produits_usd",
    "cout_livraison_usd",
    "cout_produits",
    "cout_livraison",
    "frais_paiement",
    "remboursements_ht",
    "benefice",
    "marge_pourcent",
]


def _money_cells(figures: ProfitRow | ProfitTotals) -> list[object]:
    return [
        figures.revenue_ttc,
        figures.vat,
        figures.revenue,
        figures.shipping_charged,
        figures.goods_usd,
        figures.shipping_usd,
        figures.goods,
        figures.shipping,
        figures.fees,
        figures.refunds,
        figures.profit,
        "" if figures.margin_percent is None else figures.margin_percent,
    ]


def profit_csv_rows(report: ProfitReport) -> Iterator[list[object]]:
    yield PROFIT_CSV_HEADER
    zone = timezone.get_current_timezone()
    for row in report.rows:
        yield [
            row.number,
            date_format(row.paid_at.astimezone(zone), "SHORT_DATETIME_FORMAT") if row.paid_at else "",
            row.currency,
            *_money_cells(row),
        ]
    totals = report.totals
    yield [
        "TOTAL",
        f"{date_format(report.period.start, 'SHORT_DATE_FORMAT')} / "
        f"{date_format(report.period.end, 'SHORT_DATE_FORMAT')}",
        "",
        *_money_cells(totals),
    ]


ORDERS_CSV_HEADER = [
    "commande_kamri",
    "numero_cj",
    "identifiant_cj",
    "etat",
    "statut_cj",
    "statut_kamri",
    "client",
    "pays",
    "transporteur",
    "numero_suivi",
    "montant_produits_usd",
    "montant_livraison_usd",
    "montant_cj_usd",
    "vente",
    "devise",
    "creee_le",
    "passee_le",
]


def orders_csv_rows(rows: QuerySet) -> Iterator[list[object]]:
    yield ORDERS_CSV_HEADER
    zone = timezone.get_current_timezone()
    states = dict(CJOrder.State.choices)
    store_statuses = dict(Order.Status.choices)

    def stamp(value: datetime | None) -> str:
        return date_format(value.astimezone(zone), "SHORT_DATETIME_FORMAT") if value else ""

    for values in rows.values_list(
        "order__number",
        "order_number",
        "cj_order_id",
        "state",
        "cj_status",
        "order__status",
        "order__customer_name",
        "order__country",
        "logistic_name",
        "track_number",
        "product_amount_usd",
        "postage_amount_usd",
        "order_amount_usd",
        "order__total",
        "order__currency",
        "created_at",
        "placed_at",
    ).iterator(chunk_size=2000):
        (number, cj_number, cj_id, state, remote, store, customer, country, carrier, track) = values[:10]
        product_usd, postage_usd, order_usd, total, currency, created, placed = values[10:]
        yield [
            number,
            cj_number,
            cj_id or "",
            str(states.get(state, state)),
            remote,
            str(store_statuses.get(store, store)),
            customer,
            country,
            carrier,
            track,
            "" if product_usd is None else product_usd,
            "" if postage_usd is None else postage_usd,
            "" if order_usd is None else order_usd,
            total,
            currency,
            stamp(created),
            stamp(placed),
        ]
