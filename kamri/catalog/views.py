from django.shortcuts import get_object_or_404, render

from kamri.catalog.models import Product
from kamri.catalog.selectors import admin_product_list, attach_variant_figures, categories_in_tree_order
from kamri.core.listing import paginate


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
        },
    )


def product_detail(request, pk: int):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    return render(
        request,
        "catalog/product_detail.html",
        {"product": product, "variants": product.variants.all(), "images": product.images.all()},
    )
