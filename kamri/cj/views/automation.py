"""Paramètres: the shop owner's automation choices (margins, orders, syncs, webhooks, alerts)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kamri.cj.forms import AutomationSettingsForm
from kamri.cj.models import CJSettings
from kamri.cj.sync import freshness
from kamri.cj.webhooks import webhook_inbox
from kamri.core import audit
from kamri.core.crypto import mask
from kamri.core.roles import may


def automation_settings(request):
    settings_row = CJSettings.load()
    form = AutomationSettingsForm(request.POST or None, instance=settings_row)
    if request.method == "POST" and form.is_valid():
        form.save()
        webhook_inbox.forget_config()
        messages.success(request, _("Paramètres enregistrés."))
        return redirect("cj:automation")
    if request.method == "POST":
        audit.refused_form(request, form)
    if not may(request.user, "cj:automation", "POST"):
        # business data shared with carriers, not a secret: the roles that may not change it see its end only
        form.initial["ioss_number"] = mask(settings_row.ioss_number)
    return render(request, "cj/automation.html", {"form": form, "forecast": freshness.catalogue_forecast()})


def points_forecast(request):
    """The live forecast of the typed freshness targets and reserve (htmx, nothing saved)."""
    form = AutomationSettingsForm(request.POST or None, instance=CJSettings.load())
    row = form.planner_settings() if request.method == "POST" else CJSettings.load()
    if row is None:
        return render(request, "cj/_points_forecast.html", {"forecast": None})
    return render(
        request, "cj/_points_forecast.html", {"forecast": freshness.catalogue_forecast(settings_row=row)}
    )
