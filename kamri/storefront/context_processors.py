"""The storefront's frame: the category menu and the legal links of every customer page (storefront/base.html).

Any app's customer page (the shop, the legal pages, the after-sales form) gets them here, so none of them imports
another's views. Lazy: a page that does not show them runs no query; admin pages get nothing from here.
"""

from django.utils.functional import SimpleLazyObject

from kamri.legal.services import published_pages
from kamri.storefront.selectors import storefront_categories


def shop_frame(request) -> dict:
    if request.path_info.startswith("/admin/"):
        return {}
    return {
        "categories": SimpleLazyObject(storefront_categories),
        "legal_pages": SimpleLazyObject(published_pages),
    }
