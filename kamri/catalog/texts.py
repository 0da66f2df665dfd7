"""The shop's product texts per language, their safe HTML, and the supplier's original kept beside them.

One rule for every page: French (the shop's language) is `title`/`description`; English is `*_en`, and an
empty English text falls back to the supplier's original (CJ writes in English), then to the French one.
Descriptions are HTML from the editor: sanitized with an allow-list on save *and* on display, so a row written
by any other path (raw admin, an old import) is never rendered as it was typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

from kamri.catalog.models import Product, Variant

ENGLISH = "en"
#: What the editor's toolbar can produce, and nothing else: no script, style, iframe, event handler or image.
ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}
_TAG = re.compile(r"<[a-zA-Z/!]")


def sanitize_html(html: str) -> str:
    """The editor's HTML reduced to the allow-list: scripts and their content, `on…` attributes, `javascript:`
    and `data:` links are dropped; links get rel="noopener noreferrer nofollow"."""
    cleaned = nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )
    return cleaned.strip()


def is_html(text: str) -> bool:
    return bool(_TAG.search(text or ""))


def stored_description(text: str) -> str:
    """What the editor stores: HTML sanitized; a text without tags (typed without JavaScript, an import) as it
    is, so "Noir & blanc" is escaped once, on display."""
    return sanitize_html(text) if is_html(text) else (text or "").strip()


def render_description(text: str) -> SafeString:
    """A description as the storefront shows it: plain text (an import) with its line breaks, HTML sanitized."""
    if not is_html(text):
        return mark_safe(linebreaks(text or "", autoescape=True))  # noqa: S308  (escaped, then <p> and <br>)
    return mark_safe(sanitize_html(text))  # noqa: S308  (nh3's allow-list output is the safe HTML)


@dataclass(frozen=True)
class ShopTexts:
    title: str
    description: SafeString
    seo_title: str
    seo_description: str


def _english_or(value: str, *fallbacks: str) -> str:
    return next((text for text in (value, *fallbacks) if text), "")


def title_in(product: Product, language: str) -> str:
    if _is_english(language):
        return _english_or(product.title_en, product.supplier_title, product.title)
    return product.title


def shop_texts(product: Product, language: str) -> ShopTexts:
    title = title_in(product, language)
    if _is_english(language):
        description = _english_or(product.description_en, product.supplier_description, product.description)
        seo_title, seo_description = _english_or(product.seo_title_en, title), product.seo_description_en
    else:
        description = product.description
        seo_title, seo_description = product.seo_title or title, product.seo_description
    return ShopTexts(
        title=title,
        description=render_description(description),
        seo_title=seo_title,
        seo_description=seo_description,
    )


def _is_english(language: str) -> bool:
    return (language or "").split("-")[0] == ENGLISH


def option_pairs(variant: Variant, language: str, labels: dict | None = None) -> list[tuple[str, str]]:
    """A variant's (option name, value) in `language` with the shop's names ("Color" → "Couleur"); a name or
    value without a translation stays as the supplier wrote it."""
    labels = variant.product.option_labels if labels is None else labels
    lang = "en" if _is_english(language) else "fr"
    names, values = (labels or {}).get("names", {}), (labels or {}).get("values", {})
    pairs = []
    for name, value in (variant.options or {}).items():
        shown_name = (names.get(name) or {}).get(lang) or name
        shown_value = ((values.get(name) or {}).get(str(value)) or {}).get(lang) or str(value)
        pairs.append((shown_name, shown_value))
    return pairs


def options_label(variant: Variant, language: str) -> str:
    return " / ".join(value for _name, value in option_pairs(variant, language))


def line_title(variant: Variant, language: str) -> str:
    """A variant as an order line names it for good (payment page, invoice, e-mails, admin): the shop's title and
    option values in the customer's language, as the cart showed them ("Coque … — Blanc", not "— White")."""
    return f"{title_in(variant.product, language)} — {options_label(variant, language) or variant.sku}"


def record_supplier_text(product: Product, *, title: str | None, description: str | None) -> list[str]:
    """A text the supplier sends (import, sync, webhook). The original is always stored; the shop's texts
    follow it only while the shop has never edited them, otherwise they stay and the editor shows "texte CJ
    modifié depuis". Saves only the fields it changed; returns the shop's fields that followed."""
    changed_original, followed, fields = False, [], []
    following = product.texts_edited_at is None
    if title and title != product.supplier_title:
        if following and product.title in (product.supplier_title, ""):
            product.title = title[:255]
            followed.append("title")
        changed_original = changed_original or bool(product.supplier_title)
        product.supplier_title = title[:500]
        fields.append("supplier_title")
    if description is not None and description != product.supplier_description:
        if following and product.description in (product.supplier_description, ""):
            product.description = description
            followed.append("description")
        changed_original = changed_original or bool(product.supplier_description)
        product.supplier_description = description
        fields.append("supplier_description")
    if changed_original and not following:
        product.supplier_text_changed_at = timezone.now()
        fields.append("supplier_text_changed_at")
    if fields:  # never the whole row: an edit saved meanwhile in the editor is not overwritten
        product.save(update_fields=[*fields, *followed, "updated_at"])
    return followed


def mark_texts_edited(product: Product) -> None:
    """The shop saved its texts in the editor: they no longer follow the supplier, the notice is read."""
    product.texts_edited_at = timezone.now()
