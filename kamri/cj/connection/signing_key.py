"""The key CJ signs webhooks with (the account's openId), decrypted once every few seconds per process.

It belongs to the connection (the token answer carries it); the webhook receiver only reads it.
"""

from __future__ import annotations

import time

from kamri.cj.models import CJAccount, CJCredential
from kamri.core import crypto

_CONFIG_TTL_S = 10.0
_config_cache: dict[str, tuple[float, str]] = {}


def signing_key(*, fresh: bool) -> str:
    cached = _config_cache.get("open_id")
    if cached and not fresh and time.monotonic() - cached[0] < _CONFIG_TTL_S:
        return cached[1]
    account = CJAccount.objects.order_by("pk").first()
    open_id = ""
    if account is not None:
        open_id = account.open_id
        if not open_id:
            credential = CJCredential.objects.filter(fingerprint=account.fingerprint).first()
            open_id = crypto.decrypt(credential.open_id_encrypted) if credential else ""
    _config_cache["open_id"] = (time.monotonic(), open_id)
    return open_id


def forget() -> None:
    """A saved key, a new token or new webhook settings: the next check reads the openId again."""
    _config_cache.clear()
