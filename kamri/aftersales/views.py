"""The customer's after-sales pages, reached from the private order page: the access key is the proof."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kamri.aftersales import photos, policy, services
from kamri.aftersales.forms import ReportForm
from kamri.aftersales.models import CustomerRequest, RequestPhoto
from kamri.orders.models import Order


def _quantities(request: HttpRequest, order: Order) -> dict[int, int]:
    out = {}
    for line in order.lines.all():
        raw = request.POST.get(f"line_{line.pk}", "").strip()
        try:
            out[line.pk] = int(raw) if raw else 0
        except ValueError:
            out[line.pk] = 0
    return out


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, access_key: str) -> HttpResponse:
    """ "Signaler un problème": motif, articles, message, photos; the supplier's deadlines said up front."""
    order = get_object_or_404(Order, access_key=access_key)
    error = ""
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                row = services.create_request(
                    order,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    lines=_quantities(request, order),
                    uploads=request.FILES.getlist("photos"),
                    request_key=form.cleaned_data["request_key"],
                )
            except (services.RequestRefused, photos.PhotoRefused) as refused:
                error = refused.message
            else:
                return redirect(
                    reverse("storefront:order", args=[order.access_key]) + f"?demande={row.pk}#demandes"
                )
        else:
            error = _("Choisissez un motif et décrivez le problème.")
    else:
        form = ReportForm(
            initial={"request_key": secrets.token_urlsafe(16), "kind": request.GET.get("motif", "")}
        )
    posted = _quantities(request, order) if request.method == "POST" else {}
    kinds = [
        {"value": value, "label": label, "refusal": policy.refusal(order, value)}
        for value, label in CustomerRequest.Kind.choices
    ]
    response = render(
        request,
        "aftersales/report.html",
        {
            "order": order,
            "form": form,
            "kinds": kinds,
            "chosen_kind": form["kind"].value() or "",
            "lines": [
                (line, posted.get(line.pk, line.quantity if not posted else 0)) for line in order.lines.all()
            ],
            "deadlines": policy.deadlines(order),
            "error": error,
            "max_photos": settings.KAMRI_AFTERSALES_MAX_PHOTOS,
            "max_mb": settings.KAMRI_AFTERSALES_MAX_PHOTO_MB,
        },
        status=400 if error else 200,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _photo_response(photo: RequestPhoto) -> HttpResponse:
    data = photos.read(photo)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


def customer_photo(request: HttpRequest, access_key: str, token: str) -> HttpResponse:
    photo = get_object_or_404(RequestPhoto, token=token, request__order__access_key=access_key)
    return _photo_response(photo)


def staff_photo_response(token: str) -> HttpResponse:
    """For the admin view (kamri.cj's Retours et litiges), which checks staff and role first."""
    return _photo_response(get_object_or_404(RequestPhoto, token=token))


def evidence(request: HttpRequest, signed: str) -> HttpResponse:
    """The photo as evidence for the supplier's agents: a signed link that expires, given only to the dispute."""
    try:
        token = signing.loads(signed, salt=photos.EVIDENCE_SALT, max_age=photos.EVIDENCE_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    return _photo_response(get_object_or_404(RequestPhoto, token=token))
