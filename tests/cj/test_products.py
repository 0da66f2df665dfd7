"""CJ catalogue search, details and import against the sandbox (real HTTP)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from django.urls import reverse

from kamri.catalog.models import Category, Product, Variant
from kamri.catalog.pricing import PricingRule, Rounding, price_for
from kamri.cj.catalog import bulk_import, importing
from kamri.cj.catalog import search as catalog
from kamri.cj.client import CJProductNotFound
from kamri.cj.models import CJApiCall, CJProductLink, CJSettings, CJVariantLink, SyncRun

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(
    keyword="phone case", min_price=Decimal("2"), max_price=Decimal("10"), country="US"
)


def _listv2_calls() -> int:
    return CJApiCall.objects.filter(endpoint="product/listV2").count()


def test_search_uses_cjs_filters_and_marks_nothing_imported(cj_account):
    outcome = catalog.search(PHONE_CASES)
    assert outcome.page.items, "the sandbox catalogue has phone cases between 2 and 10 USD in the US"
    for item in outcome.page.items:
        assert "phone case" in item.name.lower() or "case" in item.name.lower()
        assert item.sell_price.min <= Decimal("10") and item.sell_price.max >= Decimal("2")
    assert outcome.imported == {}
    assert not outcome.from_cache


def test_same_search_within_ten_minutes_makes_no_cj_call(cj_account):
    catalog.search(PHONE_CASES)
    before = _listv2_calls()
    again = catalog.search(PHONE_CASES)
    assert again.from_cache
    assert _listv2_calls() == before == 1
    catalog.search(catalog.SearchFilters(keyword="phone case", page=2))
    assert _listv2_calls() == 2


def test_details_have_variants_stock_reviews(cj_account):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    details = catalog.product_details(pid)
    assert details.product.variants
    assert details.inventory is not None and details.inventory.by_variant
    assert details.reviews is not None
    assert details.problems == []
    vid = details.product.variants[0].vid
    origin, options = catalog.freight_quote(vid=vid, destination="FR", stock=details.variant_stock(vid))
    assert origin in ("FR", "CN")
    assert options and all(option.price > 0 for option in options)
    assert [o.price for o in options] == sorted(o.price for o in options)


def test_import_prices_every_variant_with_the_rule_and_links_it(cj_account):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    rule = PricingRule(Decimal("50"), Rounding.NINETY_NINE, Decimal("1.5"))
    category = Category.objects.create(name="Coques")
    outcome = importing.import_product(pid=pid, rule=rule, status="active", category=category)
    assert outcome.created
    product = outcome.product
    assert product.source == Product.Source.CJ and product.status == "active" and product.category == category
    link = CJProductLink.objects.get(pid=pid)
    assert link.product == product and link.margin_percent == Decimal("50")
    rate = CJSettings.load().usd_rate
    variants = list(product.variants.select_related("cj_link"))
    assert variants
    for variant in variants:
        expected = price_for(variant.cj_link.cost_usd, rule, rate)
        assert variant.price == expected.price
        assert variant.compare_at_price == expected.compare_at
        assert variant.cost == variant.cj_link.cost_usd and variant.cost_currency == "USD"
    assert CJVariantLink.objects.filter(product_link=link).count() == len(variants)


def test_reimport_creates_nothing(cj_account):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    rule = importing.rule_from_settings()
    first = importing.import_product(pid=pid, rule=rule, status="active")
    counts = (Product.objects.count(), Variant.objects.count(), CJVariantLink.objects.count())
    second = importing.import_product(pid=pid, rule=rule, status="active")
    assert not second.created and second.product == first.product
    assert "déjà importé" in second.message
    assert (Product.objects.count(), Variant.objects.count(), CJVariantLink.objects.count()) == counts


def test_search_marks_imported_results(cj_account):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    outcome = importing.import_product(pid=pid, rule=importing.rule_from_settings(), status="active")
    assert catalog.search(PHONE_CASES).imported == {pid: outcome.product.pk}


def test_removed_product_gives_a_clear_message(cj_account, cj_sandbox, staff_client):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/products/{pid}/remove", timeout=5).raise_for_status()
    with pytest.raises(CJProductNotFound) as caught:
        catalog.product_details(pid + "-x")
    assert "introuvable" in caught.value.user_message.lower() or "retiré" in caught.value.user_message.lower()
    from django.core.cache import cache

    cache.clear()
    response = staff_client.get(reverse("cj:product_detail", args=[pid]))
    assert response.status_code == 404
    assert "CJ" in response.content.decode()


def test_products_page_search_and_grid(cj_account, staff_client):
    url = reverse("cj:products")
    response = staff_client.get(
        url, {"q": "phone case", "min_price": "2", "max_price": "10", "country": "US"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="pcard') >= 1
    assert "Détails" in html and "Importer" in html


def test_products_page_rejects_inverted_prices(cj_account, staff_client):
    response = staff_client.get(reverse("cj:products"), {"q": "x", "min_price": "10", "max_price": "2"})
    assert "supérieur au prix min" in response.content.decode()


def test_import_view_then_reimport_links_to_the_product(cj_account, staff_client):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    form = {
        "category": "",
        "new_category": "Coques",
        "margin_percent": "50",
        "rounding": "99",
        "compare_at_multiplier": "",
        "status": "active",
    }
    first = staff_client.post(reverse("cj:import_product", args=[pid]), form)
    product = Product.objects.get(cj_link__pid=pid)
    assert first.status_code == 302 and first.url == reverse("catalog:product_detail", args=[product.pk])
    assert product.category.name == "Coques"
    second = staff_client.post(reverse("cj:import_product", args=[pid]), form, follow=True)
    assert "déjà importé" in second.content.decode()
    assert Product.objects.filter(cj_link__pid=pid).count() == 1


def test_price_preview_fragment(cj_account, staff_client):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    form = {"margin_percent": "60", "rounding": "99", "compare_at_multiplier": "1.5", "status": "active"}
    html = staff_client.post(
        reverse("cj:price_preview", args=[pid]), form, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="price-preview"' in html and ",99" in html


def test_bulk_import_job_reports_progress_and_summary(cj_account, settings):
    pids = [item.pid for item in catalog.search(PHONE_CASES).page.items[:3]]
    job = bulk_import.start(
        pids=[*pids, "does-not-exist"], rule=importing.rule_from_settings(), status="active", category_id=None
    )
    assert job.total == 4
    job = bulk_import.run(job.pk)  # what the worker runs
    assert job.status == SyncRun.Status.DONE
    assert (job.done, job.failed) == (3, 1)
    assert CJProductLink.objects.filter(pid__in=pids).count() == 3
    assert job.summary["results"]["does-not-exist"]["ok"] is False


def test_rating_is_the_average_of_the_latest_reviews_and_cached(cj_account, staff_client):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    summary = catalog.rating_summary(pid)
    if summary.total:
        assert Decimal("1") <= summary.average <= Decimal("5")
    calls = CJApiCall.objects.filter(endpoint="product/productComments").count()
    html = staff_client.get(reverse("cj:product_rating", args=[pid])).content.decode()
    assert "/5" in html or "Pas encore d'avis" in html
    assert CJApiCall.objects.filter(endpoint="product/productComments").count() == calls


@pytest.mark.parametrize("pid", ["\r", " ", "%"])
def test_an_id_cj_cannot_read_is_a_missing_product_not_an_outage(cj_account, staff_client, pid):
    """Found by the import fuzz test: CJ answers a nonsense id with "invalid parameters", which is a 404 here."""
    url = reverse("cj:import_product", args=[pid])
    assert staff_client.post(url, {"margin_percent": "x"}).status_code == 404
    assert staff_client.get(reverse("cj:product_detail", args=[pid])).status_code == 404


def test_import_of_a_product_cj_no_longer_has_is_refused_with_the_reason(cj_account, cj_sandbox):
    pid = catalog.search(PHONE_CASES).page.items[0].pid
    catalog.product_details(pid)  # the Détails page was opened: CJ's answer is cached
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/products/{pid}/remove", timeout=5).raise_for_status()
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_product(pid=pid, rule=importing.rule_from_settings(), status="active")
    assert "CJ ne connaît plus ce produit" in str(refused.value)
    assert not CJProductLink.objects.filter(pid=pid).exists() and not Product.objects.exists()


def test_import_of_an_off_sale_product_is_refused(cj_account, cj_sandbox):
    pid = catalog.search(PHONE_CASES).page.items[1].pid
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/products/{pid}/off-sale", timeout=5).raise_for_status()
    with pytest.raises(importing.ImportRefused) as refused:
        importing.import_product(pid=pid, rule=importing.rule_from_settings(), status="active")
    assert "hors vente" in str(refused.value) and not Product.objects.exists()


def test_detail_page_of_an_imported_product_gone_at_cj_makes_it_unavailable(
    cj_account, cj_sandbox, staff_client
):
    from kamri.cj.models import Problem

    pid = catalog.search(PHONE_CASES).page.items[2].pid
    outcome = importing.import_product(pid=pid, rule=importing.rule_from_settings(), status="active")
    httpx.post(f"{cj_sandbox.root_url}/_sandbox/products/{pid}/remove", timeout=5).raise_for_status()
    from django.core.cache import cache

    cache.clear()
    assert staff_client.get(reverse("cj:product_detail", args=[pid])).status_code == 404
    assert all(variant.stock == 0 for variant in outcome.product.variants.all())
    assert Problem.objects.filter(code=f"unavailable-{outcome.product.pk}").exists()


def test_grid_shows_the_stock_of_the_country_searched(cj_account, staff_client, cj_sandbox):
    html = staff_client.get(reverse("cj:products"), {"q": "phone case", "country": "FR"}).content.decode()
    pid = catalog.search(catalog.SearchFilters(keyword="phone case", country="FR")).page.items[0].pid
    assert f"/admin/cj/produits/{pid}/stock-pays/?country=FR" in html
    fragment = staff_client.get(reverse("cj:product_country_stock", args=[pid]), {"country": "FR"})
    product = cj_sandbox.state.catalog.by_pid[pid]
    france = sum(product.stock_by_country.get("FR", (0, 0)))
    everywhere = sum(cj + factory for cj, factory in product.stock_by_country.values())
    text = fragment.content.decode()
    assert 'data-country-stock="FR"' in text and "France" in text
    assert catalog.country_stock(pid, "FR") == catalog.CountryStock("FR", france, everywhere)
    no_country = staff_client.get(reverse("cj:products"), {"q": "phone case"}).content.decode()
    assert "stock-pays" not in no_country


def test_details_say_which_warehouse_ships_to_each_destination_and_its_delay(
    cj_account, staff_client, cj_sandbox
):
    product = next(
        p
        for p in cj_sandbox.state.catalog.products
        if not p.removed and p.status == "3" and "FR" in p.stock_by_country and "US" not in p.stock_by_country
    )
    response = staff_client.get(reverse("cj:product_detail", args=[product.pid]))
    plan = {row.destination: row for row in response.context["shipping"]}
    assert plan["FR"].origin == "FR" and plan["US"].origin == "CN"
    html = response.content.decode()
    assert 'id="ship-from"' in html and "Entrepôt FR" in html
    delay = staff_client.get(
        reverse("cj:product_freight", args=[product.pid]),
        {"vid": plan["FR"].vid, "country": "FR", "brief": "1"},
    ).content.decode()
    assert "jours" in delay or "aucun transporteur" in delay
