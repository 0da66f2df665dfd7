"""Every admin URL needs a staff login. New pages are picked up from the URL configuration by themselves."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

_SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "a/b",
}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _sample_from_route(route: str) -> str:
    return _CONVERTER.sub(lambda m: _SAMPLES.get(m.group("converter") or "str", "sample"), route)


def _sample_from_regex(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match: re.Match) -> str:
        body = match.group(2)
        if "|" in body:
            return body.split("|")[0]
        return "1" if "\\d" in body else "sample"

    text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, text)
    return text.replace("\\", "")


def _sample(pattern) -> str:
    raw = str(pattern.pattern)
    if hasattr(pattern.pattern, "_route"):
        return _sample_from_route(pattern.pattern._route)
    return _sample_from_regex(raw)


def all_paths(resolver: URLResolver | None = None, prefix: str = "/") -> list[str]:
    resolver = resolver or get_resolver()
    paths = []
    for pattern in resolver.url_patterns:
        sample = prefix + _sample(pattern)
        if isinstance(pattern, URLResolver):
            paths.extend(all_paths(pattern, sample))
        elif isinstance(pattern, URLPattern):
            paths.append(sample)
    return sorted(set(paths))


def admin_paths() -> list[str]:
    login = reverse("core:login")
    return [path for path in all_paths() if path.startswith("/admin/") and path != login]


def test_the_crawl_finds_the_admin_pages():
    paths = admin_paths()
    for name in ("dashboard:home", "catalog:product_list", "orders:order_list", "admin:index"):
        assert reverse(name) in paths
    assert len(paths) > 40  # Django's own admin contributes many


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, method):
    login = reverse("core:login")
    unprotected = []
    for path in admin_paths():
        response = getattr(client, method)(path)
        if not (response.status_code == 302 and response.url.startswith(login)):
            unprotected.append((path, response.status_code))
    assert unprotected == []


@pytest.mark.django_db
def test_customers_without_staff_flag_are_sent_to_the_login_page(client):
    client.force_login(factories.staff_user("customer", is_staff=False))
    login = reverse("core:login")
    leaks = [path for path in admin_paths() if not client.get(path).url.startswith(login)]
    assert leaks == []
