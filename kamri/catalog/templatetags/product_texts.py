"""A product's texts in the page's language (kamri.catalog.texts): {{ product|shop_title }},
{{ product|shop_description }} (sanitized HTML), {{ variant|shop_options }} ((name, value) pairs)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from kamri.catalog import texts

register = template.Library()


@register.filter
def shop_texts(product) -> texts.ShopTexts:
    return texts.shop_texts(product, get_language() or "fr")


@register.filter
def shop_title(product) -> str:
    return texts.title_in(product, get_language() or "fr")  # a list of tiles sanitizes no description


@register.filter
def shop_description(product):
    return shop_texts(product).description


@register.filter
def shop_options(variant) -> list[tuple[str, str]]:
    return texts.option_pairs(variant, get_language() or "fr")


@register.filter
def shop_options_label(variant) -> str:
    return texts.options_label(variant, get_language() or "fr")
