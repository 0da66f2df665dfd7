"""Customer pages. Thin: the cart is `cart.Cart`, the rules are in kamri.orders.checkout / payments."""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import OperationalError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kamri.aftersales.delivery_news import carrier_history
from kamri.catalog.models import Category, Product
from kamri.catalog.texts import shop_texts
from kamri.core.security import local_redirect_target
from kamri.legal.services import current_cgv, record_cgv_acceptance
from kamri.orders import checkout, payments
from kamri.orders.checkout import orderable
from kamri.orders.countries import country_choices, country_name
from kamri.orders.invoice_pdf import invoice_response
from kamri.orders.models import Invoice, Order
from kamri.orders.shipping import product_delivery
from kamri.orders.tracking import tracking_for
from kamri.storefront.cart import Cart, CartError
from kamri.storefront.forms import CartLineForm, CheckoutForm
from kamri.storefront.selectors import availability, visible_products

RECENT_ORDERS_KEY = "kamri_recent_orders"
logger = logging.getLogger(__name__)


def home(request):
    query = request.GET.get("q", "")[:200].strip()
    category = None
    if request.GET.get("categorie"):
        category = Category.objects.filter(slug=request.GET["categorie"]).first()
    page = Paginator(visible_products(query=query, category=category), 24).get_page(request.GET.get("page"))
    return render(request, "storefront/home.html", {"page": page, "query": query, "category": category})


def product(request, slug: str):
    item = get_object_or_404(Product.objects.active().select_related("category"), slug=slug)
    variants = list(item.variants.active())
    images = [item.image_url] if item.image_url else []
    images += [image.url for image in item.images.all()]
    selected = next((variant for variant in variants if variant.in_stock), variants[0] if variants else None)
    for variant in variants:  # the page shows a label and the most one may order, never the supplier's figure
        variant.availability = availability(variant.stock)
        variant.orderable = orderable(variant.stock)
    country = Cart(request.session).country
    return render(
        request,
        "storefront/product.html",
        {
            "product": item,
            "texts": shop_texts(item, get_language() or "fr"),
            "variants": variants,
            "images": images,
            "selected": selected,
            "delivery": product_delivery(selected, country) if selected else None,
            "delivery_country": country_name(country),
        },
    )


# --- Cart -------------------------------------------------------------------------------------------


def _back(request: HttpRequest, default: str) -> str:
    return local_redirect_target(request, request.POST.get("next"), default)


def _form_error(form: CartLineForm) -> str:
    return next(iter(form.errors.values()))[0]


def cart_detail(request):
    cart = Cart(request.session)
    return render(request, "storefront/cart.html", {"quote": cart.quote(), "countries": country_choices()})


@require_POST
def cart_country(request):
    if not Cart(request.session).ship_to(request.POST.get("country", "")):
        messages.error(
            request, _("Nous ne livrons pas encore ce pays : choisissez-en un autre dans la liste.")
        )
    return redirect("storefront:cart")


@require_POST
def cart_add(request):
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect(_back(request, reverse("storefront:cart")))
    try:
        change = Cart(request.session).add(form.cleaned_data["variant"], form.cleaned_data["quantity"] or 1)
    except CartError as error:
        messages.error(request, str(error))
        return redirect(_back(request, reverse("storefront:cart")))
    if change.capped:
        messages.warning(
            request,
            _("« %(item)s » : quantité limitée à %(n)d, le stock disponible.")
            % {"item": change.variant, "n": change.quantity},
        )
    else:
        messages.success(request, _("« %(item)s » a été ajouté à votre panier.") % {"item": change.variant})
    return redirect("storefront:cart")


@require_POST
def cart_update(request):
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
        return redirect("storefront:cart")
    try:
        change = Cart(request.session).update(
            form.cleaned_data["variant"], form.cleaned_data["quantity"] or 0
        )
    except CartError as error:
        messages.error(request, str(error))
        return redirect("storefront:cart")
    if change is None:
        messages.success(request, _("L'article a été retiré de votre panier."))
    elif change.capped:
        messages.warning(
            request,
            _("« %(item)s » : quantité limitée à %(n)d, le stock disponible.")
            % {"item": change.variant, "n": change.quantity},
        )
    else:
        messages.success(request, _("Quantité mise à jour."))
    return redirect("storefront:cart")


@require_POST
def cart_remove(request):
    form = CartLineForm(request.POST)
    if form.is_valid() and Cart(request.session).remove(form.cleaned_data["variant"]):
        messages.success(request, _("L'article a été retiré de votre panier."))
    return redirect("storefront:cart")


