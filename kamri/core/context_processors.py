from django.conf import settings

from kamri.core import roles
from kamri.core.navigation import build_navigation


def shell(request):
    """What every admin page's frame needs: navigation and the store's name."""
    context = {"store_name": settings.KAMRI_STORE_NAME, "store_currency": settings.KAMRI_STORE_CURRENCY}
    if request.path_info.startswith("/admin/") and getattr(request, "user", None) and request.user.is_staff:
        context["navigation"] = build_navigation(request.path_info, request.user)
        context["staff_role"] = roles.role_of(request.user)
    return context
