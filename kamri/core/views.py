from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = False

    def form_valid(self, form):
        if not form.get_user().is_staff:
            messages.error(self.request, _("Ce compte n'a pas accès à l'administration."))
            return self.form_invalid(form)
        return super().form_valid(form)
