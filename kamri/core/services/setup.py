"""First-run set-up used by `make run`: the staff account and one-time markers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from kamri.core.models import Flag

ADMIN_USERNAME = "admin"


@dataclass(frozen=True)
class AdminLogin:
    username: str
    password: str | None  # None when an existing password was kept and is not known here
    created: bool


def _password_file() -> Path:
    return Path(settings.VAR_DIR) / "admin_password"


def ensure_admin(*, password: str | None = None) -> AdminLogin:
    """The staff user `admin`: password from the argument, else generated once and kept under var/."""
    user_model = get_user_model()
    stored = _password_file()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    if user is None:
        chosen = password or secrets.token_urlsafe(12)
        user_model.objects.create_superuser(ADMIN_USERNAME, "admin@kamri.local", chosen)
        if not password:
            stored.write_text(chosen)
            stored.chmod(0o600)
        return AdminLogin(ADMIN_USERNAME, chosen, created=True)
    if password:
        user.set_password(password)
        user.is_staff = user.is_active = True
        user.save(update_fields=["password", "is_staff", "is_active"])
        return AdminLogin(ADMIN_USERNAME, password, created=False)
    known = stored.read_text().strip() if stored.exists() else None
    if known and not user.check_password(known):
        known = None
    return AdminLogin(ADMIN_USERNAME, known, created=False)


def set_flag_once(name: str) -> bool:
    """True the first time a flag is set, False if it already was (safe across processes)."""
    try:
        with transaction.atomic():
            Flag.objects.create(name=name)
    except IntegrityError:
        return False
    return True
