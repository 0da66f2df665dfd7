from django.shortcuts import get_object_or_404, render

from kamri.legal.models import LegalPage


def page(request, kind: str):
    legal = get_object_or_404(LegalPage.objects.exclude(body=""), kind=kind)
    return render(request, "legal/page.html", {"page": legal})
