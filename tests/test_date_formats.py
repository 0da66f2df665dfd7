"""One date format per language (kamri/formats): a crawl of every admin page and the main storefront pages,
in French and in English, fails on a date written another way — ISO (2026-12-02), an English month on a
French page ("Dec."), a French date or month on an English page. Only the text a reader sees is read: not
attributes (a date <input> holds ISO by HTML's rule), not <pre>/<code> (CJ's raw payloads, shown as sent)."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kamri.core.models import AdminAction
from tests import factories
from tests.security.conftest import build_world
from tests.security.crawl import admin_routes, world_arguments

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CLOCK_12H = re.compile(r"\b\d{1,2}(:\d{2})?\s?[ap]\.m\.", re.I)
ENGLISH_MONTH = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?\s\d|\d\s(Jan|Feb|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)
FRENCH_MONTH = re.compile(
    r"\d\s(janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc|janvier|février|avril|juillet|septembre|"
    r"octobre|novembre|décembre)\b"  # lower case: English writes "Nov", French "nov."
)
NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
FRENCH_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")

FOREIGN = {
    "fr": {"ISO": ISO_DATE, "anglais": ENGLISH_MONTH, "12 h": CLOCK_12H},
    "en": {"ISO": ISO_DATE, "French": FRENCH_MONTH, "numeric": NUMERIC_DATE, "12 h": CLOCK_12H},
}


class _VisibleText(HTMLParser):
    SKIPPED = {"script", "style", "pre", "code", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def foreign_dates(text: str, language: str) -> list[str]:
    found = []
    for kind, pattern in FOREIGN[language].items():
        for match in pattern.finditer(text):
            start = max(0, match.start() - 40)
            found.append(f"{kind}: …{text[start : match.end() + 20]}…")
    return found


@pytest.fixture
def dated_shop(db):
    """A shop where every kind of date is on some page: orders paid with a delivery window, a journal row,
    webhooks, a sync run, legal pages."""
    world = build_world()
    order = world.order
    now = timezone.now()
    order.paid_at = now - timedelta(hours=3)
    order.delivery_min, order.delivery_max = (
        (now + timedelta(days=3)).date(),
        (now + timedelta(days=8)).date(),
    )
    order.save()
    factories.staff_user("owner-dates", role="owner")
    AdminAction.objects.create(username="owner-dates", action="cj:sync_orders", outcome="ok", status_code=302)
    return world


def _client(language: str) -> Client:
    client = factories.logged_in_client("owner-dates", crashes_as_500=True)
    client.cookies["django_language"] = language
    return client


def _pages(world) -> list[str]:
    admin = [
        route.path
        for route in admin_routes(world_arguments(world))
        if not route.path.startswith(reverse("admin:index"))
    ]
    shop = [
        reverse("storefront:home"),
        reverse("storefront:product", args=[world.product.slug]),
        reverse("storefront:order", args=[world.order.access_key]),
        reverse("storefront:cart"),
    ]
    return admin + shop


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_writes_dates_in_its_languages_one_format(dated_shop, language):
    client = _client(language)
    problems, crawled = [], 0
    for path in _pages(dated_shop):
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        crawled += 1
        content = b"".join(response.streaming_content) if response.streaming else response.content
        problems += [
            f"{path} {problem}" for problem in foreign_dates(visible_text(content.decode()), language)
        ]
    assert crawled > 30
    assert problems == []


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", FRENCH_DATE), ("en", re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}\b"))]
)
def test_the_order_page_shows_the_languages_date(dated_shop, language, expected):
    page = (
        _client(language).get(reverse("orders:order_detail", args=[dated_shop.order.number])).content.decode()
    )
    assert expected.search(visible_text(page))


def test_the_crawl_catches_a_foreign_format():
    assert foreign_dates("Payée le 2026-12-02", "fr") and foreign_dates("le 2 Dec. 2026", "fr")
    assert foreign_dates("Paid on 02/12/2026", "en") and foreign_dates("Paid 2 déc. 2026", "en")
    assert not foreign_dates("Payée le 02/12/2026 14:05", "fr") and not foreign_dates(
        "2 Dec 2026, 14:05", "en"
    )
