"""`{{ window|delivery_between }}`: "Livraison estimée entre le 12 et le 18 décembre"."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def delivery_between(window: tuple[date, date] | list | None) -> str:
    if not window or len(window) != 2 or not all(window):
        return ""
    start, end = window
    same_month = (start.year, start.month) == (end.year, end.month)
    return _("Livraison estimée entre le %(start)s et le %(end)s") % {
        "start": date_format(start, "j" if same_month else "j F"),
        "end": date_format(end, "j F"),
    }
