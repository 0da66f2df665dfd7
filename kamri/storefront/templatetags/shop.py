"""Storefront template helpers: the header's cart count, French country names."""

from __future__ import annotations

from django import template

from kamri.catalog.models import has_stock
from kamri.orders.countries import country_name as _country_name
from kamri.storefront.cart import Cart
from kamri.storefront.selectors import availability, is_low_stock

register = template.Library()


@register.simple_tag(takes_context=True)
def cart_count(context) -> int:
    request = context.get("request")
    session = getattr(request, "session", None)
    return Cart(session).count if session is not None else 0


@register.filter
def country_name(code: str) -> str:
    return _country_name(code)


@register.filter(name="availability")
def availability_filter(stock: int) -> str:
    return availability(stock)


@register.filter(name="has_stock")
def has_stock_filter(stock: int | None) -> bool:
    return has_stock(stock or 0)


@register.filter(name="low_stock")
def low_stock_filter(stock: int) -> bool:
    return is_low_stock(stock)
