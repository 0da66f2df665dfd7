"""Tableau de bord CJ (the CJ home): statistics, charts, critical problems and quick actions.

Reads only the database: the live connection status comes from CJ through the htmx fragment.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kamri.cj.reports import charts
from kamri.cj.reports import dashboard as figures
from kamri.cj.tiers import allowed_qps
from kamri.core.navigation import section_links

PRODUCT_SEARCHES = (
    (gettext_lazy("Coques de téléphone · stock US"), {"q": "phone case", "country": "US"}),
    (gettext_lazy("Montres · entrepôt France"), {"q": "watch", "country": "FR"}),
    (gettext_lazy("Colliers à moins de 10 $"), {"q": "necklace", "max_price": "10"}),
    (gettext_lazy("Nouveautés"), {"sort": "newest"}),
)


def _charts(board: figures.Dashboard) -> list[charts.BarChart]:
    days, orders = board.orders_chart
    hours, processed, errors = board.webhooks_chart
    call_hours, calls, call_errors = board.calls_chart
    return [
        charts.bar_chart(
            chart_id="chart-orders",
            title=_("Commandes CJ par jour (30 jours)"),
            labels=[bucket.label for bucket in days],
            bar_titles=[bucket.title for bucket in days],
            series=[charts.Series("brand", _("Commandes"), orders)],
            label_every=5,
        ),
        charts.bar_chart(
            chart_id="chart-webhooks",
            title=_("Webhooks par heure (24 h)"),
            labels=[bucket.label for bucket in hours],
            bar_titles=[bucket.title for bucket in hours],
            series=[
                charts.Series("ok", _("Traités"), processed),
                charts.Series("err", _("Erreurs"), errors),
            ],
            label_every=4,
        ),
        charts.bar_chart(
            chart_id="chart-calls",
            title=_("Appels à l'API CJ par heure (24 h)"),
            labels=[bucket.label for bucket in call_hours],
            bar_titles=[bucket.title for bucket in call_hours],
            series=[
                charts.Series("brand", _("Appels"), calls),
                charts.Series("err", _("Erreurs"), call_errors),
            ],
            label_every=4,
        ),
    ]


def _product_searches() -> list[tuple[str, str]]:
    return [(str(label), urlencode(params)) for label, params in PRODUCT_SEARCHES]


#: The "Actualiser" link: recompute the cached figures now, then show the page at its own address.
REFRESH_PARAM = "actualiser"


def dashboard(request: HttpRequest) -> HttpResponse:
    if request.GET.get(REFRESH_PARAM):
        figures.refresh_figures()
        return redirect(reverse("cj:home"))
    board = figures.dashboard()
    account = board.account
    order_chart, webhook_chart, calls_chart = _charts(board)
    return render(
        request,
        "cj/dashboard.html",
        {
            "board": board,
            "points": board.points,
            "refresh_param": REFRESH_PARAM,
            "account": account,
            "effective_qps": allowed_qps(account.tier, account.qps_limit) if account else None,
            "order_chart": order_chart,
            "webhook_chart": webhook_chart,
            "calls_chart": calls_chart,
            "product_searches": _product_searches(),
            "quick_actions": section_links("cj:home", request.user),
        },
    )
