"""Produits and Détails as the owner meets them: the dashboard's quick filters, the message each search case gets,
and CJ's description (sandbox over real HTTP)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from kamri.cj.models import CJApiCall
from kamri.cj.services import catalog
from tests import factories

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(keyword="phone case", country="US")


@pytest.fixture
def staff_client(client):
    client.force_login(factories.staff_user())
    return client


def _page(staff_client, params: dict) -> str:
    response = staff_client.get(reverse("cj:products"), params)
    assert response.status_code == 200
    return response.content.decode()


def _cards(page: str) -> int:
    return page.count('class="pcard')


# --- Quick filters -------------------------------------------------------------------------------------------


def test_every_quick_filter_of_the_dashboard_finds_products(cj_account, staff_client):
    dashboard = staff_client.get(reverse("cj:home")).content.decode()
    links = [html.unescape(href) for href in re.findall(r'<a class="chip" href="([^"]+)"', dashboard)]
    assert len(links) == 4
    for link in links:
        page = staff_client.get(link).content.decode()
        assert _cards(page) >= 1, f"the quick filter {link} finds nothing at CJ"
        assert 'id="search-ignored"' not in page and 'id="search-invalid"' not in page, link


# --- Search messages -----------------------------------------------------------------------------------------


def test_the_first_visit_invites_to_search(cj_account, staff_client):
    page = _page(staff_client, {})
    assert "Saisissez un mot-clé" in page and _cards(page) == 0


@pytest.mark.parametrize(
    ("params", "label"),
    [
        ({"page": "abc"}, "Page"),
        ({"page": "0"}, "Page"),
        ({"page": "5000"}, "Page"),
        ({"sort": "cheapest-first"}, "Tri"),
        ({"country": "ZZ"}, "Pays"),
        ({"category": "NO-SUCH-CATEGORY"}, "Catégorie"),
    ],
)
def test_an_invalid_link_parameter_is_ignored_and_the_keyword_still_searches(
    cj_account, staff_client, params, label
):
    page = _page(staff_client, {"q": "phone case", **params})
    assert "Saisissez un mot-clé" not in page
    assert _cards(page) >= 1
    notice = re.search(r'id="search-ignored"[^>]*>([^<]+)<', page)
    assert notice and f"ignorés : {label}." in html.unescape(notice.group(1))
    assert 'value="phone case"' in page
    next_page = html.unescape(re.search(r'id="next-page" href="([^"]+)"', page).group(1))
    query = parse_qs(urlsplit(next_page).query)
    assert query["q"] == ["phone case"] and query["page"] == ["2"]
    assert set(params) - {"page"} <= set(params) - set(query)  # the invalid value is not carried along


def test_inverted_prices_stop_the_search_with_the_error_under_the_field(cj_account, staff_client):
    calls = CJApiCall.objects.filter(endpoint="product/listV2").count()
    page = _page(staff_client, {"q": "phone case", "min_price": "10", "max_price": "2", "country": "US"})
    assert "Saisissez un mot-clé" not in page
    assert 'id="search-invalid"' in page and "corrigez le champ signalé en rouge" in page
    max_field = re.search(r'<div class="field"><label for="id_max_price">.*?</div>', page, re.S).group(0)
    assert 'aria-invalid="true"' in max_field and "supérieur au prix min" in max_field
    assert 'value="phone case"' in page and 'value="10"' in page and 'value="2"' in page
    assert '<option value="US" selected>' in page
    assert CJApiCall.objects.filter(endpoint="product/listV2").count() == calls  # nothing asked of CJ


def test_a_french_keyword_that_finds_nothing_says_the_catalogue_is_in_english(cj_account, staff_client):
    page = _page(staff_client, {"q": "montre"})
    assert "0 résultats<" in page and "Aucun produit CJ ne correspond" in page
    assert "Le catalogue CJ est en anglais" in html.unescape(page) and "« watch »" in html.unescape(page)
    assert "Saisissez un mot-clé" not in page


def test_filters_without_a_keyword_that_find_nothing_suggest_widening(cj_account, staff_client):
    page = _page(staff_client, {"max_price": "0.01"})
    assert "Aucun produit CJ ne correspond" in page and "Retirez un filtre" in page
    assert "catalogue CJ est en anglais" not in page


def test_a_page_beyond_the_results_links_back_to_the_first(cj_account, staff_client):
    page = _page(staff_client, {"q": "necklace", "page": "900"})
    assert "Cette page est au-delà des résultats" in page
    back = html.unescape(re.search(r'<a href="([^"]+)">Revenir à la première page', page).group(1))
    assert _cards(staff_client.get(back).content.decode()) >= 1


# --- CJ description ------------------------------------------------------------------------------------------


def _pid() -> str:
    return catalog.search(PHONE_CASES).page.items[0].pid


def test_cj_description_keeps_its_lines_and_no_html(cj_account, staff_client):
    pid = _pid()
    details = catalog.product_details(pid)
    assert "<p>" in details.product.description  # CJ sends HTML
    page = staff_client.get(reverse("cj:product_detail", args=[pid])).content.decode()
    block = re.search(r'id="cj-description"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Product information:<br>" in block and f"{details.product.name}<br>" in block
    assert "<b>" not in block and "&lt;" not in block
    assert "Product information:Easy" not in block and "Product information:High" not in block
