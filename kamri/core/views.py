from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kamri.core import audit
from kamri.core.listing import date_range, paginate
from kamri.core.models import AdminAction


class StaffAuthenticationForm(AuthenticationForm):
    """A right password on a non-staff account is answered exactly like a wrong one (same message, counted
    by the login throttling), so the form never confirms a customer's password."""

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.is_staff:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": self.cleaned_data.get("username")},
                request=self.request,
            )
            raise self.get_invalid_login_error()


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = False
    authentication_form = StaffAuthenticationForm


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
