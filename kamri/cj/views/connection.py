"""CJ home and Configuration pages: thin views over kamri.cj.connection.account."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kamri.cj.connection import account as connection
from kamri.cj.forms import CJSettingsForm
from kamri.cj.orders import cj_payment
from kamri.cj.reports import golive
from kamri.cj.tiers import TIER_QPS
from kamri.core import audit, crypto
from kamri.core.models import AdminAction


def status_fragment(request):
    """The live connection status, loaded by htmx so the page never waits for CJ."""
    report = connection.connection_status(fresh=request.GET.get("fresh") == "1")
    forecast = cj_payment.balance_forecast(report.balance) if report and report.balance is not None else None
    return render(
        request,
        "cj/_status.html",
        {"report": report, "account": connection.get_account(), "forecast": forecast},
    )


def golive_fragment(request):
    """ "Prêt pour la production": the go-live checklist (htmx, it reads CJ's cached connection status)."""
    account = connection.get_account()
    report = connection.connection_status() if account else None
    lines = golive.checklist(report=report, account=account)
    return render(request, "cj/_golive.html", {"lines": lines, "ready": golive.ready(lines)})


def _form_context(form, account, report=None):
    return {
        "form": form,
        "account": account,
        "masked_key": crypto.mask(account.api_key) if account and account.api_key_encrypted else "",
        "report": report,
        "tier_qps": TIER_QPS,
    }


def _current_url(account) -> str:
    return account.base_url if account else ""


def _initial(account):
    if account is None:
        return {}
    return {"email": account.email, "tier": account.tier, "base_url": account.base_url}


def settings_page(request):
    account = connection.get_account()
    has_key = bool(account and account.api_key_encrypted)
    if request.method == "POST":
        form = CJSettingsForm(request.POST, has_saved_key=has_key, current_base_url=_current_url(account))
        if form.is_valid():
            result = connection.save_account(**form.cleaned_data)
            if result.saved:
                messages.success(request, result.message)
                return redirect(reverse("cj:home"))
            form.add_error("api_key", result.message)
            audit.refused_form(request, form)
            return render(
                request, "cj/settings.html", _form_context(form, account, result.report), status=200
            )
        audit.refused_form(request, form)
    else:
        form = CJSettingsForm(
            initial=_initial(account), has_saved_key=has_key, current_base_url=_current_url(account)
        )
    return render(request, "cj/settings.html", _form_context(form, account))


@require_POST
def test_connection(request):
    """Test the values typed in the form, without saving anything."""
    account = connection.get_account()
    form = CJSettingsForm(
        request.POST,
        has_saved_key=bool(account and account.api_key_encrypted),
        current_base_url=_current_url(account),
    )
    report = None
    if form.is_valid():
        report = connection.try_settings(**form.cleaned_data)
        if not report.connected:  # the journal says what the admin read: "Déconnecté — reason (code CJ n)"
            shown = _("Déconnecté — %(reason)s") % {"reason": report.error}
            if report.error_code:
                shown += " " + _("(code CJ %(code)s)") % {"code": report.error_code}
            audit.note(request, AdminAction.Outcome.FAILED, shown)
    else:
        audit.refused_form(request, form)
    if request.htmx:
        return render(request, "cj/_test_result.html", {"report": report, "form": form})
    return render(request, "cj/settings.html", _form_context(form, account, report))
