"""{% load aftersales %}: an order's supplier deadlines and after-sales requests, for the admin's order pages."""

from __future__ import annotations

from django import template

from kamri.aftersales import policy

register = template.Library()


@register.inclusion_tag("aftersales/_order_panel.html")
def aftersales_panel(order):
    return {
        "order": order,
        "deadlines": policy.deadlines(order),
        "requests": list(order.aftersales_requests.all()),
    }
