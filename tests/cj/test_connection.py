"""Connection to CJ against the sandbox: test, save, token reuse, refusals, secrets at rest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.cj.connection import account as connection
from kamri.cj.models import CJAccount, CJApiCall, CJCredential
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db

BAD_KEY = "CJ1111111@api@ffffffffffffffffffffffffffffffff"


def _logins() -> int:
    return CJApiCall.objects.filter(endpoint="authentication/getAccessToken").count()


def test_good_key_is_connected_with_account_information(cj_sandbox):
    report = connection.check_credentials(api_key=SANDBOX_API_KEY, base_url=cj_sandbox.base_url, tier="free")
    assert report.connected, report.error
    assert report.open_id_masked.startswith("••••")
    assert report.effective_qps == 1
    assert report.is_sandbox is True
    assert report.access_token_expires_at > report.checked_at
    assert report.balance is not None


def test_bad_key_is_disconnected_with_cjs_reason_and_nothing_saved(cj_sandbox):
    report = connection.check_credentials(api_key=BAD_KEY, base_url=cj_sandbox.base_url, tier="free")
    assert not report.connected and report.refused
    assert report.error_code == 1600001
    result = connection.save_account(email="", api_key=BAD_KEY, tier="free", base_url=cj_sandbox.base_url)
    assert not result.saved
    assert CJAccount.objects.count() == 0


def test_five_test_presses_make_at_most_one_login(cj_sandbox, staff_client):
    form = {"email": "", "api_key": SANDBOX_API_KEY, "tier": "plus", "base_url": cj_sandbox.base_url}
    for _ in range(5):
        response = staff_client.post(reverse("cj:settings_test"), form, HTTP_HX_REQUEST="true")
        assert "Connecté" in response.content.decode()
    assert _logins() == 1
    assert CJAccount.objects.count() == 0  # testing saves nothing


def test_repeated_tests_of_a_bad_key_repeat_cjs_refusal(cj_sandbox, staff_client):
    form = {"email": "", "api_key": BAD_KEY, "tier": "free", "base_url": cj_sandbox.base_url}
    for _ in range(3):
        html = staff_client.post(reverse("cj:settings_test"), form, HTTP_HX_REQUEST="true").content.decode()
        assert "Déconnecté" in html and "1600001" in html
    assert _logins() == 1


def test_save_reuses_the_tested_token_and_encrypts_the_key(cj_sandbox, staff_client):
    form = {
        "email": "boutique@example.fr",
        "api_key": SANDBOX_API_KEY,
        "tier": "prime",
        "base_url": cj_sandbox.base_url,
    }
    staff_client.post(reverse("cj:settings_test"), form, HTTP_HX_REQUEST="true")
    response = staff_client.post(reverse("cj:settings"), form)
    assert response.status_code == 302
    account = CJAccount.objects.get()
    assert account.api_key == SANDBOX_API_KEY
    assert SANDBOX_API_KEY not in account.api_key_encrypted
    assert account.api_key_last4 == SANDBOX_API_KEY[-4:]
    assert account.last_check_ok is True
    assert _logins() == 1
    page = staff_client.get(reverse("cj:settings")).content.decode()
    assert SANDBOX_API_KEY not in page and SANDBOX_API_KEY[-4:] in page


def test_blank_key_keeps_the_saved_one_and_old_tokens_last_until_new_ones_exist(
    cj_account, cj_sandbox, settings
):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True  # a second address for the same sandbox
    connection.check_credentials(api_key=SANDBOX_API_KEY, base_url=cj_sandbox.base_url, tier="advanced")
    old = cj_account.fingerprint
    assert CJCredential.objects.filter(fingerprint=old).exclude(access_token_encrypted="").exists()
    kept = connection.save_account(email="", api_key="", tier="plus", base_url=cj_sandbox.base_url)
    assert kept.saved and CJAccount.objects.get().api_key == SANDBOX_API_KEY
    moved = connection.save_account(
        email="",
        api_key=SANDBOX_API_KEY,
        tier="plus",
        base_url=cj_sandbox.base_url.replace("127.0.0.1", "localhost"),
    )
    assert moved.saved and not moved.report.connected  # CJ: one token request per 5 minutes
    assert CJCredential.objects.filter(fingerprint=old).exists()  # kept: no new token yet
    back = connection.save_account(
        email="", api_key=SANDBOX_API_KEY, tier="plus", base_url=cj_sandbox.base_url
    )
    assert back.saved and back.report.connected
    moved_fingerprint = CJAccount.objects.get().fingerprint
    assert moved_fingerprint == old


def test_cj_home_shows_live_status(cj_account, staff_client):
    html = staff_client.get(reverse("cj:home")).content.decode()
    assert "Statut de connexion" in html and "Actions rapides" in html
    status = staff_client.get(reverse("cj:status"), HTTP_HX_REQUEST="true").content.decode()
    assert "Connecté" in status
    cj_account.refresh_from_db()
    assert cj_account.last_check_ok is True and cj_account.is_sandbox is True


def test_status_without_account_says_so(staff_client):
    html = staff_client.get(reverse("cj:status")).content.decode()
    assert "Aucun compte CJ" in html


def test_unreachable_cj_is_a_message_not_a_500(staff_client, settings):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True  # a local address, allowed by the development setting
    form = {
        "email": "",
        "api_key": SANDBOX_API_KEY,
        "tier": "free",
        "base_url": "https://developers.cjdropshipping.com/api2.0/v1/",
        "custom_base_url": "http://127.0.0.1:9/api2.0/v1/",
    }
    response = staff_client.post(reverse("cj:settings_test"), form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Déconnecté" in html
    # the typed address is what does not answer, not CJ (before: "CJ est momentanément indisponible")
    assert "L&#x27;adresse de l&#x27;API 127.0.0.1:9 ne répond pas" in html and "momentanément" not in html


def test_the_logs_page_reads_in_french(staff_client, settings):
    from kamri.cj.models import CJApiCall

    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True  # a local address, allowed by the development setting
    form = {
        "email": "",
        "api_key": SANDBOX_API_KEY,
        "tier": "free",
        "base_url": "https://developers.cjdropshipping.com/api2.0/v1/",
        "custom_base_url": "http://127.0.0.1:9/api2.0/v1/",
    }
    staff_client.post(reverse("cj:settings_test"), form)
    errors = list(CJApiCall.objects.exclude(error="").values_list("error", flat=True))
    assert errors and all(error.startswith("L'adresse de l'API") for error in errors)
    assert not any(error.startswith("CJUnreachable") for error in errors)  # before: "CJUnreachable: network…"


def test_form_refuses_a_key_with_spaces(staff_client, cj_sandbox):
    form = {"email": "", "api_key": "CJ1 @api@ x", "tier": "free", "base_url": cj_sandbox.base_url}
    response = staff_client.post(reverse("cj:settings"), form)
    assert response.status_code == 200 and "espace" in response.content.decode()
    assert CJAccount.objects.count() == 0
