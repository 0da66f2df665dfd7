"""Finding 13.1: the stored CJ key only ever goes to the address it was saved with; custom addresses are checked.

A recording HTTP server on 127.0.0.1 plays the attacker's logger: it must never receive a single request
carrying the key, whatever a staff user types in the Configuration form.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from kamri.cj.connection import account as connection
from kamri.cj.models import CJAccount
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def logger_server():
    """An HTTP server that records every request body it receives (and answers a CJ-looking 200)."""
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            received.append(self.rfile.read(length))
            self._answer()

        def do_GET(self):
            received.append(self.path.encode())
            self._answer()

        def _answer(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"code":200,"result":true,"data":null}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_port}/api2.0/v1/"
    yield server
    server.shutdown()


def _form(cj_sandbox, **changes):
    form = {"email": "", "api_key": "", "tier": "advanced", "base_url": cj_sandbox.base_url}
    form.update(changes)
    return form


def _leaked(server) -> bool:
    return any(SANDBOX_API_KEY.encode() in body for body in server.received)


@pytest.mark.parametrize("allow_local", [False, True])
def test_testing_with_the_stored_key_never_reaches_another_address(
    cj_account, cj_sandbox, staff_client, logger_server, settings, allow_local
):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = allow_local
    form = _form(cj_sandbox, custom_base_url=logger_server.url)
    response = staff_client.post(reverse("cj:settings_test"), form)
    assert response.status_code == 200
    assert logger_server.received == []
    page = response.content.decode()
    assert "saisissez à nouveau la clé API" in page or "adresse" in page


@pytest.mark.parametrize("allow_local", [False, True])
def test_saving_with_the_stored_key_never_moves_it_to_another_address(
    cj_account, cj_sandbox, staff_client, logger_server, settings, allow_local
):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = allow_local
    response = staff_client.post(reverse("cj:settings"), _form(cj_sandbox, custom_base_url=logger_server.url))
    assert response.status_code == 200
    assert logger_server.received == []
    assert CJAccount.objects.get().base_url == cj_sandbox.base_url
    # Choosing the production address with a blank key is a change of address too.
    response = staff_client.post(
        reverse("cj:settings"), _form(cj_sandbox, base_url="https://developers.cjdropshipping.com/api2.0/v1/")
    )
    assert "saisissez à nouveau la clé API" in response.content.decode()
    assert CJAccount.objects.get().base_url == cj_sandbox.base_url


def test_the_service_refuses_the_stored_key_for_another_address(cj_account, logger_server, settings):
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True
    result = connection.save_account(email="", api_key="", tier="free", base_url=logger_server.url)
    assert not result.saved
    report = connection.try_settings(api_key="", tier="free", base_url=logger_server.url)
    assert not report.connected and report.error
    assert logger_server.received == []


@pytest.mark.parametrize(
    "address",
    [
        "http://cj.example.com/api2.0/v1/",  # not https
        "https://127.0.0.1:8443/api2.0/v1/",  # loopback
        "https://10.0.0.8/api2.0/v1/",  # private
        "https://192.168.1.1/api2.0/v1/",
        "https://169.254.169.254/latest/",  # link-local (cloud metadata)
        "https://[::1]/api2.0/v1/",
        "https://localhost/api2.0/v1/",
        "https://0.0.0.0/api2.0/v1/",
    ],
)
def test_custom_addresses_must_be_public_https(cj_sandbox, staff_client, address):
    form = _form(cj_sandbox, api_key=SANDBOX_API_KEY, custom_base_url=address)
    response = staff_client.post(reverse("cj:settings"), form)
    assert response.status_code == 200
    assert CJAccount.objects.count() == 0
    assert connection.address_problem(address)


def test_a_retyped_key_may_go_to_a_new_address_and_the_sandbox_is_always_allowed(
    cj_account, cj_sandbox, logger_server, settings
):
    assert connection.address_problem(cj_sandbox.base_url) == ""
    assert connection.address_problem("https://developers.cjdropshipping.com/api2.0/v1/") == ""
    assert connection.address_problem("https://cj-mirror.example.com/api2.0/v1/") == ""
    assert connection.address_problem(logger_server.url)  # local and http: refused by default
    settings.KAMRI_CJ_ALLOW_LOCAL_URLS = True  # the explicit development setting
    assert connection.address_problem(logger_server.url) == ""
    connection.try_settings(api_key="CJ9@api@typed-by-hand", tier="free", base_url=logger_server.url)
    assert logger_server.received  # a key typed for this address goes there, and only that key
    assert not _leaked(logger_server)
