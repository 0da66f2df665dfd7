from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kamri.core import audit
from kamri.core.listing import date_range, paginate
from kamri.core.models import AdminAction


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        if not form.get_user().is_staff:
            messages.error(self.request, _("Ce compte n'a pas accès à l'administration."))
            return self.form_invalid(form)
        return super().form_valid(form)


def activity(request: HttpRequest) -> HttpResponse:
    """Journal d'activité: who did what in the admin, filtered by person, action, result and dates."""
    filters = {key: request.GET.get(key, "")[:100] for key in ("user", "action", "outcome", "from", "to")}
    since, until = date_range(request)
    rows = audit.journal(
        username=filters["user"],
        action=filters["action"],
        outcome=filters["outcome"],
        since=since,
        until=until,
    )
    page, keep = paginate(request, rows, per_page=50)
    for row in page.object_list:
        row.label = audit.label(row.action)
    return render(
        request,
        "core/activity.html",
        {
            "page": page,
            "keep": keep,
            "filters": filters,
            "users": AdminAction.objects.order_by("username").values_list("username", flat=True).distinct(),
            "actions": audit.known_actions(),
            "outcomes": AdminAction.Outcome.choices,
        },
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A missing admin page stays in the admin (sidebar, way back to the list); elsewhere, the shop's 404."""
    user = getattr(request, "user", None)
    in_admin = request.path_info.startswith("/admin/") and user is not None and user.is_staff
    template = "core/404_admin.html" if in_admin else "404.html"
    return render(request, template, status=404)
