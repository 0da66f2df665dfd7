"""Produits: search CJ's catalogue, see a product's details, import it (alone or in bulk)."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.catalog.models import Category
from kamri.cj.catalog import bulk_import, importing
from kamri.cj.catalog import search as catalog
from kamri.cj.client import CJError, CJInvalidRequest, CJProductNotFound
from kamri.cj.connection.account import NotConfigured
from kamri.cj.forms import COUNTRY_CHOICES, BulkImportForm, ImportForm, ProductSearchForm
from kamri.cj.models import CJProductLink, CJSettings, SyncRun
from kamri.core import audit
from kamri.core.models import AdminAction
from kamri.core.security import local_redirect_target
from kamri.orders.countries import country_name


def _sort_choices():
    return [(value, label) for value, label, _order, _sort in catalog.SORTS]


def _category_choices(problems: list[str]) -> list[tuple[str, str]]:
    try:
        return catalog.category_choices()
    except CJError as error:
        problems.append(_("Catégories CJ indisponibles : %(reason)s") % {"reason": error.user_message})
        return []


def search(request):
    return _search_page(request, request.GET)


def _search_page(
    request,
    params: QueryDict,
    *,
    import_form: BulkImportForm | None = None,
    selected: Iterable[str] = (),
    back: str = "",
    status: int = 200,
):
    """The Produits page for these search parameters; a rejected bulk import comes back here with its form."""
    problems: list[str] = []
    try:
        category_choices = _category_choices(problems)
    except NotConfigured as error:
        messages.warning(request, str(error))
        return redirect("cj:settings")
    form = ProductSearchForm(params or None, category_choices=category_choices, sort_choices=_sort_choices())
    outcome = None
    if form.is_bound and form.is_valid():
        try:
            outcome = catalog.search(form.filters())
        except CJError as error:
            problems.append(error.user_message)
    settings_row = CJSettings.load()
    keep = params.copy()
    for name in ["page", *form.ignored]:
        keep.pop(name, None)
    return render(
        request,
        "cj/products.html",
        {
            "form": form,
            "outcome": outcome,
            "problems": problems,
            "usd_rate": settings_row.usd_rate,
            "keep": keep.urlencode(),
            "import_form": import_form or BulkImportForm(initial=_import_initial(settings_row)),
            "selected": set(selected),
            "back": back or request.get_full_path(),
            # "Pays : pour le stock": each card then shows that country's stock, its total in small
            "stock_country": (outcome and form.is_valid() and form.cleaned_data.get("country")) or "",
        },
        status=status,
    )


def _import_initial(settings_row: CJSettings) -> dict:
    return {
        "margin_percent": settings_row.default_margin_percent,
        "rounding": settings_row.default_rounding,
        "compare_at_multiplier": settings_row.default_compare_at_multiplier,
        "status": "active",
    }


def detail(request, pid: str):
    return _detail_page(request, pid, ImportForm(initial=_import_initial(CJSettings.load())))


def _detail_page(request, pid: str, form: ImportForm, *, status: int = 200):
    """Détails with this import form: the defaults, or the owner's values after a rejected import."""
    try:
        details = catalog.product_details(pid, review_page=_page(request))
    except NotConfigured as error:
        messages.warning(request, str(error))
        return redirect("cj:settings")
    except (CJProductNotFound, CJInvalidRequest) as error:  # an id CJ cannot read names no product either
        return render(
            request, "cj/product_missing.html", {"pid": pid, "error": error.user_message}, status=404
        )
    except CJError as error:
        return render(
            request, "cj/product_missing.html", {"pid": pid, "error": error.user_message}, status=503
        )
    settings_row = CJSettings.load()
    if not form.is_bound:
        rule = importing.rule_from_settings(settings_row)
    elif form.is_valid():
        rule = form.rule()
    else:
        rule = None  # the preview asks for the faulty setting to be fixed first
    countries = list(settings_row.stock_countries or [])
    rows = (
        importing.preview(
            details.product, rule, usd_rate=settings_row.usd_rate, details=details, countries=countries
        )
        if rule
        else []
    )
    return render(
        request,
        "cj/product_detail.html",
        {
            "details": details,
            "product": details.product,
            "description": importing.plain_text(details.product.description or ""),
            "rows": rows,
            "stock_table": _stock_table(details),
            "form": form,
            "link": CJProductLink.objects.select_related("product").filter(pid=pid).first(),
            "countries": [code for code, _label in COUNTRY_CHOICES if code],
            "shipping": catalog.shipping_by_destination(
                details, [code for code, _label in COUNTRY_CHOICES if code]
            ),
            "usd_rate": settings_row.usd_rate,
        },
        status=status,
    )


def _stock_table(details: catalog.ProductDetails) -> list[dict]:
    """One row per variant with its stock in each warehouse country."""
    table = []
    for variant in details.product.variants:
        by_country = {row.country_code: row for row in details.variant_stock(variant.vid) if row.country_code}
        table.append({"variant": variant, "by_country": by_country})
    return table


def _page(request) -> int:
    try:
        return max(1, min(1000, int(request.GET.get("avis", "1"))))
    except ValueError:
        return 1


