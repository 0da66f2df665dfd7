"""Walks the URL configuration: every route, with sample or real arguments. New pages are picked up by themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

_SAMPLES = {
    "int": "1",
    "str": "sample",
    "slug": "sample",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "a/b",
}
_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Route:
    path: str
    name: str  # "namespace:name" or "" when unnamed
    callback: object

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("/admin/") and self.path != reverse("core:login")


def _fill_route(route: str, values: dict[str, str]) -> str:
    def replace(match: re.Match) -> str:
        converter, name = match.group("converter") or "str", match.group("name")
        return values.get(name) or _SAMPLES.get(converter, "sample")

    return _CONVERTER.sub(replace, route)


def _fill_regex(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match: re.Match) -> str:
        body = match.group(2)
        if "|" in body:
            return body.split("|")[0]
        return "1" if "\\d" in body else "sample"

    text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, text)
    return text.replace("\\", "")


def _fill(pattern, values: dict[str, str]) -> str:
    if hasattr(pattern.pattern, "_route"):
        return _fill_route(pattern.pattern._route, values)
    return _fill_regex(str(pattern.pattern))


def routes(
    arguments: dict[str, dict[str, str]] | None = None,
    resolver: URLResolver | None = None,
    prefix: str = "/",
    namespace: str = "",
) -> list[Route]:
    """Every URL pattern as a concrete path. `arguments` maps a URL name to the values of its parameters."""
    arguments = arguments or {}
    resolver = resolver or get_resolver()
    found: list[Route] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else None
            inner = inner or pattern.namespace or namespace
            found.extend(routes(arguments, pattern, prefix + _fill(pattern, {}), inner))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
            path = prefix + _fill(pattern, arguments.get(name, {}))
            found.append(Route(path, name, pattern.callback))
    unique = {route.path: route for route in found}
    return sorted(unique.values(), key=lambda route: route.path)


def admin_routes(arguments: dict[str, dict[str, str]] | None = None) -> list[Route]:
    return [route for route in routes(arguments) if route.is_admin]


def world_arguments(world) -> dict[str, dict[str, str]]:
    """Real objects behind the admin's detail and action URLs, so the crawl reaches the real code paths."""
    cj_order, order = str(world.cj_order.pk), world.order.number
    return {
        "catalog:product_detail": {"pk": str(world.product.pk)},
        "catalog:product_edit": {"pk": str(world.product.pk)},
        "cj:order_detail": {"pk": cj_order},
        "cj:order_address": {"pk": cj_order},
        "cj:order_resubmit": {"pk": cj_order},
        "cj:order_pay": {"pk": cj_order},
        "cj:sync_run": {"pk": str(world.sync_run.pk)},
        "cj:webhook_detail": {"pk": str(world.event.pk)},
        "cj:webhook_retry": {"pk": str(world.event.pk)},
        "cj:price_change_decide": {"pk": str(world.price_change.pk)},
        "cj:problem_dismiss": {"pk": str(world.problem.pk)},
        "cj:new_variant_decide": {"pk": str(world.new_variant.pk)},
        "orders:order_detail": {"number": order},
        "orders:order_mark_paid": {"number": order},
        "orders:order_address": {"number": order},
        "storefront:product": {"slug": world.product.slug},
        "storefront:order": {"access_key": world.order.access_key},
        "storefront:order_pay": {"access_key": world.order.access_key},
        "storefront:order_thanks": {"access_key": world.order.access_key},
    }
