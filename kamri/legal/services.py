"""Reads and the one write of the legal pages: which pages the footer links, whether checkout asks for the CGV,
recording the acceptance with the order."""

from __future__ import annotations

from kamri.legal.models import CGVAcceptance, LegalPage


def published_pages() -> list[LegalPage]:
    return list(LegalPage.objects.exclude(body="").only("kind", "title"))


def current_cgv() -> LegalPage | None:
    return LegalPage.objects.exclude(body="").filter(kind=LegalPage.Kind.CGV).first()


def record_cgv_acceptance(order, cgv: LegalPage) -> CGVAcceptance:
    return CGVAcceptance.objects.create(order=order, cgv_version=cgv.updated_at)
