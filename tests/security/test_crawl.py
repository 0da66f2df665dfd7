"""The security crawl: every admin URL needs a staff login, every state change needs POST and a CSRF token.

Routes come from the URL configuration, so a new page is crawled without anyone adding it here; a new
POST-only view must be listed in STATE_CHANGING (the test says so) after checking it changes state on POST only.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.security.crawl import admin_routes, routes, world_arguments

# Views that change something. Each must answer 405 to GET (only POST changes state) and 403 without CSRF.
STATE_CHANGING = {
    "orders:order_cancel",
    "orders:order_refund",
    "orders:order_resend_email",
    "orders:order_note",
    "orders:hold_release",
    "orders:order_address",
    "core:logout",
    "admin:logout",
    "cj:settings_test",  # no write, but it spends a CJ login: POST only
    "cj:import_bulk",
    "cj:import_product",
    "cj:price_preview",  # no write; a POST because it carries the import form
    "cj:sync_orders",
    "cj:order_address",
    "cj:order_resubmit",
    "cj:order_pay",
    "cj:orders_pay",
    "cj:webhooks_enable",
    "cj:webhooks_disable",
    "cj:webhooks_rotate",
    "cj:webhook_retry_bulk",
    "cj:webhook_retry",
    "cj:price_changes_bulk",
    "catalog:product_bulk",
    "cj:price_change_decide",
    "cj:sync_stock",
    "cj:sync_prices",
    "cj:new_variants_bulk",
    "cj:new_variant_decide",
    "cj:problem_dismiss",
    "orders:order_mark_paid",
    "core:team_invite",
    "core:team_role",
    "core:team_active",
    "core:team_link",
    "shipping:rule_add",
    "shipping:rule_delete",
    "shipping:vat_rates",
    "cj:aftersales_refund",
    "cj:aftersales_reply",
    "cj:aftersales_status",
    "cj:aftersales_sync",
    "cj:aftersales_dispute_cancel",
}
# Pages that show a form on GET and change state on POST (which the CSRF check below covers).
GET_AND_POST = {"cj:settings", "cj:problems", "cj:aftersales_dispute"}
# The one CSRF exemption: CJ cannot send a token; the secret path and the HMAC signature authenticate it.
CSRF_EXEMPT = {"cj_webhook", "stripe_webhook"}  # both verify their sender's signature instead

# Models whose rows a page view may legitimately write: sessions, the login and API-call logs, CJ's tokens.
VOLATILE_MODELS = {
    "sessions.Session",
    "admin.LogEntry",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "cj.CJApiCall",
    "cj.CJCredential",
    "cj.CJRateSlot",
    # The Rapport de marge's stored figures: derived from the orders (the same SQL), written when a page reads
    # what is missing; never a record anyone edits.
    "cj.ProfitLine",
    "cj.ProfitDay",
}


def _login_url() -> str:
    return reverse("core:login")


def test_the_crawl_finds_the_admin_pages():
    paths = [route.path for route in admin_routes()]
    for name in ("dashboard:home", "catalog:product_list", "orders:order_list", "admin:index", "cj:home"):
        assert reverse(name) in paths
    names = {route.name for route in admin_routes()}
    assert STATE_CHANGING <= names, STATE_CHANGING - names
    assert len(paths) > 40  # Django's own admin contributes many


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, world, method):
    unprotected = []
    for route in admin_routes(world_arguments(world)):
        response = getattr(client, method)(route.path)
        if not (response.status_code == 302 and response.url.startswith(_login_url())):
            unprotected.append((route.path, response.status_code))
    assert unprotected == []


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_customers_without_staff_flag_are_sent_to_the_login_page(client, world, method):
    client.force_login(factories.staff_user("customer", is_staff=False))
    leaks = []
    for route in admin_routes(world_arguments(world)):
        response = getattr(client, method)(route.path)
        if not (response.status_code == 302 and response.url.startswith(_login_url())):
            leaks.append((route.path, response.status_code))
    assert leaks == []


@pytest.mark.django_db
def test_inactive_staff_are_sent_to_the_login_page(client, world):
    user = factories.staff_user("former-staff")
    user.is_active = False
    user.save()
    client.force_login(user)
    leaks = [r.path for r in admin_routes(world_arguments(world)) if client.get(r.path).status_code != 302]
    assert leaks == []


@pytest.mark.django_db
def test_a_customer_cannot_log_into_the_admin(client):
    factories.staff_user("shopper", is_staff=False)
    response = client.post(_login_url(), {"username": "shopper", "password": factories.STAFF_PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard:home")).status_code == 302


@pytest.mark.django_db
def test_state_changing_views_refuse_get(staff_client, world):
    arguments = world_arguments(world)
    by_name = {route.name: route for route in admin_routes(arguments)}
    answers = {name: staff_client.get(by_name[name].path).status_code for name in sorted(STATE_CHANGING)}
    assert {name: status for name, status in answers.items() if status != 405} == {}


@pytest.mark.django_db
def test_every_post_only_admin_view_is_known(staff_client, world):
    """A GET answered 405 means POST-only: each such view is in STATE_CHANGING, reviewed and tested above."""
    post_only = {
        route.name or route.path
        for route in admin_routes(world_arguments(world))
        if staff_client.get(route.path).status_code == 405
    }
    assert post_only - STATE_CHANGING == set(), "new POST-only view: add it to STATE_CHANGING"


def _snapshot(*, journal: bool = True) -> dict[str, list]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label
        if label in VOLATILE_MODELS or (label == "core.AdminAction" and not journal):
            continue
        state[label] = list(model.objects.order_by("pk").values())
    return state


@pytest.mark.django_db
def test_get_changes_nothing_anywhere_in_the_admin(staff_client, world):
    """Every admin page, fetched by staff with real objects behind its URL: no 5xx and not one row changed."""
    crawled = admin_routes(world_arguments(world))
    before = _snapshot()
    errors = []
    for route in crawled:
        status = staff_client.get(route.path).status_code
        if status >= 500:
            errors.append((route.path, status))
    after = _snapshot()
    assert errors == []
    changed = [label for label in before if before[label] != after[label]]
    assert changed == []
    assert len(crawled) > 40


@pytest.mark.django_db
def test_admin_posts_without_csrf_token_are_refused(csrf_staff_client, world):
    from kamri.core.models import AdminAction

    crawled = admin_routes(world_arguments(world))
    before = _snapshot(journal=False)
    accepted = []
    for route in crawled:
        response = csrf_staff_client.post(route.path, {"action": "approve", "ids": ["1"]})
        if response.status_code != 403:
            accepted.append((route.path, response.status_code))
    assert accepted == []
    assert _snapshot(journal=False) == before
    # The only trace: the Journal d'activité shows each forged attempt as refused.
    assert set(AdminAction.objects.values_list("outcome", "status_code")) == {("refused", 403)}


@pytest.mark.django_db
def test_admin_posts_with_a_csrf_token_are_accepted(csrf_staff_client, world):
    """The CSRF refusal above is the token's doing: the same POST with the token reaches the view."""
    csrf_staff_client.get(reverse("cj:problems"))
    token = csrf_staff_client.cookies["csrftoken"].value
    response = csrf_staff_client.post(
        reverse("cj:problem_dismiss", args=[world.problem.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    world.problem.refresh_from_db()
    assert world.problem.dismissed_at is not None


@pytest.mark.django_db
def test_public_posts_without_csrf_token_are_refused_except_the_webhook(world):
    client = Client(enforce_csrf_checks=True)
    public = [route for route in routes(world_arguments(world)) if not route.path.startswith("/admin/")]
    accepted = []
    for route in public:
        if route.name in CSRF_EXEMPT:
            continue
        response = client.post(route.path, {"variant": "1", "quantity": "1"})
        if response.status_code != 403:
            accepted.append((route.path, response.status_code))
    assert accepted == []
    # The login page itself is protected too (login CSRF).
    assert client.post(_login_url(), {"username": "x", "password": "y"}).status_code == 403


@pytest.mark.django_db
def test_the_webhook_is_the_documented_csrf_exemption(world):
    exempt = [route for route in routes() if getattr(route.callback, "csrf_exempt", False)]
    assert {route.name for route in exempt} == CSRF_EXEMPT
    # Without a valid secret path it reveals nothing: 404, whatever the body.
    response = Client(enforce_csrf_checks=True).post(
        "/webhooks/cj/not-the-secret/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 404
    # Stripe's: no valid signature, 400 and nothing stored.
    response = Client(enforce_csrf_checks=True).post(
        "/webhooks/stripe/", data=b"{}", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_every_admin_page_works_with_cj_configured(staff_client, world, cj_account):
    """The same crawl with KAMRI connected to the sandbox: CJ pages call CJ, and none of them crashes."""
    errors = []
    for route in admin_routes(world_arguments(world)):
        status = staff_client.get(route.path).status_code
        if status >= 500 and status != 503:  # 503 is the product page's "CJ unavailable", worded for people
            errors.append((route.path, status))
    assert errors == []
