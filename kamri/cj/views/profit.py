"""Rapport de marge, its CSV, and the CJ orders CSV."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation

from kamri.cj.reports import csv_export
from kamri.cj.reports import profit as profit_figures
from kamri.cj.selectors import OrderFilters, cj_orders
from kamri.core.periods import BadPeriod, Period, default_period, parse_period


def _period(request: HttpRequest) -> tuple[Period, dict[str, str]]:
    raw = {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")}
    try:
        period = parse_period(raw["from"], raw["to"])
    except BadPeriod as error:
        messages.error(request, str(error))
        period = default_period()
        raw = {"from": "", "to": ""}
    return period, raw


def profit(request: HttpRequest) -> HttpResponse:
    period, raw = _period(request)
    report = profit_figures.profit_report(period)
    page = Paginator(report.rows, 50).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "cj/profit.html",
        {
            "report": report,
            "page": page,
            "keep": keep.urlencode(),
            "filters": {
                "from": raw["from"] or period.start.isoformat(),
                "to": raw["to"] or period.end.isoformat(),
            },
        },
    )


def _csv(rows: Iterable[Iterable[object]], filename: str) -> StreamingHttpResponse:
    """Streamed in the request's language (labels, decimal mark, separator), even once the view has returned."""
    language = translation.get_language()
    fmt = csv_export.csv_format()

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so spreadsheet software reads the accents as UTF-8
        with translation.override(language):
            yield from csv_export.csv_lines(rows, fmt)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def profit_csv(request: HttpRequest) -> HttpResponse:
    period, _raw = _period(request)
    report = profit_figures.profit_report(period)
    name = f"kamri-marge-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return _csv(csv_export.profit_csv_rows(report), name)


def orders_csv(request: HttpRequest) -> HttpResponse:
    rows = cj_orders(OrderFilters.from_params(request.GET))
    name = f"kamri-commandes-cj-{timezone.localdate().isoformat()}.csv"
    return _csv(csv_export.orders_csv_rows(rows), name)
