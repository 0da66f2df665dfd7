"""Security glue: the login lockout page shown by django-axes (see docs/security.md)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Trop de tentatives de connexion échouées. Par sécurité, ce compte est bloqué depuis votre adresse "
        "pendant %(n)s minute : réessayez plus tard.",
        "Trop de tentatives de connexion échouées. Par sécurité, ce compte est bloqué depuis votre adresse "
        "pendant %(n)s minutes : réessayez plus tard.",
        minutes,
    ) % {"n": minutes}


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' AXES_LOCKOUT_CALLABLE: the login page again, with the lockout message, status 429."""
    form = AuthenticationForm(request)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form.initial["username"] = username[:150]
    return render(
        request,
        "registration/login.html",
        {
            "form": form,
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
            "locked_out": True,
            "lockout_message": lockout_message(),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def local_redirect_target(request: HttpRequest, target: str | None, default: str) -> str:
    """A "come back here" URL from the browser, used only if it is a path on this site.

    Anything else (another host, a scheme, a bare word Django would try to reverse, control characters)
    gives `default`: no open redirect and no 500.
    """
    target = (target or "").strip()
    if (
        target.startswith("/")
        and not target.startswith("//")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def is_local_host(host: str) -> bool:
    """Loopback, private, link-local and other non-public IP literals, and the local host names.

    A DNS name is judged by its spelling only (it is not resolved)."""
    host = host.strip("[]").lower()
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        return False
