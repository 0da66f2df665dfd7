"""Journal d'activité: every state-changing admin request, recorded in one place (a middleware calls `record`).

What is kept: who, when, from which address, which action (the URL name, shown with the label its app
registers), on which object (the URL's arguments, the number of selected rows), the result (HTTP status and the
message the admin was shown). What is never kept: the form data — an API key typed into a form stays out.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib import messages
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _

from kamri.core.listing import between
from kamri.core.models import AdminAction
from kamri.core.text import storable

log = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"
RETENTION_DAYS = 365
#: POSTs that change nothing (a price preview) or are recorded elsewhere (logins: django-axes).
NOT_RECORDED = {"core:login", "cj:price_preview", "cj:points_forecast"}
#: Form fields that say which variant of an action was chosen; nothing else from the form is read.
CHOICE_FIELDS = ("action", "role")
#: How those choices read in the journal (an unknown value is kept as sent, truncated).
CHOICE_LABELS = {
    "approve": _("approuver"),
    "reject": _("refuser"),
    "import": _("importer"),
    "ignore": _("ignorer"),
    "reopen": _("rouvrir"),
    "status": _("statut"),
    "category": _("catégorie"),
    "rule": _("règle de prix"),
}

_labels: dict[str, str | Promise] = {}
_namers: dict[str, Callable[[Mapping[str, object]], str | None]] = {}
_RAW_DATA = _("Données brutes")
_NOTE = "_audit_note"
_OBJECTS = "_audit_objects"


def describe(labels: Mapping[str, str | Promise]) -> None:
    """Each app names its actions (URL name → label) in its AppConfig.ready()."""
    _labels.update(labels)


def name_targets(namers: Mapping[str, Callable[[Mapping[str, object]], str | None]]) -> None:
    """Each app says how the object of an action reads ("Commande KM-2B22AZAW"), from the URL's arguments:
    URL name → function(kwargs) returning the name, or None when the object is gone."""
    _namers.update(namers)


def note(request: HttpRequest, outcome: str, message: str) -> None:
    """What the view knows and the status code does not tell: a form re-shown with its errors is a refusal, a
    connection test that did not connect a failure. Recorded with the message the admin read."""
    setattr(request, _NOTE, (outcome, str(message)))


def objects(request: HttpRequest, names: str) -> None:
    """The objects a bulk action touched, by name ("« Lampe », « Sac »"), instead of "2 ×"."""
    setattr(request, _OBJECTS, str(names))


def refused_form(request: HttpRequest, form) -> None:
    """A form re-shown with errors: Refusée, with each error as the admin reads it under its field."""
    parts = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        text = " ".join(str(error) for error in errors)
        parts.append(f"{field.label} : {text}" if field is not None and field.label else text)
    note(request, AdminAction.Outcome.REFUSED, " · ".join(parts) or _("Formulaire refusé."))


def label(action: str) -> str:
    if action in _labels:
        return str(_labels[action])
    if action.startswith("admin:"):  # Django's own admin ("Données brutes"): app_model_operation
        return f"{_RAW_DATA} — {_raw_admin_action(action.removeprefix('admin:'))}"
    return action


_RAW_OPERATIONS = {
    "add": _("ajout"),
    "change": _("modification"),
    "delete": _("suppression"),
    "changelist": _("action sur la liste"),
}


def _raw_admin_action(name: str) -> str:
    """ "legal_legalpage_add" → "ajout : page légale" (the model's own French name), or the name as it is."""
    rest, _sep, operation = name.rpartition("_")
    app_label, _sep, model_name = rest.partition("_")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return name
    verb = _RAW_OPERATIONS.get(operation)
    return f"{verb} : {model._meta.verbose_name}" if verb else f"{model._meta.verbose_name} ({operation})"


def record(request: HttpRequest, response: HttpResponse) -> AdminAction | None:
    """Keep one row for a staff POST under /admin/; never let the journal break the request."""
    if request.method != "POST" or not request.path_info.startswith(ADMIN_PREFIX):
        return None
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or not user.is_staff or match is None:
        return None
    if match.view_name in NOT_RECORDED:
        return None
    shown = _messages_shown(request)
    outcome = _outcome(response.status_code, shown)
    message = " ".join(text for _level, text in shown)
    noted = getattr(request, _NOTE, None)
    if noted is not None and response.status_code < 500:
        outcome = noted[0]
        message = " ".join([noted[1], *(text for _level, text in shown if text != noted[1])])
    try:
        with transaction.atomic():  # a savepoint: a refused insert never breaks the caller's transaction
            return AdminAction.objects.create(
                user=user,
                username=user.get_username(),
                action=match.view_name,
                target=storable(_target(request, match.view_name, match.kwargs)),
                outcome=outcome,
                status_code=response.status_code,
                message=storable(message)[:500],
                ip=request.META.get("REMOTE_ADDR") or None,
            )
    except DatabaseError:
        log.exception("admin action not journaled: %s", match.view_name)
        return None


def _messages_shown(request: HttpRequest) -> list[tuple[int, str]]:
    """The messages this request queued for the admin, read without consuming them (not iterated)."""
    storage = messages.get_messages(request)
    return [(message.level, _plain(message.message)) for message in getattr(storage, "_queued_messages", [])]


def _plain(text: object) -> str:
    """A message as the admin read it: Django's admin writes its own with a link (safe HTML), the journal keeps
    the words (« L'objet page légale « Conditions générales de vente » a été ajouté avec succès. »)."""
    if isinstance(text, SafeData):
        return html.unescape(strip_tags(str(text)))
    return str(text)


def _object_name(action: str, kwargs: Mapping[str, object]) -> str | None:
    namer = _namers.get(action)
    if namer is None or not kwargs:
        return None
    try:
        return namer(kwargs)
    except Exception:  # naming is a nicety: the action is journaled even if it fails
        log.warning("admin action target not named: %s", action, exc_info=True)
        return None


def _target(request: HttpRequest, action: str, kwargs: Mapping[str, object]) -> str:
    name = _object_name(action, kwargs)
    parts = [name] if name else [f"n° {value}" for value in kwargs.values()]
    ids = request.POST.getlist("ids")
    named = getattr(request, _OBJECTS, "")
    if named:
        parts.append(named)
    elif ids:
        parts.append(f"{len(ids)} ×")
    for field in CHOICE_FIELDS:
        if value := request.POST.get(field):
            parts.append(str(CHOICE_LABELS.get(value, str(value)[:40])))
    return " · ".join(parts)[:200]


def _outcome(status: int, shown: list[tuple[int, str]]) -> str:
    if status >= 500:
        return AdminAction.Outcome.FAILED
    if status >= 400:
        return AdminAction.Outcome.REFUSED
    levels = {level for level, _text in shown}
    if messages.ERROR in levels:
        return AdminAction.Outcome.FAILED
    if messages.WARNING in levels:
        return AdminAction.Outcome.WARNING
    return AdminAction.Outcome.OK


def journal(
    *,
    username: str = "",
    action: str = "",
    outcome: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AdminAction]:
    rows = AdminAction.objects.all()
    if username:
        rows = rows.filter(username=username)
    if action:
        rows = rows.filter(action=action)
    if outcome:
        rows = rows.filter(outcome=outcome)
    return between(rows, "at", since, until).order_by("-at", "-id")


def known_actions() -> list[tuple[str, str]]:
    """(action, label) for the filter: the actions recorded so far, by label."""
    names = AdminAction.objects.order_by().values_list("action", flat=True).distinct()
    return sorted(((name, label(name)) for name in names), key=lambda pair: pair[1].lower())


def prune(days: int = RETENTION_DAYS) -> int:
    deleted, _detail = AdminAction.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
