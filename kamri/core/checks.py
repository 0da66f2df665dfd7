"""KAMRI's own system checks (`manage.py check`, `check --deploy`): production settings refuse demo shortcuts.

Settings-level only (no import of the apps' code), so they run before any model or provider is loaded.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

from kamri.core.security import is_local_host

DEMO_PROVIDER = "demo"


@checks.register(checks.Tags.security)
def demo_payments_refused(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """An error on every start (migrate, runserver, run_shop): the demo provider would take no payment."""
    if settings.KAMRI_PAYMENT_PROVIDER != DEMO_PROVIDER or settings.KAMRI_ALLOW_DEMO_PAYMENTS:
        return []
    return [
        checks.Error(
            "The demo payment provider is active under production settings (KAMRI_TLS=1): it refuses every "
            "payment.",
            hint="Set KAMRI_PAYMENT_PROVIDER to a real provider, or KAMRI_ALLOW_DEMO_PAYMENTS=1 for a demo shop.",
            id="kamri.E001",
        )
    ]


@checks.register(checks.Tags.security)
def limiter_rate_for_tests_refused(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The tests' CJ rate (tests/settings.py) in a settings module that runs a shop would overrun CJ's limits."""
    if not settings.CJ_LIMITER_QPS_FOR_TESTS or not settings.KAMRI_TLS:
        return []
    return [
        checks.Error(
            "CJ_LIMITER_QPS_FOR_TESTS is set under production settings (KAMRI_TLS=1): CJ would refuse the calls.",
            hint="Remove it: it belongs to tests/settings.py only; the limiter follows the CJ account's tier.",
            id="kamri.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def deployment_shortcuts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    if settings.KAMRI_PAYMENT_PROVIDER == DEMO_PROVIDER and settings.KAMRI_ALLOW_DEMO_PAYMENTS:
        found.append(
            checks.Warning(
                "Demo payments are allowed: anyone can mark an order paid without paying.",
                hint="Set KAMRI_PAYMENT_PROVIDER to a real provider before opening the shop.",
                id="kamri.W001",
            )
        )
    if settings.KAMRI_ENCRYPTION_KEYS_GENERATED:
        found.append(
            checks.Warning(
                "KAMRI_ENCRYPTION_KEYS is not set: secrets are encrypted with a key generated in var/fernet.key.",
                hint="Generate a key (Fernet.generate_key()), keep it outside the server and set KAMRI_ENCRYPTION_KEYS.",
                id="kamri.W002",
            )
        )
    for source in local_image_sources():
        found.append(
            checks.Warning(
                f"The content security policy allows images from {source}.",
                hint="Remove it from KAMRI_CSP_IMG_SRC (and keep CJ_SANDBOX_URL for the demo only).",
                id="kamri.W003",
            )
        )
    return found


def local_image_sources() -> list[str]:
    """img-src entries in plain http or on a loopback/private host."""
    sources = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].get("img-src", [])
    return [source for source in sources if _plain_or_local(source)]


def _plain_or_local(source: str) -> bool:
    if source.startswith("http:"):
        return True
    return "://" in source and is_local_host(urlsplit(source.replace(":*", "")).hostname or "")
