from django.shortcuts import get_object_or_404, render

from kamri.catalog.currency import to_store
from kamri.catalog.models import Category, Product
from kamri.catalog.selectors import admin_product_list
from kamri.core.listing import paginate


def product_list(request):
    filters = {
        "query": request.GET.get("q", "")[:200].strip(),
        "status": request.GET.get("status", ""),
        "source": request.GET.get("source", ""),
        "category_id": request.GET.get("category", ""),
    }
    page, keep = paginate(request, admin_product_list(**filters))
    for product in page.object_list:
        cost = to_store(product.cost_max, product.cost_currency or "")
        product.cost_in_store = cost
        product.margin = (
            product.price_min - cost if cost is not None and product.price_min is not None else None
        )
    return render(
        request,
        "catalog/product_list.html",
        {
            "page": page,
            "keep": keep,
            "filters": filters,
            "statuses": Product.Status.choices,
            "sources": Product.Source.choices,
            "categories": Category.objects.select_related("parent"),
        },
    )


def product_detail(request, pk: int):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    return render(
        request,
        "catalog/product_detail.html",
        {"product": product, "variants": product.variants.all(), "images": product.images.all()},
    )
