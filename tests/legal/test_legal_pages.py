"""Legal pages: written in the admin, linked in the footer, CGV accepted at checkout and kept with the order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.legal.models import CGVAcceptance, LegalPage
from kamri.orders.models import Order
from tests import factories
from tests.storefront.helpers import ADDRESS, add, text

pytestmark = pytest.mark.django_db


def _cgv() -> LegalPage:
    return LegalPage.objects.create(
        kind="cgv", title="Conditions générales de vente", body="Article 1.\n\nArticle 2 <b>gras</b>."
    )


def test_published_pages_are_linked_in_the_footer_and_shown_safely(client):
    _cgv()
    LegalPage.objects.create(kind="mentions-legales", title="Mentions légales", body="")  # not written yet
    home = text(client.get(reverse("storefront:home")))
    assert 'href="/pages/cgv/"' in home and "/pages/mentions-legales/" not in home
    page = client.get("/pages/cgv/").content.decode()
    assert "<p>Article 1.</p>" in page and "<b>" not in page  # plain text, never the owner's HTML
    assert client.get("/pages/mentions-legales/").status_code == 404


def test_checkout_requires_the_cgv_and_keeps_the_acceptance_with_the_order(client):
    cgv = _cgv()
    variant = factories.product(price="10.00", stock=5).variants.get()
    add(client, variant)
    refused = client.post("/commander/", {**ADDRESS, "expected_total": "10.00"})
    assert refused.status_code == 200 and not Order.objects.exists()
    assert "Cochez la case pour accepter les conditions générales de vente." in text(refused)
    client.post("/commander/", {**ADDRESS, "expected_total": "10.00", "accept_cgv": "on"})
    order = Order.objects.get()
    acceptance = CGVAcceptance.objects.get(order=order)
    assert acceptance.cgv_version == cgv.updated_at


def test_legal_pages_are_editable_in_the_admin(client):
    client.force_login(factories.staff_user(is_staff=True))
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="staff").update(is_superuser=True)
    response = client.post(
        reverse("admin:legal_legalpage_add"),
        {"kind": "retours", "title": "Retours et rétractation", "body": "Vous disposez de 14 jours."},
    )
    assert response.status_code == 302
    assert "14 jours" in client.get("/pages/retours/").content.decode()
