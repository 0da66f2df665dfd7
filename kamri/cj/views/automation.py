"""Paramètres: the shop owner's automation choices (margins, orders, syncs, webhooks, alerts)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kamri.cj.forms import AutomationSettingsForm
from kamri.cj.models import CJSettings
from kamri.cj.services import webhook_inbox
from kamri.core import audit


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
    return render(request, "cj/automation.html", {"form": form})
