from django.shortcuts import get_object_or_404

from kamri.legal.models import LegalPage
from kamri.storefront.views import _shop


def page(request, kind: str):
    legal = get_object_or_404(LegalPage.objects.exclude(body=""), kind=kind)
    return _shop(request, "legal/page.html", {"page": legal})
