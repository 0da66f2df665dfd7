import secrets

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.core.listing import paginate
from kamri.orders.address_forms import OrderAddressForm
from kamri.orders.invoice_pdf import invoice_response
from kamri.orders.models import Invoice, Order
from kamri.orders.selectors import admin_order_list, order_countries, order_money
from kamri.orders.services import mark_paid


def order_list(request):
    filters = {
        "query": request.GET.get("q", "")[:200].strip(),
        "status": request.GET.get("status", ""),
        "country": request.GET.get("country", "").strip(),
        "paid": request.GET.get("paid", ""),
    }
    page, keep = paginate(request, admin_order_list(**filters))
    countries = order_countries()
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
    return order_page(request, get_object_or_404(Order, number=number))


def order_page(request, order: Order, *, address_form=None, status: int = 200):
    """The store order page; a held order shows its address form (with its errors after a refused save)."""
    lines = list(order.lines.select_related("variant"))
    money = order_money(order)
    for line in lines:
        line.left_to_refund = money["line_left"].get(line.pk, 0)
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "lines": lines,
            "events": order.events.all(),
            "invoices": order.invoices.all(),
            "request_key": secrets.token_hex(16),  # one per page view: a double click refunds once
            "address_form": (address_form or OrderAddressForm(instance=order))
            if money["open_holds"]
            else None,
            **money,
        },
        status=status,
    )


def order_invoice(request, number: str, invoice: str):
    """The invoice PDF for the admin (staff only: the /admin/ middleware)."""
    found = get_object_or_404(Invoice.objects.select_related("order"), order__number=number, number=invoice)
    return invoice_response(found)


@require_POST
def order_mark_paid(request, number: str):
    """ "Marquer comme payée": staff only (the /admin/ middleware), POST + CSRF, at most once."""
    order = get_object_or_404(Order, number=number)
    if not (request.user.is_authenticated and request.user.is_staff):
        return redirect("core:login")
    if mark_paid(
        order, provider="manuel", label=_("marquée payée à la main"), by=request.user.get_username()
    ):
        messages.success(request, _("Commande %(number)s marquée comme payée.") % {"number": order.number})
    elif order.status == Order.Status.CANCELLED:
        messages.error(request, _("Cette commande est annulée : elle ne peut pas être marquée comme payée."))
    else:
        messages.info(request, _("Cette commande était déjà payée."))
    return redirect("orders:order_detail", number=order.number)
