""" "Nouvelles variantes CJ": the tabs (new, ignored, imported) and Importer / Ignorer / Rouvrir."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_POST

from kamri.cj.models import NewCJVariant
from kamri.cj.sync import new_variants as service
from kamri.core.listing import paginate, selected_ids

Status = NewCJVariant.Status


def _tab(value: str) -> str:
    return value if value in Status.values else Status.NEW


def new_variants(request: HttpRequest) -> HttpResponse:
    status = _tab(request.GET.get("statut", ""))
    page, keep = paginate(request, service.listed(status))
    return render(
        request,
        "cj/new_variants.html",
        {
            "page": page,
            "keep": keep,
            "rows": service.priced(page.object_list),
            "status": status,
            "counts": service.counts(),
        },
    )


@require_POST
def new_variant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, [pk])


@require_POST
def new_variants_bulk(request: HttpRequest) -> HttpResponse:
    ids = selected_ids(request)
    if not ids:
        messages.warning(request, _("Cochez au moins une variante."))
        return _back(request)
    return _act(request, ids)


#: Ignorer / Rouvrir: the service call and what it says (plural forms chosen by "n").
_STATUS_ACTIONS = {
    "ignore": (
        service.ignore_many,
        ngettext_lazy(
            "%(n)s variante ignorée : elle reste dans l'onglet « Ignorées ».",
            "%(n)s variantes ignorées : elles restent dans l'onglet « Ignorées ».",
            "n",
        ),
    ),
    "reopen": (
        service.reopen,
        ngettext_lazy(
            "%(n)s variante rouverte : elle attend à nouveau votre décision.",
            "%(n)s variantes rouvertes : elles attendent à nouveau votre décision.",
            "n",
        ),
    ),
}


def _act(request: HttpRequest, ids: list[int]) -> HttpResponse:
    action = request.POST.get("action", "")
    if action == "import":
        for level, text in service.import_many(ids).messages():
            getattr(messages, level)(request, text)
    elif action in _STATUS_ACTIONS:
        change, text = _STATUS_ACTIONS[action]
        count = change(ids)
        if count:
            messages.success(request, text % {"n": count})
        else:
            messages.info(
                request, _("Rien à faire : ces variantes ont déjà été traitées ou n'existent plus.")
            )
    else:
        messages.error(request, _("Action inconnue."))
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the tab the admin acted from."""
    status = _tab(request.POST.get("statut", ""))
    url = reverse("cj:new_variants")
    return redirect(url if status == Status.NEW else f"{url}?statut={status}")
