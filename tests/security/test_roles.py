"""Roles: the security crawl as each role (owner, operator, read-only), GET and POST, on every admin URL.

The expectations are written out here, not read from kamri.core.roles: the table is what is tested.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kamri.core.roles import ACCESS
from tests import factories
from tests.security.crawl import admin_routes, world_arguments
from tests.security.test_crawl import _snapshot as snapshot

# Admin pages only the owner may open: keys, the team, the journal, the raw data and the exports of customer data.
OWNER_ONLY_PAGES = {
    "cj:settings",
    "cj:settings_test",
    "cj:webhooks_rotate",
    "cj:profit_csv",
    "cj:orders_csv",
    "core:activity",
    "core:team",
    "core:team_invite",
    "core:team_role",
    "core:team_active",
    "core:team_link",
    # Paying CJ spends the shop's balance: the owner's decision.
    "cj:order_pay",
    "cj:orders_pay",
    "shipping:rule_add",
    "shipping:rule_delete",
    "shipping:vat_rates",
    # Money back to a customer, and the payment keys: the owner's.
    "orders:order_cancel",
    "orders:order_refund",
    "cj:aftersales_refund",
    "payments:settings",
}
# What an owner may change and an operator may not, beyond the pages above: the shop's automation policy.
OWNER_ONLY_CHANGES = OWNER_ONLY_PAGES | {"cj:automation", "cj:golive", "cj:points_forecast", "shipping:home"}
# What a read-only member may still POST: leaving.
READ_ONLY_POSTS = {"core:logout"}


def _raw_admin(route) -> bool:
    """Django's own admin (Données brutes), whose few unnamed URLs are redirects and its catch-all."""
    return route.path.startswith(reverse("admin:index"))


def _key(route) -> str:
    return route.name or route.path


def _client(role: str) -> Client:
    return factories.logged_in_client(f"member-{role}", role=role, crashes_as_500=True)


def _snapshot() -> dict[str, list]:
    """Every table but the volatile ones and the journal (which records each refusal)."""
    return snapshot(journal=False)


def _refused_by_role(response) -> bool:
    """The role's 403 (not Django's own permission refusals inside the raw admin, which still apply there)."""
    return response.status_code == 403 and "Votre rôle" in response.content.decode()


def _refused(client: Client, method: str, routes) -> set[str]:
    """The URLs the role is refused; every other page must render for that role (no 5xx)."""
    refused, errors = set(), []
    for route in routes:
        response = getattr(client, method)(route.path)
        if _refused_by_role(response):
            refused.add(_key(route))
        elif response.status_code >= 500:
            errors.append((_key(route), response.status_code))
    assert errors == []
    return refused


@pytest.mark.django_db
def test_every_admin_url_has_a_role_or_is_deliberately_owner_only(world):
    """A new admin page is owner-only until classified: here (owner-only) or in kamri.core.roles.ACCESS."""
    unclassified = {
        _key(route)
        for route in admin_routes(world_arguments(world))
        if route.name not in ACCESS and route.name not in OWNER_ONLY_CHANGES and not _raw_admin(route)
    }
    assert unclassified == set(), (
        "new admin URL: give it a role in kamri/core/roles.py or list it owner-only here"
    )


@pytest.mark.django_db
def test_the_owner_reaches_every_admin_page(world):
    client = _client("owner")
    assert _refused(client, "get", admin_routes(world_arguments(world))) == set()


@pytest.mark.django_db
def test_an_operator_opens_products_orders_webhooks_but_not_keys_team_or_raw_data(world):
    routes = admin_routes(world_arguments(world))
    refused = _refused(_client("operator"), "get", routes)
    expected = {_key(route) for route in routes if route.name in OWNER_ONLY_PAGES or _raw_admin(route)}
    assert refused == expected
    for name in ("catalog:product_list", "orders:order_list", "cj:webhooks", "cj:orders", "cj:automation"):
        assert name not in refused


@pytest.mark.django_db
def test_a_read_only_member_opens_what_an_operator_opens(world):
    routes = admin_routes(world_arguments(world))
    refused = _refused(_client("read_only"), "get", routes)
    assert refused == {_key(route) for route in routes if route.name in OWNER_ONLY_PAGES or _raw_admin(route)}


@pytest.mark.django_db
def test_a_read_only_member_changes_nothing_anywhere(world):
    """Every admin POST as read-only: 403, and not one row changed (the journal records the refusals)."""
    from kamri.core.models import AdminAction

    client = _client("read_only")
    routes = [route for route in admin_routes(world_arguments(world)) if route.name not in READ_ONLY_POSTS]
    before = _snapshot()
    accepted = [
        _key(route)
        for route in routes
        if not _refused_by_role(client.post(route.path, {"action": "approve", "ids": ["1"]}))
    ]
    assert accepted == []
    assert _snapshot() == before
    assert set(AdminAction.objects.values_list("outcome", "status_code")) == {("refused", 403)}


@pytest.mark.django_db
def test_an_operator_cannot_change_keys_payments_policy_team_or_raw_data(world):
    client = _client("operator")
    routes = [
        route
        for route in admin_routes(world_arguments(world))
        if route.name in OWNER_ONLY_CHANGES or _raw_admin(route)
    ]
    before = _snapshot()
    accepted = [
        _key(route) for route in routes if not _refused_by_role(client.post(route.path, {"ids": ["1"]}))
    ]
    assert accepted == []
    assert _snapshot() == before
    assert {"cj:settings", "cj:webhooks_rotate", "cj:automation", "core:team_invite"} <= {
        r.name for r in routes
    }


@pytest.mark.django_db
def test_an_operator_can_mark_an_order_paid_and_a_read_only_member_cannot(world):
    url = reverse("orders:order_mark_paid", args=[world.order.number])
    assert _client("read_only").post(url).status_code == 403
    world.order.refresh_from_db()
    assert world.order.paid_at is None
    assert _client("operator").post(url).status_code == 302
    world.order.refresh_from_db()
    assert world.order.paid_at is not None


@pytest.mark.django_db
def test_a_forbidden_page_is_a_french_page_in_the_admin_shell(world):
    response = _client("operator").get(reverse("cj:settings"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Votre rôle « Opérateur » ne permet pas d'ouvrir cette page" in page
    assert "Demandez au propriétaire" in page
    assert 'class="sidebar"' in page  # inside the admin's frame, with its navigation
    post = _client("read_only").post(reverse("cj:problem_dismiss", args=[world.problem.pk]))
    assert "Votre rôle « Lecture seule » ne permet pas d'effectuer cette action" in post.content.decode()


@pytest.mark.django_db
def test_the_navigation_hides_what_the_role_cannot_open(world):
    owner = (
        _client("owner").get(reverse("cj:home")).content.decode()
    )  # the CJ section open: its sub-pages show
    operator = _client("operator").get(reverse("cj:home")).content.decode()
    for name in ("cj:settings", "core:activity", "core:team", "admin:index"):
        assert f'href="{reverse(name)}"' in owner
        assert f'href="{reverse(name)}"' not in operator
    assert f'href="{reverse("orders:order_list")}"' in operator


@pytest.mark.django_db
def test_a_staff_account_without_a_recorded_role_is_read_only_unless_superuser(world, django_user_model):
    plain = django_user_model.objects.create_user("plain", password="x", is_staff=True)
    client = Client()
    client.force_login(plain)
    assert client.get(reverse("orders:order_list")).status_code == 200
    assert client.post(reverse("orders:order_mark_paid", args=[world.order.number])).status_code == 403
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    client.force_login(boss)
    assert client.get(reverse("core:team")).status_code == 200
