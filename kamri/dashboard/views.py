from django.shortcuts import render

from kamri.dashboard.selectors import store_overview
from kamri.orders.models import Order


def home(request):
    overview = store_overview()
    status_rows = [
        (value, label, overview.orders_by_status.get(value, 0)) for value, label in Order.Status.choices
    ]
    return render(request, "dashboard/home.html", {"overview": overview, "status_rows": status_rows})
