"""CJ's product texts reaching the catalogue: the original is kept on the product (kamri.catalog.texts), the
shop's edited texts are never overwritten, and a change after an edit raises "texte CJ modifié depuis"."""

from __future__ import annotations

from kamri.catalog.texts import record_supplier_text
from kamri.cj.catalog.importing import plain_text
from kamri.cj.client import ProductDetail
from kamri.cj.models import CJProductLink
from kamri.core.text import single_line


def record_cj_text(link: CJProductLink, *, name: str | None, description_html: str | None) -> list[str]:
    """Store CJ's latest name/description on the link and on the product; returns the shop fields that
    followed it (only while the shop never edited its texts)."""
    title = single_line(name or "")[:500] or None
    description = plain_text(description_html) if description_html else None
    followed = record_supplier_text(link.product, title=title, description=description)
    fields = []
    if title and title != link.cj_name:
        link.cj_name, fields = title, [*fields, "cj_name"]
    if description is not None and description != link.cj_description:
        link.cj_description, fields = description, [*fields, "cj_description"]
    if fields:
        link.save(update_fields=fields)
    return followed


def record_from_detail(link: CJProductLink, detail: ProductDetail) -> list[str]:
    return record_cj_text(link, name=detail.name, description_html=detail.description)
