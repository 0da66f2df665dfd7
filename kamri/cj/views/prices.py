""" "Changements de prix en attente" (approve / reject), and the stock / price synchronisation buttons."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kamri.cj import jobs
from kamri.cj.connection.account import NotConfigured, require_account
from kamri.cj.models import CJSettings, PriceChange, SyncRun
from kamri.cj.sync import catalog_sync, new_variants, price_sync, stock_sync
from kamri.core.listing import paginate, selected_ids
from kamri.core.templatetags.kamri import money


def price_changes(request: HttpRequest) -> HttpResponse:
    history, keep = paginate(request, price_sync.history())
    pending = list(price_sync.pending()[:500])
    return render(
        request,
        "cj/price_changes.html",
        {
            "pending": pending,
            "pending_count": price_sync.pending_count(),
            "page": history,
            "keep": keep,
            "settings_row": CJSettings.load(),
            "sync_cards": [
                (_("Synchronisation du stock"), SyncRun.objects.filter(kind=SyncRun.Kind.STOCK).first()),
                (_("Synchronisation des prix"), SyncRun.objects.filter(kind=SyncRun.Kind.PRICES).first()),
            ],
            "new_variants": new_variants.count_new(),
        },
    )


def _approve(request: HttpRequest) -> bool | None:
    action = request.POST.get("action", "")
    return {"approve": True, "reject": False}.get(action)


@require_POST
def price_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(PriceChange, pk=pk)
    approve = _approve(request)
    if approve is None:
        messages.error(request, _("Action inconnue."))
    elif catalog_sync.decide(change, approve=approve, by=request.user.get_username()):
        messages.success(
            request,
            (
                _("Nouveau prix appliqué : %(p)s.")
                if approve
                else _("Changement refusé : le prix reste %(o)s.")
            )
            % {
                "p": money(change.new_price, settings.KAMRI_STORE_CURRENCY),
                "o": money(change.old_price, settings.KAMRI_STORE_CURRENCY),
            },
        )
    else:
        messages.info(request, _("Ce changement a déjà été traité."))
    return redirect("cj:price_changes")


@require_POST
def price_changes_bulk(request: HttpRequest) -> HttpResponse:
    approve = _approve(request)
    ids = selected_ids(request)
    if approve is None:
        messages.error(request, _("Action inconnue."))
    elif not ids:
        messages.warning(request, _("Cochez au moins un changement de prix."))
    else:
        count = price_sync.decide_many(ids, approve=approve, by=request.user.get_username())
        text = (
            ngettext("%(n)s changement approuvé.", "%(n)s changements approuvés.", count)
            if approve
            else ngettext("%(n)s changement refusé.", "%(n)s changements refusés.", count)
        )
        messages.success(request, text % {"n": count})
    return redirect("cj:price_changes")


def _start(request: HttpRequest, kind: str, starter: Callable[[], SyncRun]) -> HttpResponse:
    try:
        require_account()
    except NotConfigured as error:
        messages.warning(request, str(error))
        return redirect("cj:settings")
    if jobs.active(kind) is not None:
        messages.info(request, _("Une synchronisation de ce type est déjà en cours : voici sa progression."))
    return redirect("cj:sync_run", starter().pk)


@require_POST
def sync_stock(request: HttpRequest) -> HttpResponse:
    return _start(request, SyncRun.Kind.STOCK, stock_sync.start)


@require_POST
def sync_prices(request: HttpRequest) -> HttpResponse:
    return _start(request, SyncRun.Kind.PRICES, price_sync.start)
