"""Webhooks page ("Activer les webhooks", statistics) and the journal ("Retraiter")."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kamri.cj import selectors
from kamri.cj.client import WEBHOOK_TOPICS, CJError
from kamri.cj.client.webhooks import MessageType
from kamri.cj.connection.account import NotConfigured, get_account
from kamri.cj.models import CJSettings, WebhookEvent
from kamri.cj.webhooks import webhook_processing, webhook_setup
from kamri.core.listing import date_range, paginate
from kamri.core.text import pretty_json


def webhooks(request):
    settings_row = CJSettings.load()
    stats = selectors.webhook_stats()
    window = selectors.webhook_window()
    silence = selectors.webhook_silence(settings_row=settings_row, last_received_at=stats.last_received_at)
    return render(
        request,
        "cj/webhooks.html",
        {
            "settings_row": settings_row,
            "stats": stats,
            "window": window,
            "rate_definition": selectors.WEBHOOK_RATE_DEFINITION,
            "url": webhook_setup.callback_url(),
            "warning": webhook_setup.url_warning(),
            "topics": [(topic, webhook_setup.TOPIC_LABELS[topic]) for topic in WEBHOOK_TOPICS],
            "silent": silence.silent,
            "never_received": silence.never_received,
            "account": get_account(),
            "recent_errors": WebhookEvent.objects.filter(status=WebhookEvent.Status.ERROR).defer("raw_body")[
                :5
            ],
        },
    )


def _run(request, action, *args) -> None:
    try:
        result = action(*args)
    except NotConfigured as error:
        messages.error(request, str(error))
        return
    except CJError as error:
        messages.error(request, _("CJ a refusé : %(reason)s") % {"reason": error.user_message})
        return
    (messages.success if result.ok else messages.error)(request, result.message)


@require_POST
def enable(request):
    _run(request, webhook_setup.enable, request.POST.getlist("topics"))
    return redirect("cj:webhooks")


@require_POST
def disable(request):
    _run(request, webhook_setup.disable)
    return redirect("cj:webhooks")


@require_POST
def rotate(request):
    _run(request, webhook_setup.rotate_secret)
    return redirect("cj:webhooks")


def check_at_cj(request):
    try:
        callback = webhook_setup.registered_at_cj()
        error = ""
    except (CJError, NotConfigured) as problem:
        callback, error = {}, getattr(problem, "user_message", str(problem))
    expected = webhook_setup.callback_url()
    rows = []
    for topic in WEBHOOK_TOPICS:
        entry = callback.get(topic) or {}
        urls = entry.get("urls") or entry.get("callbackUrls") or []
        rows.append(
            {
                "topic": topic,
                "type": entry.get("type") or "—",
                "status": str(entry.get("status") or "").upper(),
                "urls": urls,
                "ours": expected in urls,
            }
        )
    closed = [row["topic"] for row in rows if row["status"] in ("CLOSED", "PAUSED")]
    enabled = CJSettings.load().webhook_topics or [row["topic"] for row in rows if row["type"] == "ENABLE"]
    return render(
        request,
        "cj/_webhook_check.html",
        {"rows": rows, "error": error, "closed": closed, "enabled_topics": enabled},
    )


def _filters(request) -> dict:
    return {
        "type": request.GET.get("type", "").upper()[:20],
        "status": request.GET.get("status", ""),
        "from": request.GET.get("from", ""),
        "to": request.GET.get("to", ""),
    }


def _filtered(request):
    filters = _filters(request)
    since, until = date_range(request)
    return filters, selectors.webhook_events(
        type=filters["type"], status=filters["status"], since=since, until=until
    )


def webhook_log(request):
    filters, events = _filtered(request)
    page, keep = paginate(request, events, per_page=50)
    return render(
        request,
        "cj/webhook_log.html",
        {
            "page": page,
            "keep": keep,
            "filters": filters,
            "statuses": WebhookEvent.Status.choices,
            "types": [
                kind.value for kind in MessageType if kind != MessageType.LOGISTICS
            ],  # an alias of LOGISTIC
        },
    )


def webhook_detail(request, pk: int):
    event = get_object_or_404(WebhookEvent, pk=pk)
    pretty = pretty_json(event.raw_body)
    return render(
        request,
        "cj/webhook_detail.html",
        {
            "event": event,
            "pretty": pretty,
            "attempts": event.attempt_log.all(),
            "repeats": event.repeats.defer("raw_body")[:20],
        },
    )


@require_POST
def retry_one(request, pk: int):
    event = get_object_or_404(WebhookEvent, pk=pk)
    count = webhook_processing.retry(WebhookEvent.objects.filter(pk=event.pk))
    if count:
        messages.success(request, _("Webhook remis en traitement."))
    else:
        messages.info(request, _("Seuls les webhooks en erreur ou ignorés peuvent être retraités."))
    return redirect(reverse("cj:webhook_detail", args=[pk]))


@require_POST
def retry_bulk(request):
    _filters_used, events = _filtered(request)
    count = webhook_processing.retry(events)
    messages.success(
        request,
        ngettext("%(n)s webhook remis en traitement.", "%(n)s webhooks remis en traitement.", count)
        % {"n": count},
    )
    query = request.GET.urlencode()
    return redirect(reverse("cj:webhook_log") + (f"?{query}" if query else ""))
