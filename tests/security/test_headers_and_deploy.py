"""Security headers on every kind of page, and `manage.py check --deploy` clean with production settings."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _csp(response) -> dict[str, list[str]]:
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["storefront:home", "storefront:cart", "core:login"])
def test_public_pages_carry_the_security_headers(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert {"'self'", "data:", "https:"} <= set(policy["img-src"])
    assert "Strict-Transport-Security" not in response  # only with KAMRI_TLS


@pytest.mark.django_db
def test_admin_pages_carry_the_headers_and_inline_scripts_carry_the_nonce(client, world):
    from tests import factories

    client.force_login(factories.staff_user("headers-staff"))
    response = client.get(reverse("cj:price_changes"))
    assert response.status_code == 200
    policy = _csp(response)
    nonces = [value for value in policy["script-src"] if value.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    page = response.content.decode()
    assert f'<script nonce="{nonce}">' in page
    assert "onsubmit=" not in page and "onclick=" not in page
    # A fresh nonce per response.
    assert _csp(client.get(reverse("cj:price_changes")))["script-src"] != policy["script-src"]


@pytest.mark.django_db
def test_no_template_uses_inline_event_handlers_or_unnonced_scripts():
    templates = list((ROOT / "kamri").glob("*/templates/**/*.html"))
    assert templates
    offenders = []
    for template in templates:
        text = template.read_text()
        for marker in ("onsubmit=", "onclick=", "onchange=", "onload=", "javascript:", "hx-on"):
            if marker in text:
                offenders.append((template.name, marker))
        for line in text.splitlines():
            if "<script" in line and "src=" not in line and "nonce=" not in line:
                offenders.append((template.name, line.strip()))
    assert offenders == []


def _production_env(tmp_path) -> dict[str, str]:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "KAMRI_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kamri.settings",
        DEBUG="0",
        KAMRI_TLS="1",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="shop.example.com",
        KAMRI_PUBLIC_URL="https://shop.example.com",
        KAMRI_VAR_DIR=str(tmp_path),
    )
    return env


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_the_demo_provider_the_generated_key_and_local_images(tmp_path):
    """The documented production settings alone: the demo provider (anyone can "pay"), the Fernet key
    generated under var/ and an image source on 127.0.0.1 are each reported."""
    env = _production_env(tmp_path)
    env["KAMRI_CSP_IMG_SRC"] = "http://127.0.0.1:*"
    result = _check_deploy(env)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "kamri.E001" in output  # an error: the demo provider refuses to take payments
    assert "kamri.W002" in output  # KAMRI_ENCRYPTION_KEYS generated in var/
    assert "kamri.W003" in output and "127.0.0.1" in output


def test_check_deploy_is_clean_with_production_settings_but_for_an_allowed_demo_provider(tmp_path):
    """Everything set as docs/security.md says; the demo provider explicitly allowed stays a warning (the only one)."""
    from cryptography.fernet import Fernet

    env = _production_env(tmp_path)
    env.update(KAMRI_ENCRYPTION_KEYS=Fernet.generate_key().decode(), KAMRI_ALLOW_DEMO_PAYMENTS="1")
    result = _check_deploy(env)
    output = result.stdout + result.stderr
    assert "kamri.E001" not in output and "kamri.W002" not in output and "kamri.W003" not in output
    assert "kamri.W001" in output
    assert "System check identified 1 issue (0 silenced)" in output
    assert "http://127.0.0.1" not in output  # the demo sandbox's images are not allowed under TLS


@pytest.mark.django_db
def test_the_demo_provider_refuses_payments_under_production_settings(settings):
    from kamri.orders.models import Order
    from kamri.orders.payments import start_payment

    settings.KAMRI_ALLOW_DEMO_PAYMENTS = False
    order = Order.objects.create(customer_name="Jane Doe", email="jane@example.com", country="FR")
    result = start_payment(order)
    assert not result.is_paid and "démonstration" in result.message
    order.refresh_from_db()
    assert order.paid_at is None


def test_production_settings_turn_on_hsts_and_secure_cookies(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "31536000 True True True True False"


@pytest.mark.django_db
def test_hsts_header_when_tls_is_on(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("storefront:home"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_the_tests_cj_rate_is_refused_under_production_settings(settings):
    from kamri.core.checks import limiter_rate_for_tests_refused

    assert settings.CJ_LIMITER_QPS_FOR_TESTS  # the suite runs with it (tests/settings.py)
    assert limiter_rate_for_tests_refused() == []  # KAMRI_TLS off: a test or demo run
    settings.KAMRI_TLS = True
    assert [error.id for error in limiter_rate_for_tests_refused()] == ["kamri.E002"]
    settings.CJ_LIMITER_QPS_FOR_TESTS = None
    assert limiter_rate_for_tests_refused() == []
