"""Secrets at rest: Fernet with rotation (MultiFernet, newest key first)."""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.KAMRI_ENCRYPTION_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode() if plaintext else ""


def decrypt(ciphertext: str) -> str:
    """Plaintext of a stored secret; an unreadable one (key lost) reads as empty, never crashes a page."""
    if not ciphertext:
        return ""
    try:
        return _fernet().decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        return ""


def rotate(ciphertext: str) -> str:
    """Re-encrypt with the newest key (see docs/operations.md, rotating secrets)."""
    return _fernet().rotate(ciphertext.encode()).decode() if ciphertext else ""


def mask(secret: str, visible: int = 4) -> str:
    """'••••••1a2b': only the last characters of a secret are ever shown."""
    if not secret:
        return ""
    return "•" * 8 + secret[-visible:]
