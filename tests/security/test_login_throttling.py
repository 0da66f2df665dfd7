"""Login throttling (django-axes): 5 failures of one username from one IP lock it out for 15 minutes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post(reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _fail(client: Client, username: str, times: int, ip: str = "10.0.0.1") -> None:
    """`times` wrong passwords: the first four are ordinary refusals, the fifth locks."""
    for n in range(1, times + 1):
        response = _login(client, username, "wrong-password", ip)
        if n < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200
            assert "Identifiant ou mot de passe incorrect" in response.content.decode()
        else:
            assert response.status_code == 429


def test_defaults():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.django_db
def test_five_failures_lock_the_account_even_with_the_right_password(client):
    staff = factories.staff_user("victim")
    _fail(client, "victim", 5)
    response = _login(client, "victim", factories.STAFF_PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "Trop de tentatives de connexion échouées" in page
    assert "15 minutes" in page
    assert 'id="lockout"' in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert staff.is_active  # nothing else about the account changed


@pytest.mark.django_db
def test_the_lock_is_per_username_and_ip(client):
    factories.staff_user("victim")
    factories.staff_user("colleague")
    _fail(client, "victim", 5, ip="10.0.0.1")
    # The same person from another address, and a colleague from the same address, still log in.
    assert _login(Client(), "victim", factories.STAFF_PASSWORD, ip="10.0.0.2").status_code == 302
    assert _login(Client(), "colleague", factories.STAFF_PASSWORD, ip="10.0.0.1").status_code == 302
    assert _login(Client(), "victim", factories.STAFF_PASSWORD, ip="10.0.0.1").status_code == 429


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_header_buys_no_new_attempts(client):
    factories.staff_user("victim")
    for n in range(5):
        client.post(
            reverse("core:login"),
            {"username": "victim", "password": "nope"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        reverse("core:login"),
        {"username": "victim", "password": factories.STAFF_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 429


@pytest.mark.django_db
def test_four_failures_then_success_resets_the_count(client):
    factories.staff_user("forgetful")
    _fail(client, "forgetful", 4)
    assert _login(client, "forgetful", factories.STAFF_PASSWORD).status_code == 302
    other = Client()
    _fail(other, "forgetful", 4)
    assert _login(other, "forgetful", factories.STAFF_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(client):
    from axes.models import AccessAttempt

    factories.staff_user("patient")
    _fail(client, "patient", 5)
    assert _login(client, "patient", factories.STAFF_PASSWORD).status_code == 429
    attempt = AccessAttempt.objects.get()
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=16))
    assert _login(client, "patient", factories.STAFF_PASSWORD).status_code == 302


@pytest.mark.django_db
def test_axes_pages_are_staff_only(client):
    url = reverse("admin:axes_accessattempt_changelist")
    assert client.get(url).url.startswith(reverse("core:login"))
    client.force_login(factories.staff_user("customer", is_staff=False))
    assert client.get(url).url.startswith(reverse("core:login"))
    client.force_login(factories.staff_user("boss"))
    assert client.get(url).status_code in (200, 302, 403)  # Django admin permissions apply on top


def test_limits_are_set_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kamri.settings",
        "KAMRI_VAR_DIR": str(tmp_path),
        "AXES_FAILURE_LIMIT": "3",
        "AXES_COOLOFF_MINUTES": "60",
    }
    code = "import django; django.setup(); from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().splitlines()[-1] == "3 1:00:00"


@pytest.mark.django_db
def test_a_customer_with_the_right_password_is_answered_like_a_wrong_password(client):
    """Finding 13.9: the login form never tells a non-staff account that its password was right."""
    factories.staff_user("customer", is_staff=False)
    right = _login(client, "customer", factories.STAFF_PASSWORD)
    wrong = _login(Client(), "customer", "wrong-password", ip="10.0.0.9")
    assert right.status_code == wrong.status_code == 200
    page = right.content.decode()
    assert "Identifiant ou mot de passe incorrect" in page
    assert "pas accès" not in page
    assert "_auth_user_id" not in client.session
    # ...and it counts as a failure: the fifth locks, as for a wrong password.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "customer", factories.STAFF_PASSWORD)
    assert response.status_code == 429
