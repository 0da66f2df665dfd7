"""Équipe in a real browser: invite a member, the member sets a password, the owner changes the role and
deactivates the account; an operator meets the French 403 page inside the admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def test_invite_change_role_and_deactivate(admin_page, live_server, browser):
    admin_page.set_viewport_size({"width": 1366, "height": 768})
    admin_page.click(".sidebar >> text=Équipe")
    expect(admin_page.locator("h1")).to_have_text("Équipe")
    admin_page.fill("#id_username", "camille")
    admin_page.fill("#id_email", "camille@example.com")
    admin_page.select_option("#id_role", "operator")
    admin_page.click("#btn-invite")
    expect(admin_page.locator(".messages")).to_contain_text("camille est invité comme Opérateur.")
    link = admin_page.locator("#invitation-link").input_value()
    assert link.startswith("http") and "/compte/mot-de-passe/" in link
    row = admin_page.locator("#member-camille")
    expect(row).to_contain_text("Invitation en attente")

    # Camille opens the link in her own browser, chooses a password, logs in, and meets a forbidden page.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    tab = context.new_page()
    tab.goto(live_server.url + link[link.index("/compte/") :])
    expect(tab.locator("h1")).to_have_text("Choisir votre mot de passe")
    tab.fill("#id_new_password1", "une-phrase-longue-42")
    tab.fill("#id_new_password2", "une-phrase-longue-42")
    tab.click("button[type=submit]")
    expect(tab.locator(".messages")).to_contain_text("Mot de passe enregistré")
    log_in(tab, live_server.url, "camille", "une-phrase-longue-42")
    expect(tab.locator("h1")).to_have_text("Tableau de bord")
    expect(tab.locator(".sidebar nav")).not_to_contain_text("Équipe")
    tab.goto(f"{live_server.url}/admin/equipe/")
    expect(tab.locator("#forbidden")).to_contain_text(
        "Votre rôle « Opérateur » ne permet pas d'ouvrir cette page"
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "test_team_forbidden_page.png"), full_page=True)

    # The owner makes her read-only, then deactivates her: her open session ends.
    admin_page.reload()
    row = admin_page.locator("#member-camille")
    row.locator("select[name=role]").select_option("read_only")
    row.locator("text=Changer").click()
    expect(admin_page.locator(".messages")).to_contain_text("Rôle de camille : Lecture seule.")
    admin_page.once("dialog", lambda dialog: dialog.accept())
    admin_page.locator("#member-camille").locator("text=Désactiver").click()
    expect(admin_page.locator(".messages")).to_contain_text(
        "camille est désactivé : ses sessions sont fermées."
    )
    expect(admin_page.locator("#member-camille")).to_contain_text("Désactivé")
    tab.goto(f"{live_server.url}/admin/")
    expect(tab.locator("h1")).to_have_text("Connexion à l'administration")
    context.close()

    # Each change is in the Journal d'activité.
    admin_page.click(".sidebar >> text=Journal d'activité")
    journal = admin_page.locator("#activity")
    expect(journal).to_contain_text("Équipe — inviter un membre")
    expect(journal).to_contain_text("Équipe — changer un rôle")
    expect(journal).to_contain_text("Équipe — désactiver ou réactiver")
    admin_page.click(".sidebar >> text=Équipe")


def test_a_read_only_member_sees_pages_without_action_buttons(page, live_server):
    from tests import factories

    order = factories.order(customer="Camille Martin")
    factories.staff_user("lecteur", role="read_only")
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server.url, "lecteur")
    expect(page.locator("#read-only-notice")).to_contain_text("Rôle Lecture seule")
    nav = page.locator(".sidebar nav")
    expect(nav).to_contain_text("Commandes")
    expect(nav).not_to_contain_text("Équipe")
    expect(nav).not_to_contain_text("Journal d'activité")
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    expect(page.locator("h1")).to_contain_text("Commande")
    expect(page.locator("text=Marquer comme payée")).to_be_hidden()
    expect(page.locator(".topbar")).to_contain_text("Se déconnecter")