def reviews(request, pid: str):
    try:
        page = catalog.product_reviews(pid, page=_page(request))
    except NotConfigured as error:
        return render(request, "cj/_reviews.html", {"error": str(error), "pid": pid})
    except CJError as error:
        return render(request, "cj/_reviews.html", {"error": error.user_message, "pid": pid})
    return render(request, "cj/_reviews.html", {"reviews": page, "pid": pid})


def freight(request, pid: str):
    vid = request.GET.get("vid", "")
    country = request.GET.get("country", "FR").upper()[:2]
    context = {"country": country, "vid": vid}
    try:
        details = catalog.product_details(pid)
        stock = details.variant_stock(vid)
        origin, options = catalog.freight_quote(vid=vid, destination=country, stock=stock)
        variant = next((v for v in details.product.variants if v.vid == vid), None)
        context.update(origin=origin, options=options, weight=variant.weight_g if variant else None)
        context["fastest"] = min(
            (option for option in options if option.aging_days), key=lambda o: o.aging_days[1], default=None
        )
    except NotConfigured as error:
        context["error"] = str(error)
    except CJError as error:
        context["error"] = error.user_message
    template = "cj/_freight_delay.html" if request.GET.get("brief") else "cj/_freight.html"
    return render(request, template, context)


@require_POST
def price_preview(request, pid: str):
    form = ImportForm(request.POST)
    settings_row = CJSettings.load()
    context = {"form": form}
    if form.is_valid():
        try:
            details = catalog.product_details(pid)
            context["rows"] = importing.preview(
                details.product,
                form.rule(),
                usd_rate=settings_row.usd_rate,
                details=details,
                countries=list(settings_row.stock_countries or []),
            )
        except CJError as error:
            context["error"] = error.user_message
    return render(request, "cj/_preview.html", context)


@require_POST
def import_one(request, pid: str):
    form = ImportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vérifiez la marge et les autres réglages de l'import."))
        audit.refused_form(request, form)
        return _detail_page(request, pid, form, status=400)
    data = form.cleaned_data
    try:
        outcome = importing.import_product(
            pid=pid,
            rule=form.rule(),
            status=data["status"],
            category=data["category"],
            new_category_name=data["new_category"],
        )
    except importing.ImportRefused as refused:
        messages.error(request, str(refused))
        audit.note(request, AdminAction.Outcome.REFUSED, str(refused))
        return _detail_page(request, pid, form)
    except CJError as error:
        messages.error(request, error.user_message)
        return _detail_page(request, pid, form)
    if outcome.created:
        messages.success(request, outcome.message)
    else:
        messages.info(request, _("Ce produit est déjà importé : voici sa fiche."))
    return redirect(reverse("catalog:product_detail", args=[outcome.product.pk]))


def _back(request) -> str:
    """The search page to return to: only a path on this site (never an open redirect)."""
    return local_redirect_target(request, request.POST.get("back"), reverse("cj:products"))


@require_POST
def import_bulk(request):
    form = BulkImportForm(request.POST)
    pids = [pid for pid in request.POST.getlist("pids") if pid][:100]
    form_valid = form.is_valid()
    if not pids or not form_valid:
        if not pids:
            messages.error(request, _("Sélectionnez au moins un produit à importer."))
        else:
            messages.error(request, _("Vérifiez la marge et les autres réglages de l'import."))
        back = _back(request)
        return _search_page(
            request,
            QueryDict(urlsplit(back).query),
            import_form=form,
            selected=pids,
            back=back,
            status=400,
        )
    data = form.cleaned_data
    try:
        bulk_import.refuse_if_running()  # before the new category is created
        category = data["category"]
        if data["new_category"].strip():
            category, _created = Category.objects.get_or_create(
                name=data["new_category"].strip(), parent=None
            )
        job = bulk_import.start(
            pids=pids, rule=form.rule(), status=data["status"], category_id=category.pk if category else None
        )
    except bulk_import.AlreadyRunning as busy:
        messages.error(request, str(busy))
        job = busy.run
    return redirect(reverse("cj:sync_run", args=[job.pk]))


def sync_run(request, pk: int):
    job = get_object_or_404(SyncRun, pk=pk)
    template = "cj/_sync_progress.html" if request.htmx else "cj/sync_run.html"
    return render(request, template, {"job": job})


def country_stock(request, pid: str):
    """A grid card's stock in the searched country (loaded as the card scrolls into view)."""
    country = request.GET.get("country", "").upper()[:2]
    summary = None
    if country.isalpha() and len(country) == 2:
        try:
            summary = catalog.country_stock(pid, country)
        except (CJError, NotConfigured):
            summary = None
    return render(
        request,
        "cj/_country_stock.html",
        {"summary": summary, "country": country, "country_label": country_name(country)},
    )


def rating(request, pid: str):
    """A product's note, loaded by each search card when it scrolls into view."""
    try:
        summary = catalog.rating_summary(pid)
    except (CJError, NotConfigured):
        summary = None
    return render(request, "cj/_rating.html", {"summary": summary})
