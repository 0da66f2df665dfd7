from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.core import audit, roles
from kamri.core.forms import InviteForm, RoleForm
from kamri.core.listing import date_range, paginate
from kamri.core.models import AdminAction
from kamri.core.roles import Role
from kamri.core.services import team as team_service


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


_INVITATION_KEY = "kamri_team_invitation"


def team(request: HttpRequest, *, form: InviteForm | None = None, status: int = 200) -> HttpResponse:
    """Équipe: the staff accounts, their roles, and the invitation form (owner only, kamri.core.roles)."""
    return render(
        request,
        "core/team.html",
        {
            "members": team_service.members(),
            "form": form or InviteForm(),
            "roles": Role.choices,
            # Shown once: kept in the (server-side) session only between the POST and this page.
            "invitation": request.session.pop(_INVITATION_KEY, None),
        },
        status=status,
    )


def _show_link_once(request: HttpRequest, invitation: team_service.Invitation) -> HttpResponse:
    """The link goes to the next page only, never into a message (messages are kept in the journal)."""
    request.session[_INVITATION_KEY] = {
        "username": invitation.user.username,
        "email": invitation.user.email,
        "link": invitation.link,
        "emailed": invitation.emailed,
    }
    return redirect("core:team")


@require_POST
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("L'invitation n'a pas été créée : corrigez les champs indiqués."))
        return team(request, form=form, status=400)
    try:
        invitation = team_service.invite(**form.cleaned_data, by=request.user.get_username())
    except team_service.TeamError as refusal:
        messages.error(request, str(refusal))
        return team(request, form=form, status=400)
    messages.success(
        request,
        _("%(name)s est invité comme %(role)s.")
        % {"name": invitation.user.username, "role": roles.label(form.cleaned_data["role"])},
    )
    return _show_link_once(request, invitation)


@require_POST
def team_link(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    try:
        link = team_service.new_link(user)
    except team_service.TeamError as refusal:
        messages.error(request, str(refusal))
        return redirect("core:team")
    messages.success(request, _("Nouveau lien créé pour %(name)s.") % {"name": user.username})
    return _show_link_once(request, team_service.Invitation(user, link, emailed=False))


@require_POST
def team_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rôle inconnu : choisissez Propriétaire, Opérateur ou Lecture seule."))
        return redirect("core:team")
    try:
        team_service.change_role(user, form.cleaned_data["role"])
    except team_service.TeamError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Rôle de %(name)s : %(role)s.")
            % {"name": user.username, "role": roles.label(form.cleaned_data["role"])},
        )
    return redirect("core:team")


@require_POST
def team_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk, is_staff=True)
    active = request.POST.get("active") == "1"
    try:
        team_service.set_active(user, active)
    except team_service.TeamError as refusal:
        messages.error(request, str(refusal))
    else:
        done = (
            _("%(name)s est réactivé.")
            if active
            else _("%(name)s est désactivé : ses sessions sont fermées.")
        )
        messages.success(request, done % {"name": user.username})
    return redirect("core:team")


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The invited member's one-time link: choose a password, then log in."""

    template_name = "registration/set_password.html"
    success_url = reverse_lazy("core:login")

    def form_valid(self, form):
        messages.success(self.request, _("Mot de passe enregistré : connectez-vous."))
        return super().form_valid(form)
