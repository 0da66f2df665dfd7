"""Produits and Détails as the owner meets them: the dashboard's quick filters, the message each search case gets,
rejected imports that come back with the owner's values, and CJ's description (sandbox over real HTTP)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from kamri.catalog.models import Product
from kamri.cj.catalog import search as catalog
from kamri.cj.models import CJApiCall, SyncRun

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(keyword="phone case", country="US")


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


# --- Distinct ids --------------------------------------------------------------------------------------------


def test_search_form_and_bulk_import_form_have_distinct_ids(cj_account, staff_client):
    page = _page(staff_client, {"q": "phone case"})
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    assert '<label for="id_category">Catégorie</label>' in page
    assert '<label for="id_bulk-category">Catégorie KAMRI</label>' in page
    assert '<label for="id_bulk-margin_percent">Marge (%)</label>' in page


# --- Rejected imports ----------------------------------------------------------------------------------------


def _pid() -> str:
    return catalog.search(PHONE_CASES).page.items[0].pid


IMPORT = {
    "category": "",
    "new_category": "Montres",
    "margin_percent": "45",
    "rounding": "90",
    "compare_at_multiplier": "1.5",
    "status": "inactive",
}


def _field(page: str, field_id: str) -> str:
    return re.search(rf'<div class="field"><label for="{field_id}">.*?</div>', page, re.S).group(0)


def _assert_refused_with_the_owners_values(page: str, id_prefix: str) -> None:
    """The banner, the margin typed (marked invalid, its error under it) and the other values kept."""
    assert "Vérifiez la marge" in page
    margin = _field(page, f"{id_prefix}margin_percent")
    assert 'value="99999999999"' in margin and 'aria-invalid="true"' in margin
    assert "Une marge entre 0 et 1000 %, par exemple 60." in margin
    assert 'value="Montres"' in _field(page, f"{id_prefix}new_category")


def test_a_rejected_import_comes_back_with_the_owners_values_and_the_error_under_the_margin(
    cj_account, staff_client
):
    pid = _pid()
    response = staff_client.post(
        reverse("cj:import_product", args=[pid]), {**IMPORT, "margin_percent": "99999999999"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    _assert_refused_with_the_owners_values(page, "id_")
    assert '<option value="90" selected>' in _field(page, "id_rounding")
    assert 'value="1.5"' in _field(page, "id_compare_at_multiplier")
    assert '<option value="inactive" selected>' in _field(page, "id_status")
    assert 'aria-invalid="true"' not in _field(page, "id_new_category")
    assert "Corrigez les réglages pour voir l'aperçu" in html.unescape(page)
    assert not Product.objects.exists()
    fixed = staff_client.post(reverse("cj:import_product", args=[pid]), IMPORT)
    assert fixed.status_code == 302
    assert Product.objects.get(cj_link__pid=pid).status == "inactive"


def test_a_rejected_bulk_import_comes_back_to_the_search_with_the_selection_and_the_values(
    cj_account, staff_client
):
    back = reverse("cj:products") + "?q=phone+case&country=US"
    pids = [item.pid for item in catalog.search(PHONE_CASES).page.items[:2]]
    form = {f"bulk-{name}": value for name, value in IMPORT.items()}
    response = staff_client.post(
        reverse("cj:import_bulk"),
        {**form, "bulk-margin_percent": "99999999999", "pids": pids, "back": back},
    )
    page = response.content.decode()
    assert response.status_code == 400
    _assert_refused_with_the_owners_values(page, "id_bulk-")
    for pid in pids:
        assert f'value="{pid}" checked' in page
    assert 'value="phone case"' in page and _cards(page) >= 2  # the search the owner was on
    assert f'name="back" value="{html.escape(back)}"' in page
    assert not SyncRun.objects.exists()


def test_a_bulk_import_without_selection_keeps_the_settings(cj_account, staff_client):
    form = {f"bulk-{name}": value for name, value in IMPORT.items()}
    response = staff_client.post(
        reverse("cj:import_bulk"), {**form, "back": reverse("cj:products") + "?q=phone+case"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "Sélectionnez au moins un produit" in page
    assert 'value="45"' in _field(page, "id_bulk-margin_percent")
    assert not SyncRun.objects.exists()


def test_a_valid_bulk_import_starts_the_job_with_the_prefixed_form(cj_account, staff_client):
    pids = [item.pid for item in catalog.search(PHONE_CASES).page.items[:2]]
    form = {f"bulk-{name}": value for name, value in IMPORT.items()}
    response = staff_client.post(
        reverse("cj:import_bulk"), {**form, "pids": pids, "back": reverse("cj:products")}
    )
    job = SyncRun.objects.get(kind=SyncRun.Kind.BULK_IMPORT)
    assert response.status_code == 302 and response.url == reverse("cj:sync_run", args=[job.pk])
    assert job.total == 2


# --- CJ description ------------------------------------------------------------------------------------------


def test_cj_description_keeps_its_lines_and_no_html(cj_account, staff_client):
    pid = _pid()
    details = catalog.product_details(pid)
    assert "<p>" in details.product.description  # CJ sends HTML
    page = staff_client.get(reverse("cj:product_detail", args=[pid])).content.decode()
    block = re.search(r'id="cj-description"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Product information:<br>" in block and f"{details.product.name}<br>" in block
    assert "<b>" not in block and "&lt;" not in block
    assert "Product information:Easy" not in block and "Product information:High" not in block
