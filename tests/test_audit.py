"""Journal d'activité: every staff POST under /admin/ is recorded — who, what, result, message — and no form data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kamri.core import audit
from kamri.core.models import AdminAction
from tests import factories
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    return factories.logged_in_client("claire", client=client)


def test_a_button_is_recorded_with_its_label_result_and_the_message_shown(staff_client):
    response = staff_client.post(reverse("cj:sync_stock"), REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302  # no CJ account yet: sent to Configuration with a warning
    row = AdminAction.objects.get()
    assert (row.username, row.action, row.status_code, str(row.ip)) == (
        "claire",
        "cj:sync_stock",
        302,
        "192.0.2.7",
    )
    assert audit.label(row.action) == "Synchroniser le stock"
    assert row.outcome == AdminAction.Outcome.WARNING and "CJ" in row.message
    # the journal read the message without consuming it: the next page still shows it to the admin
    page = staff_client.get(response.url).content.decode()
    assert row.message.endswith("Renseignez la clé API dans Configuration.")
    assert "Renseignez la clé API dans Configuration." in page


def test_targets_keep_the_object_and_the_choice_but_never_form_data(staff_client):
    staff_client.post(reverse("cj:price_changes_bulk"), {"action": "approve", "ids": ["1", "2", "3"]})
    staff_client.post(reverse("cj:webhook_retry", args=[42]))
    staff_client.post(
        reverse("cj:settings"),
        {"api_key": SANDBOX_API_KEY, "tier": "free", "base_url": "http://127.0.0.1:9/"},
    )
    bulk, retry, settings_row = AdminAction.objects.order_by("pk")
    assert bulk.target == "3 × · approuver" and bulk.outcome == AdminAction.Outcome.OK
    assert retry.target == "n° 42" and retry.outcome == AdminAction.Outcome.REFUSED  # 404: no such webhook
    assert settings_row.action == "cj:settings"
    stored = " ".join(str(value) for value in AdminAction.objects.values_list())
    assert SANDBOX_API_KEY not in stored and SANDBOX_API_KEY.rsplit("@", 1)[-1] not in stored


def test_reads_anonymous_posts_and_non_admin_paths_are_not_recorded(client, staff_client):
    staff_client.get(reverse("cj:webhooks"))
    staff_client.post(reverse("cj:price_preview", args=["123"]), {"margin_percent": "50"})
    client.logout()
    client.post(reverse("cj:sync_stock"))  # anonymous: sent to the login page, nothing done
    client.post(reverse("storefront:cart"))
    assert not AdminAction.objects.exists()


def test_journal_page_filters_by_person_action_result_and_day(staff_client):
    staff_client.post(reverse("cj:sync_stock"))
    staff_client.post(reverse("cj:problems"))
    other = factories.staff_user("karim")
    AdminAction.objects.create(user=other, username="karim", action="cj:sync_prices", status_code=302)
    old = AdminAction.objects.create(username="karim", action="cj:sync_orders", status_code=302)
    AdminAction.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=400))
    url = reverse("core:activity")
    page = staff_client.get(url).content.decode()
    assert "Journal d&#x27;activité" in page or "Journal d'activité" in page
    assert "Synchroniser le stock" in page and "Vérifier les problèmes" in page
    only_karim = staff_client.get(url, {"user": "karim", "action": "cj:sync_prices"}).content.decode()
    assert "Synchroniser les prix" in only_karim and "Synchroniser le stock</td>" not in only_karim
    warnings = staff_client.get(url, {"outcome": "warning"}).content.decode()
    assert "Synchroniser le stock" in warnings and "Vérifier les problèmes</td>" not in warnings
    today = timezone.localdate().isoformat()
    assert "Synchroniser les commandes</td>" not in staff_client.get(url, {"from": today}).content.decode()
    assert staff_client.get(url, {"from": "2026-13-45", "to": "x", "user": "\u2603" * 300}).status_code == 200
    assert audit.prune() == 1 and not AdminAction.objects.filter(pk=old.pk).exists()


def test_a_nul_in_a_choice_is_stored_safely(staff_client):
    response = staff_client.post(reverse("cj:price_changes_bulk"), {"action": "ap\x00prove", "ids": ["1"]})
    assert response.status_code == 302
    assert AdminAction.objects.get().target == "1 × · ap\ufffdprove"


def test_a_refused_save_is_recorded_as_refused_with_the_errors_shown(staff_client):
    from kamri.cj.models import CJSettings

    CJSettings.load()
    staff_client.post(reverse("cj:automation"), {"default_margin_percent": "abc"})
    row = AdminAction.objects.get()
    assert row.outcome == AdminAction.Outcome.REFUSED  # before: "Effectuée", the page re-shown with errors
    assert "Marge" in row.message or "marge" in row.message


def test_a_failed_connection_test_is_recorded_as_failed_with_the_reason(staff_client, cj_sandbox):
    bad_key = "CJ7654321@api@" + "f" * 32
    response = staff_client.post(
        reverse("cj:settings_test"),
        {"api_key": bad_key, "tier": "free", "base_url": cj_sandbox.base_url},
        HTTP_HX_REQUEST="true",
    )
    assert "Déconnecté" in response.content.decode()
    row = AdminAction.objects.get()
    assert row.outcome == AdminAction.Outcome.FAILED and "1600001" in row.message  # before: "Effectuée"


def test_a_refused_import_is_recorded_as_refused_with_the_reason(staff_client, cj_account, cj_sandbox):
    import httpx

    from kamri.cj.catalog import search as catalog
    from tests.cj.test_products import PHONE_CASES

    pid = catalog.search(PHONE_CASES).page.items[0].pid
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/products/{pid}/off-sale", timeout=5).raise_for_status()
    staff_client.post(
        reverse("cj:import_product", args=[pid]),
        {"margin_percent": "60", "rounding": "99", "status": "active"},
    )
    row = AdminAction.objects.get()
    assert row.outcome == AdminAction.Outcome.REFUSED and "hors vente" in row.message
    assert row.target == f"Produit CJ {pid}"


def test_objects_are_named_not_numbered(staff_client):
    order = factories.order()
    staff_client.post(reverse("orders:order_mark_paid", args=[order.number]))
    assert AdminAction.objects.get().target == f"Commande {order.number}"


def test_a_raw_admin_save_reads_in_words_without_html(staff_client):
    """Données brutes: Django's admin writes its message with a link and names the action app_model_operation."""
    response = staff_client.post(
        reverse("admin:legal_legalpage_add"),
        {"kind": "cgv", "title": "Conditions générales", "body": "Texte"},
    )
    assert response.status_code == 302
    row = AdminAction.objects.get(action="admin:legal_legalpage_add")
    assert "<a" not in row.message and "Conditions générales" in row.message
    assert audit.label(row.action) == "Données brutes — ajout : page légale"
    journal = staff_client.get(reverse("core:activity")).content.decode()
    assert "Données brutes — ajout : page légale" in journal and "&lt;a href" not in journal
    assert audit.label("admin:nothing_here_add") == "Données brutes — nothing_here_add"
