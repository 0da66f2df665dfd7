"""`make run` ships connected to the bundled CJ sandbox with a demo key, so a newcomer sees "Connecté" at once."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from kamri.cj.models import CJAccount
from kamri.cj.tiers import Tier

DEMO_TIER = Tier.PRIME
DEMO_SEED = 42
DEMO_PRODUCTS = 2000


def demo_api_key() -> str:
    """A key in CJ's format (`CJ<digits>@api@<32 hex>`), generated once and kept under var/."""
    path = Path(settings.VAR_DIR) / "cj_sandbox_api_key"
    if not path.exists():
        path.write_text(f"CJ{secrets.randbelow(9_000_000) + 1_000_000}@api@{secrets.token_hex(16)}")
        path.chmod(0o600)
    return path.read_text().strip()


def sandbox_command_args(*, port: int) -> list[str]:
    """The demo sandbox keeps its state (tokens, orders, subscriptions) in var/, so a restart changes nothing."""
    state = Path(settings.VAR_DIR) / "cjsandbox-state.sqlite3"
    account = f"{demo_api_key()}:{DEMO_TIER.value}"
    return ["--port", str(port), "--seed", str(DEMO_SEED), "--products", str(DEMO_PRODUCTS),
            "--allow-local-callbacks", "--account", account, "--state-file", str(state)]  # fmt: skip


def prepare_demo_connection(*, sandbox_url: str) -> list[str]:
    """Point KAMRI at the sandbox when nothing else is configured."""
    base_url = f"{sandbox_url.rstrip('/')}/api2.0/v1/"
    key = demo_api_key()
    account = CJAccount.objects.order_by("pk").first()
    lines = []
    if account is None:
        account = CJAccount(base_url=base_url, tier=DEMO_TIER)
        account.set_api_key(key)
        account.save()
        lines.append(f"CJ : connecté au bac à sable {base_url} (clé de démonstration, tier Prime).")
    elif account.api_key == key and account.base_url != base_url:
        account.base_url = base_url  # the demo account follows the demo sandbox to its new port
        account.set_api_key(key)
        account.save()
        lines.append(f"CJ : le bac à sable de démonstration est maintenant sur {base_url}.")
    return lines