# --- Checkout and payment ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def checkout_view(request):
    cart = Cart(request.session)
    quote = cart.quote()
    if not quote.lines:
        messages.info(request, _("Votre panier est vide."))
        return redirect("storefront:cart")
    if quote.problems:
        messages.error(
            request, _("Certains articles de votre panier ne sont plus disponibles : corrigez-le d'abord.")
        )
        return redirect("storefront:cart")

    cgv = current_cgv()
    status = 200
    if request.method == "POST":
        form = CheckoutForm(request.POST, cgv=cgv)
        visitor = get_client_ip_address(request) or ""
        if not checkout.checkout_allowed(visitor):
            form.add_error(None, checkout.rate_limited_message())
            status = 429
        elif form.is_valid():
            expected_total = form.cleaned_data.get("expected_total")
            if form.cleaned_data["country"] != cart.country:
                # Shipping and VAT follow the chosen country. The total shown was the old country's: when it
                # is still right, the prices did not change, and the payment page shows the new total.
                if expected_total == quote.total:
                    expected_total = None
                cart.ship_to(form.cleaned_data["country"])
                quote = cart.quote()
            try:
                order = checkout.place_order(
                    items=cart.items, address=form.address(), expected_total=expected_total
                )
            except checkout.CheckoutError as error:
                for problem in error.problems:
                    form.add_error(None, problem)
                quote = cart.quote()
            except OperationalError:  # the database stayed locked (SQLite under load): nothing was written
                logger.warning("checkout: database busy", exc_info=True)
                form.add_error(None, _("La boutique est très sollicitée : réessayez dans un instant."))
            else:
                if cgv is not None:
                    record_cgv_acceptance(order, cgv)
                checkout.count_checkout(visitor)
                cart.clear()
                recent = [order.access_key, *request.session.get(RECENT_ORDERS_KEY, [])][:10]
                request.session[RECENT_ORDERS_KEY] = recent
                return redirect("storefront:order_pay", access_key=order.access_key)
    else:
        form = CheckoutForm(cgv=cgv, initial={"country": cart.country})
    form.initial["expected_total"] = quote.total
    if form.is_bound:
        # show the current total in the hidden field, so a refreshed page can be submitted as it is shown
        data = form.data.copy()
        data["expected_total"] = str(quote.total)
        form.data = data
    return render(request, "storefront/checkout.html", {"form": form, "quote": quote}, status=status)


def _order(access_key: str) -> Order:
    return get_object_or_404(Order, access_key=access_key)


@require_http_methods(["GET", "POST"])
def order_pay(request, access_key: str):
    order = _order(access_key)
    if order.is_paid:
        return redirect("storefront:order_thanks", access_key=order.access_key)
    if order.status == Order.Status.CANCELLED:
        messages.error(request, _("Cette commande a été annulée : elle ne peut plus être payée."))
        return redirect("storefront:order", access_key=order.access_key)
    provider = payments.get_provider()
    thanks = reverse("storefront:order_thanks", args=[order.access_key])
    client_secret, card_error = "", ""
    if request.method == "POST":
        result = payments.start_payment(
            order,
            return_url=request.build_absolute_uri(thanks),
            data={"token": request.POST.get("token", "")},
        )
        if result.is_paid:
            return redirect(thanks)
        if result.status == payments.PaymentResult.REDIRECT and result.redirect_url:
            return redirect(result.redirect_url)
        if result.status == payments.PaymentResult.ACTION:
            client_secret = result.client_secret  # Stripe.js finishes 3-D Secure on this page
        elif provider.card_form:
            card_error = result.message or _("Le paiement n'a pas abouti. Vous pouvez réessayer.")
        else:
            messages.error(request, result.message or _("Le paiement n'a pas abouti. Vous pouvez réessayer."))
    return render(
        request,
        "storefront/payment.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "provider": provider,
            "country": country_name(order.country),
            "client_secret": client_secret,
            "card_error": card_error,
            "next_url": thanks,
            **payments.card_form_context(provider),
        },
    )


def order_thanks(request, access_key: str):
    order = _order(access_key)
    waiting = False
    if not order.is_paid and order.status != Order.Status.CANCELLED:
        state = payments.awaiting_confirmation(order)
        if state == payments.AWAITING:
            waiting = True  # the bank said yes; the order counts once Stripe's signed webhook arrives
        else:
            if state == payments.ABANDONED:
                messages.error(
                    request, _("Le paiement n'a pas abouti : rien n'a été débité. Vous pouvez réessayer.")
                )
            return redirect("storefront:order_pay", access_key=order.access_key)
    response = render(request, "storefront/thanks.html", {"order": order, "waiting": waiting})
    if waiting:
        response["Refresh"] = "2"
    return response


STEPS = [
    (Order.Status.PENDING, gettext_lazy("Commandée")),
    (Order.Status.CONFIRMED, gettext_lazy("Payée")),
    (Order.Status.SHIPPED, gettext_lazy("Expédiée")),
    (Order.Status.DELIVERED, gettext_lazy("Livrée")),
]


def order_detail(request, access_key: str):
    order = _order(access_key)
    ranks = [status for status, _label in STEPS]
    reached = ranks.index(order.status) if order.status in ranks else -1
    steps = [
        {"label": label, "done": index <= reached, "current": index == reached}
        for index, (_status, label) in enumerate(STEPS)
    ]
    response = render(
        request,
        "storefront/order.html",
        {
            "order": order,
            "lines": order.lines.all(),
            "steps": steps,
            "tracking": tracking_for(order),
            "country": country_name(order.country),
            "invoices": order.invoices.all(),
            "carrier_history": carrier_history(order),
            "aftersales_requests": order.aftersales_requests.prefetch_related("photos"),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def order_invoice(request, access_key: str, number: str):
    """The invoice (or credit note) PDF, from the private order page: the access key is the customer's proof."""
    invoice = get_object_or_404(
        Invoice.objects.select_related("order"), order__access_key=access_key, number=number
    )
    return invoice_response(invoice)
