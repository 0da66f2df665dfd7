from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from kamri.catalog.models import Category, Product
from kamri.storefront.selectors import storefront_categories, visible_products


def home(request):
    query = request.GET.get("q", "").strip()
    category = None
    if request.GET.get("categorie"):
        category = Category.objects.filter(slug=request.GET["categorie"]).first()
    page = Paginator(visible_products(query=query, category=category), 24).get_page(request.GET.get("page"))
    return render(
        request,
        "storefront/home.html",
        {"page": page, "query": query, "category": category, "categories": storefront_categories()},
    )


def product(request, slug: str):
    item = get_object_or_404(
        Product.objects.select_related("category"), slug=slug, status=Product.Status.ACTIVE
    )
    variants = list(item.variants.filter(is_active=True))
    images = [item.image_url] if item.image_url else []
    images += [image.url for image in item.images.all()]
    return render(
        request,
        "storefront/product.html",
        {"product": item, "variants": variants, "images": images, "categories": storefront_categories()},
    )
