from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.catalog import bulk, editor, rules
from kamri.catalog.forms import BulkForm, ProductEditForm
from kamri.catalog.models import Product
from kamri.catalog.selectors import admin_product_list, attach_variant_figures, categories_in_tree_order
from kamri.catalog.texts import option_pairs, render_description
from kamri.core import audit
from kamri.core.listing import paginate, selected_ids
from kamri.core.security import local_redirect_target


def product_list(request):
    filters = {
        "query": request.GET.get("q", "")[:200].strip(),
        "status": request.GET.get("status", ""),
        "source": request.GET.get("source", ""),
        "category_id": request.GET.get("category", ""),
    }
    page, keep = paginate(request, admin_product_list(**filters))
    attach_variant_figures(page.object_list)
    return render(
        request,
        "catalog/product_list.html",
        {
            "page": page,
            "keep": keep,
            "filters": filters,
            "statuses": Product.Status.choices,
            "sources": Product.Source.choices,
            "categories": categories_in_tree_order(),
            "bulk_form": BulkForm(),
        },
    )


def product_detail(request, pk: int):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "variants": product.variants.all(),
            "images": product.images.all(),
            "description": render_description(product.description),
        },
    )


def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    variants = list(product.variants.all())
    rule = rules.rule_of(product)
    images = [product.image_url] if product.image_url else []
    images += [image.url for image in product.images.all()]
    initial = {
        name: getattr(product, name)
        for name in (*editor.TEXT_FIELDS, "description", "description_en", "status")
    }
    initial["category"] = product.category_id
    form_kwargs = {"product": product, "variants": variants, "rule": rule, "initial": initial}
    if request.method == "POST":
        form = ProductEditForm(request.POST, **form_kwargs)
        if form.is_valid():
            data = form.cleaned_data
            outcome = editor.save_product(
                product,
                editor.ProductChanges(
                    texts={
                        name: data.get(name) or ""
                        for name in (*editor.TEXT_FIELDS, "description", "description_en")
                    },
                    status=data["status"],
                    category=data["category"],
                    images=data["images"],
                    option_labels=form.option_labels(),
                    rule=form.rule(),
                    prices=form.prices(),
                ),
            )
            text = _("Produit « %(title)s » enregistré.") % {"title": data["title"]}
            if outcome.repriced:
                text += " " + _("Prix recalculés avec la règle : %(n)s.") % {"n": outcome.repriced}
            messages.success(request, text)
            return redirect("catalog:product_edit", product.pk)
        audit.refused_form(request, form)
        images = form.cleaned_data.get("images", images) if hasattr(form, "cleaned_data") else images
    else:
        form = ProductEditForm(**form_kwargs)
    for variant in variants:
        variant.quote = rules.quote(variant, rule) if rule else None
        variant.pairs = option_pairs(variant, "fr", product.option_labels)
        variant.price_key, variant.compare_key = f"price_{variant.pk}", f"compare_{variant.pk}"
    return render(
        request,
        "catalog/product_edit.html",
        {"product": product, "form": form, "variants": variants, "images": images, "rule": rule},
    )


@require_POST
def product_bulk(request: HttpRequest) -> HttpResponse:
    back = local_redirect_target(request, request.POST.get("next"), reverse("catalog:product_list"))
    ids = selected_ids(request)
    form = BulkForm(request.POST)
    if not ids:
        messages.warning(request, _("Cochez au moins un produit."))
        return redirect(back)
    if not form.is_valid():
        audit.refused_form(request, form)
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(back)
    action = form.cleaned_data["action"]
    if action == "status":
        outcome = bulk.set_status(ids, form.cleaned_data["status"])
    elif action == "category":
        outcome = bulk.set_category(ids, form.cleaned_data["category"])
    else:
        outcome = bulk.set_rule(ids, form.rule())
    (messages.success if outcome.complete else messages.warning)(request, outcome.message)
    audit.objects(request, outcome.names)
    return redirect(back)
