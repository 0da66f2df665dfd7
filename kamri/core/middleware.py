"""Every page under /admin/ needs an active staff account whose role allows it: one rule, enforced in one place."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kamri.core import audit, roles

ADMIN_PREFIX = "/admin/"


class StaffOnlyAdminMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(ADMIN_PREFIX) and path != reverse(settings.LOGIN_URL):
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """The role check, once the URL is resolved: kamri.core.roles says who may GET or POST each URL name."""
        path = request.path_info
        if not path.startswith(ADMIN_PREFIX) or path == reverse(settings.LOGIN_URL):
            return None
        name = request.resolver_match.view_name
        needed = roles.required_role(name, request.method)
        role = roles.role_of(request.user)
        if roles.at_least(role, needed):
            return _shortened_raw_search(request)
        reading = request.method in ("GET", "HEAD", "OPTIONS")
        return render(
            request,
            "core/403_role.html",
            {"role_label": roles.label(role), "needed_label": roles.label(needed), "reading": reading},
            status=403,
        )


#: Données brutes searches every text column with LIKE: SQLite refuses patterns over 50,000 bytes (a 500), and no
#: stored value is longer than this anyway. KAMRI's own lists cut their searches to the same length.
RAW_SEARCH_MAX = 200


def _shortened_raw_search(request):
    """A Données brutes search longer than RAW_SEARCH_MAX: the same page with the search cut, and a message."""
    search = request.GET.get("q")
    if (
        search is None
        or len(search) <= RAW_SEARCH_MAX
        or not request.path_info.startswith(reverse("admin:index"))
    ):
        return None
    query = request.GET.copy()
    query["q"] = search[:RAW_SEARCH_MAX]
    messages.info(request, _("Recherche raccourcie à %(n)s caractères.") % {"n": RAW_SEARCH_MAX})
    return redirect(f"{request.path}?{query.urlencode()}")


class AdminAuditMiddleware:
    """Journal d'activité: each staff POST under /admin/ is recorded after its view ran (kamri.core.audit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        audit.record(request, response)
        return response


class RejectNullBytesMiddleware:
    """A NUL byte in the path or the query string is never legitimate, and PostgreSQL cannot store or compare
    one: answer 400 here rather than fail deep inside a query. (Form fields are already guarded by Django.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.GET
        if "\x00" in request.path_info or any(
            "\x00" in key or "\x00" in value for key, value in query.items()
        ):
            return HttpResponseBadRequest("Caractère nul interdit.")
        return self.get_response(request)


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose another language with the switch (cookie). The browser's
    Accept-Language is ignored: a French shop stays French for every customer and admin."""

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
