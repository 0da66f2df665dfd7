"""Équipe: invite a member, change a role, deactivate or reactivate — with the rule that keeps the shop owned.

The rule: there is always at least one active owner (the last one can be neither demoted nor deactivated).
An invited member chooses their own password through a one-time link (Django's password-reset token: it stops
working once a password is set or after PASSWORD_RESET_TIMEOUT); no password is ever chosen, shown or stored here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kamri.core.models import StaffMember
from kamri.core.roles import Role, label, recorded_role, role_of

log = logging.getLogger(__name__)


class TeamError(Exception):
    """A change the Équipe refuses; the message is a French sentence for the owner."""


@dataclass(frozen=True)
class Invitation:
    user: object
    link: str
    emailed: bool


def members() -> list:
    """Every staff account, with its role (recorded, or the default for accounts made outside the Équipe)."""
    users = list(get_user_model().objects.filter(is_staff=True).order_by("username"))
    for user in users:
        user.role = role_of(user) if user.is_active else recorded_role(user)
        user.role_label = label(user.role)
        user.has_password = user.has_usable_password()
    return users


def _active_owners() -> int:
    owners = 0
    for user in get_user_model().objects.filter(is_staff=True, is_active=True):
        owners += recorded_role(user) == Role.OWNER
    return owners


def set_password_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("set_password", args=[uid, default_token_generator.make_token(user)])
    return f"{settings.KAMRI_PUBLIC_URL}{path}"


@transaction.atomic
def invite(*, username: str, email: str, role: str, by: str) -> Invitation:
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise TeamError(
            _("L'identifiant « %(name)s » existe déjà : choisissez-en un autre.") % {"name": username}
        )
    user = user_model(username=username, email=email, is_staff=True, is_active=True)
    user.set_unusable_password()
    user.save()
    StaffMember.objects.create(user=user, role=role, invited_by=by)
    link = set_password_link(user)
    return Invitation(user, link, _send_invitation(user, link, by) if email else False)


def new_link(user) -> str:
    if not user.is_active:
        raise TeamError(_("Ce compte est désactivé : réactivez-le avant d'envoyer un nouveau lien."))
    if user.has_usable_password():
        raise TeamError(_("Ce membre a déjà choisi son mot de passe : aucun lien n'est nécessaire."))
    return set_password_link(user)


def _send_invitation(user, link: str, by: str) -> bool:
    """E-mail the link too; a mail failure loses nothing (the link is shown to the owner)."""
    body = _(
        "Bonjour,\n\n%(by)s vous invite dans l'équipe de %(store)s.\n"
        "Choisissez votre mot de passe (lien valable une seule fois) :\n%(link)s\n\n"
        "Votre identifiant : %(username)s\n"
    ) % {"by": by, "store": settings.KAMRI_STORE_NAME, "link": link, "username": user.username}
    try:
        send_mail(
            _("Invitation à l'administration de %(store)s") % {"store": settings.KAMRI_STORE_NAME},
            body,
            None,
            [user.email],
        )
    except Exception:  # SMTP down or refused: the owner still has the link on screen
        log.warning("invitation e-mail not sent to member %s", user.pk, exc_info=True)
        return False
    return True


@transaction.atomic
def change_role(user, role: str) -> None:
    if role not in Role.values:
        raise TeamError(_("Rôle inconnu : choisissez Propriétaire, Opérateur ou Lecture seule."))
    current = recorded_role(user)
    if current == Role.OWNER and role != Role.OWNER and user.is_active and _active_owners() <= 1:
        raise TeamError(
            _("%(name)s est le dernier propriétaire actif : nommez d'abord un autre propriétaire.")
            % {"name": user.username}
        )
    StaffMember.objects.update_or_create(user=user, defaults={"role": role})


@transaction.atomic
def set_active(user, active: bool) -> None:
    """Deactivated: cannot log in (Django refuses an inactive account), and every open session ends."""
    if not active and user.is_active and recorded_role(user) == Role.OWNER and _active_owners() <= 1:
        raise TeamError(
            _("%(name)s est le dernier propriétaire actif : il ne peut pas être désactivé.")
            % {"name": user.username}
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        _end_sessions(user)


def _end_sessions(user) -> None:
    """Delete the member's stored sessions (database sessions, Django's default) rather than wait for them."""
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
