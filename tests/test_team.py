"""Équipe: invite (one-time link, no password anywhere), change a role, deactivate — journaled, last owner kept."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from kamri.core.models import AdminAction, StaffMember
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client():
    return factories.logged_in_client("patronne")


def _invite(client, username="lea", email="lea@example.com", role="operator"):
    return client.post(reverse("core:team_invite"), {"username": username, "email": email, "role": role})


def test_an_invitation_creates_the_member_and_shows_a_one_time_link(owner_client):
    response = _invite(owner_client)
    assert response.status_code == 302
    shown = owner_client.get(response.url)
    page = shown.content.decode()
    user = get_user_model().objects.get(username="lea")
    assert user.is_staff and user.is_active and not user.has_usable_password()
    assert StaffMember.objects.get(user=user).role == "operator"
    assert StaffMember.objects.get(user=user).invited_by == "patronne"
    link = shown.context["invitation"]["link"]
    assert link in page
    assert link not in owner_client.get(reverse("core:team")).content.decode()  # shown once
    # E-mailed too (the console/locmem backend is configured), with the link and no password.
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    # The journal keeps who invited whom, never the link.
    row = AdminAction.objects.get(action="core:team_invite")
    assert row.username == "patronne" and row.outcome == "ok" and "lea" in row.message
    assert link.rsplit("/", 2)[-2] not in row.message + row.target

    # The member chooses a password with the link, once, then logs in and has the operator's rights.
    path = link.removeprefix("http://testserver").split("://", 1)[-1]
    path = path[path.index("/") :]
    visitor = Client()
    form_page = visitor.get(path, follow=True)
    assert "Choisir votre mot de passe" in form_page.content.decode()
    new = "une-phrase-longue-42"
    done = visitor.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == reverse("core:login")
    again = Client().get(path, follow=True)
    assert "Lien expiré ou déjà utilisé" in again.content.decode()
    member = Client()
    member.post(reverse("core:login"), {"username": "lea", "password": new})
    assert member.get(reverse("orders:order_list")).status_code == 200
    assert member.get(reverse("core:team")).status_code == 403


def test_an_invitation_with_a_taken_or_bad_name_is_refused_in_french(owner_client):
    factories.staff_user("lea", role="read_only")
    response = _invite(owner_client)
    assert response.status_code == 400
    assert "L&#x27;identifiant « lea » existe déjà" in response.content.decode()
    bad = _invite(owner_client, username="l é a")
    assert bad.status_code == 400
    assert "corrigez les champs indiqués" in bad.content.decode()


def test_the_owner_changes_a_role_and_the_journal_records_it(owner_client):
    member = factories.staff_user("marc", role="read_only")
    response = owner_client.post(reverse("core:team_role", args=[member.pk]), {"role": "operator"})
    assert response.status_code == 302
    assert StaffMember.objects.get(user=member).role == "operator"
    row = AdminAction.objects.get(action="core:team_role")
    assert row.message == "Rôle de marc : Opérateur." and "operator" in row.target


def test_the_last_active_owner_can_be_neither_demoted_nor_deactivated(owner_client):
    owner = get_user_model().objects.get(username="patronne")
    owner_client.post(reverse("core:team_role", args=[owner.pk]), {"role": "read_only"})
    assert StaffMember.objects.get(user=owner).role == "owner"
    owner_client.post(reverse("core:team_active", args=[owner.pk]), {"active": "0"})
    owner.refresh_from_db()
    assert owner.is_active
    refusals = AdminAction.objects.filter(outcome="failed").values_list("message", flat=True)
    assert any("dernier propriétaire actif" in text for text in refusals)
    # With a second owner, the first may step down.
    factories.staff_user("associe", role="owner")
    owner_client.post(reverse("core:team_role", args=[owner.pk]), {"role": "operator"})
    assert StaffMember.objects.get(user=owner).role == "operator"


def test_a_deactivated_member_is_logged_out_and_cannot_log_in(owner_client):
    member = factories.staff_user("ines", role="operator")
    session = Client()
    session.post(reverse("core:login"), {"username": "ines", "password": factories.STAFF_PASSWORD})
    assert session.get(reverse("orders:order_list")).status_code == 200
    owner_client.post(reverse("core:team_active", args=[member.pk]), {"active": "0"})
    member.refresh_from_db()
    assert not member.is_active
    from django.contrib.sessions.models import Session

    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(member.pk)]
    assert session.get(reverse("orders:order_list")).status_code == 302  # back to the login page
    retry = Client().post(reverse("core:login"), {"username": "ines", "password": factories.STAFF_PASSWORD})
    assert retry.status_code == 200 and "_auth_user_id" not in retry.client.session
    assert AdminAction.objects.filter(action="core:team_active", outcome="ok").exists()
    # Reactivated: the same password works again.
    owner_client.post(reverse("core:team_active", args=[member.pk]), {"active": "1"})
    again = Client()
    again.post(reverse("core:login"), {"username": "ines", "password": factories.STAFF_PASSWORD})
    assert again.get(reverse("orders:order_list")).status_code == 200


def test_a_new_link_only_for_a_member_who_has_no_password_yet(owner_client):
    _invite(owner_client, username="paul", email="")
    paul = get_user_model().objects.get(username="paul")
    assert len(mail.outbox) == 0  # no address, no e-mail
    response = owner_client.post(reverse("core:team_link", args=[paul.pk]), follow=True)
    assert response.context["invitation"]["link"] in response.content.decode()
    member = factories.staff_user("avec-mot-de-passe", role="operator")
    refused = owner_client.post(reverse("core:team_link", args=[member.pk]), follow=True)
    assert "a déjà choisi son mot de passe" in refused.content.decode()


def test_the_team_page_lists_members_with_french_roles(owner_client):
    factories.staff_user("zoe", role="read_only")
    page = owner_client.get(reverse("core:team")).content.decode()
    assert "zoe" in page and "Lecture seule" in page and "Inviter un membre" in page


def test_an_invited_owner_uses_donnees_brutes_and_an_operator_does_not(owner_client):
    """An owner invited from the Équipe is no superuser, yet may use Django's own admin (its model permissions
    follow the role); demoted to operator, the same account loses it."""
    product = factories.product()
    for name, role in (("olga", "owner"), ("oscar", "operator")):
        _invite(owner_client, username=name, email="", role=role)
        user = get_user_model().objects.get(username=name)
        assert not user.is_superuser
        user.set_password("une-phrase-longue-42")
        user.save()
    olga = Client()
    olga.post(reverse("core:login"), {"username": "olga", "password": "une-phrase-longue-42"})
    index = olga.get(reverse("admin:index"))
    assert index.status_code == 200 and "catalog" in str(index.context["app_list"]).lower()
    assert olga.get(reverse("admin:catalog_product_changelist")).status_code == 200
    assert olga.get(reverse("admin:catalog_product_change", args=[product.pk])).status_code == 200
    long_search = olga.get(reverse("admin:catalog_product_changelist"), {"q": "x" * 300}, follow=True)
    assert long_search.redirect_chain[0][0].endswith("?q=" + "x" * 200)
    assert "Recherche raccourcie à 200 caractères." in long_search.content.decode()

    oscar = Client()
    oscar.post(reverse("core:login"), {"username": "oscar", "password": "une-phrase-longue-42"})
    assert oscar.get(reverse("admin:catalog_product_changelist")).status_code == 403

    StaffMember.objects.filter(user__username="olga").update(role="operator")
    assert olga.get(reverse("admin:catalog_product_changelist")).status_code == 403
