"""Logs et métriques: the CJ API-call log with latency and error rate per endpoint."""

from django.shortcuts import render

from kamri.cj import selectors
from kamri.cj.models import CJApiCall
from kamri.cj.reports import dashboard as usage_figures
from kamri.core.listing import date_range, paginate


def api_calls(request):
    endpoint = request.GET.get("endpoint", "")
    outcome = request.GET.get("outcome", "")
    since, until = date_range(request)
    calls = selectors.api_calls(endpoint=endpoint, outcome=outcome, since=since, until=until)
    page, keep = paginate(request, calls, per_page=50)
    stats = selectors.endpoint_stats(calls)
    total = sum(row.calls for row in stats)
    failed = sum(row.errors for row in stats)
    return render(
        request,
        "cj/api_calls.html",
        {
            "usage": usage_figures.daily_usage(),
            "last_errors": usage_figures.last_errors(10),
            "page": page,
            "keep": keep,
            "stats": stats,
            "total": total,
            "failed": failed,
            "endpoints": CJApiCall.objects.order_by("endpoint").values_list("endpoint", flat=True).distinct(),
            "filters": {
                "endpoint": endpoint,
                "outcome": outcome,
                "from": request.GET.get("from", ""),
                "to": request.GET.get("to", ""),
            },
        },
    )
