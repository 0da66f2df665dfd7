"""Log in, see the admin in French, switch to English, log out — in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_login_shows_the_french_admin_home(page, live_server, staff):
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    expect(page.locator("h1")).to_have_text("Connexion à l'administration")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "wrong password")
    page.click("button[type=submit]")
    expect(page.locator(".alert.err")).to_contain_text("incorrect")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", factories.STAFF_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Tableau de bord")
    nav = page.locator(".sidebar nav")
    for label in ("Tableau de bord", "Catalogue", "Commandes"):
        expect(nav).to_contain_text(label)
    assert page.locator("html").get_attribute("lang") == "fr"


def test_switch_to_english_and_back(admin_page, live_server):
    admin_page.click(".langs button[value=en]")
    expect(admin_page.locator("h1")).to_have_text("Dashboard")
    expect(admin_page.locator(".sidebar nav")).to_contain_text("Orders")
    admin_page.click(".langs button[value=fr]")
    expect(admin_page.locator("h1")).to_have_text("Tableau de bord")


def test_navigate_catalogue_and_orders(admin_page, live_server):
    factories.product(title="Lampe en laiton")
    factories.order(customer="Camille Martin")
    admin_page.click(".sidebar >> text=Catalogue")
    expect(admin_page.locator("h1")).to_have_text("Catalogue")
    admin_page.fill("#f-q", "laiton")
    admin_page.click("form.filters button[type=submit]")
    expect(admin_page.locator("table.data")).to_contain_text("Lampe en laiton")
    admin_page.click("text=Lampe en laiton")
    expect(admin_page.locator("h1")).to_contain_text("Lampe en laiton")
    admin_page.click(".sidebar >> text=Commandes")
    expect(admin_page.locator("table.data")).to_contain_text("Camille Martin")
    admin_page.locator("table.data a").first.click()
    expect(admin_page.locator("h1")).to_contain_text("Commande")


def test_logout(admin_page, live_server):
    admin_page.click("text=Se déconnecter")
    expect(admin_page.locator("h1")).to_have_text("Connexion à l'administration")
    admin_page.goto(f"{live_server.url}/admin/")
    expect(admin_page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")


def test_journal_d_activite_shows_what_the_admin_did(admin_page, live_server):
    admin_page.goto(f"{live_server.url}/admin/cj/problemes/")
    admin_page.click("#btn-check-now")
    expect(admin_page.locator(".messages")).to_contain_text("Vérification terminée")
    admin_page.goto(f"{live_server.url}/admin/cj/webhooks/")  # reading a page is no action
    admin_page.goto(f"{live_server.url}/admin/")
    admin_page.click(".sidebar nav >> text=Journal d'activité")
    expect(admin_page.locator("h1")).to_have_text("Journal d'activité")
    row = admin_page.locator("#activity tbody tr").first
    expect(row).to_contain_text("admin-e2e")
    expect(row).to_contain_text("Vérifier les problèmes")
    expect(row).to_contain_text("Effectuée")
    expect(row).to_contain_text("Vérification terminée")
    expect(admin_page.locator("#activity tbody tr")).to_have_count(1)  # a GET is no action
    admin_page.select_option("#f-outcome", "failed")
    admin_page.click("form.filters button[type=submit]")
    expect(admin_page.locator(".empty")).to_contain_text("Aucune action")
    admin_page.select_option("#f-outcome", "")
    admin_page.select_option("#f-action", "cj:problems")
    admin_page.click("form.filters button[type=submit]")
    expect(admin_page.locator("#activity tbody tr")).to_have_count(1)
