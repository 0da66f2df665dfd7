from django.shortcuts import get_object_or_404, render

from kamri.core.listing import paginate
from kamri.orders.models import Order
from kamri.orders.selectors import admin_order_list


def order_list(request):
    filters = {
        "query": request.GET.get("q", "").strip(),
        "status": request.GET.get("status", ""),
        "country": request.GET.get("country", "").strip(),
        "paid": request.GET.get("paid", ""),
    }
    page, keep = paginate(request, admin_order_list(**filters))
    countries = Order.objects.order_by("country").values_list("country", flat=True).distinct()
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "keep": keep,
            "filters": filters,
            "statuses": Order.Status.choices,
            "countries": countries,
        },
    )


def order_detail(request, number: str):
    order = get_object_or_404(Order, number=number)
    return render(
        request,
        "orders/order_detail.html",
        {"order": order, "lines": order.lines.select_related("variant"), "events": order.events.all()},
    )
