"""Rotating the encryption key: secrets stay readable with old+new keys, then with the new key alone."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from kamri.cj.models import CJAccount
from kamri.core import crypto
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


def test_rotation_keeps_the_api_key_readable(settings):
    old_keys = list(settings.KAMRI_ENCRYPTION_KEYS)
    account = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="free")
    account.set_api_key(SANDBOX_API_KEY)
    account.save()
    new_key = Fernet.generate_key().decode()
    settings.KAMRI_ENCRYPTION_KEYS = [new_key, *old_keys]
    crypto._fernet.cache_clear()
    try:
        call_command("cj_rotate_encryption", verbosity=0)
        settings.KAMRI_ENCRYPTION_KEYS = [new_key]
        crypto._fernet.cache_clear()
        assert CJAccount.objects.get().api_key == SANDBOX_API_KEY
    finally:
        settings.KAMRI_ENCRYPTION_KEYS = old_keys
        crypto._fernet.cache_clear()
