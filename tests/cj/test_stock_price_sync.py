"""Stock and price synchronisation, the approval page and the commands, against the sandbox over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kamri.catalog.models import Product, Variant
from kamri.catalog.pricing import price_for
from kamri.cj.catalog import importing
from kamri.cj.models import (
    CJApiCall,
    CJProductLink,
    CJSettings,
    CJVariantLink,
    NewCJVariant,
    PriceChange,
    Problem,
    SyncRun,
)
from kamri.cj.sync import catalog_sync, price_sync, stock_sync
from kamri.cj.tasks import sync as sync_tasks
from tests.cj.helpers import control, import_cj_products

pytestmark = pytest.mark.django_db

INVENTORY = "product/stock/getInventoryByPid"


def link_sandbox_products(
    sandbox, count: int, *, min_variants: int = 1, skip_vids: int = 0
) -> list[CJProductLink]:
    """Imported products built from the sandbox's own catalogue (control API: no CJ call, no quota)."""
    listing = httpx.get(
        f"{sandbox.root_url}/_sandbox/products", params={"status": 3, "limit": 60}, timeout=10
    )
    settings_row = CJSettings.load()
    rule = importing.rule_from_settings(settings_row)
    links = []
    for summary in listing.json()["products"]:
        if len(summary["vids"]) < min_variants or CJProductLink.objects.filter(pid=summary["pid"]).exists():
            continue
        full = httpx.get(f"{sandbox.root_url}/_sandbox/products/{summary['pid']}", timeout=10).json()[
            "product"
        ]
        product = Product.objects.create(
            title=full["nameEn"][:255], status=Product.Status.ACTIVE, source=Product.Source.CJ
        )
        link = CJProductLink.objects.create(
            product=product, pid=full["pid"], margin_percent=rule.margin_percent, rounding=rule.rounding.value
        )
        for row in full["variants"][skip_vids:]:
            cost = Decimal(str(row["price"]))
            variant = Variant.objects.create(
                product=product,
                sku=f"T-{row['vid'][-12:]}",
                price=price_for(cost, rule, settings_row.usd_rate).price,
                cost=cost,
                stock=1,
            )
            CJVariantLink.objects.create(
                variant=variant, product_link=link, vid=row["vid"], cj_sku=row["sku"], cost_usd=cost
            )
        links.append(link)
        if len(links) == count:
            return links
    raise AssertionError("the sandbox catalogue should offer enough products")


def first_variant_link(link: CJProductLink) -> CJVariantLink:
    return link.variant_links.select_related("variant").order_by("pk").first()


def test_stock_sync_one_call_per_product_and_chosen_warehouses(cj_account, cj_sandbox):
    links = link_sandbox_products(cj_sandbox, 3)
    target = first_variant_link(links[0])
    control(
        cj_sandbox,
        f"variants/{target.vid}/stock",
        {"countryCode": "US", "cjInventory": 5, "factoryInventory": 0},
    )
    control(
        cj_sandbox,
        f"variants/{target.vid}/stock",
        {"countryCode": "CN", "cjInventory": 100, "factoryInventory": 7},
    )
    settings_row = CJSettings.load()
    settings_row.stock_countries = ["US"]
    settings_row.save()

    job = stock_sync.run(stock_sync.start(enqueue=False).pk)

    assert job.status == SyncRun.Status.DONE and job.total == 3 and job.done == 3 and not job.failed
    assert CJApiCall.objects.filter(endpoint=INVENTORY).count() == 3  # one call per product, no more
    target.refresh_from_db()
    target.variant.refresh_from_db()
    assert target.stock_by_country["US"] == 5 and target.stock_by_country["CN"] == 107
    assert target.variant.stock == 5  # only the US warehouse counts
    assert job.summary["products"] == 3 and job.summary["errors"] == 0 and job.summary["rate_limited"] == 0
    assert "3 produits synchronisés" in job.summary["lines"]
    links[0].refresh_from_db()
    assert links[0].last_synced_at is not None
    # Freshly synchronised products are skipped by the scheduled run (a webhook or this sync just did them).
    assert (
        not stock_sync.products(fresher_than=stock_sync.period() / 2)
        .filter(pk__in=[x.pk for x in links])
        .exists()
    )


def test_stock_sync_lists_new_cj_variants_and_zeroes_variants_cj_dropped(cj_account, cj_sandbox):
    (link,) = link_sandbox_products(
        cj_sandbox, 1, min_variants=2, skip_vids=1
    )  # CJ's first vid unknown to us
    gone = CJVariantLink.objects.create(
        variant=Variant.objects.create(product=link.product, sku="GONE-1", price=Decimal("9.99"), stock=4),
        product_link=link,
        vid="999000111222333",
        cost_usd=Decimal("3.00"),
    )
    job = stock_sync.run(stock_sync.start(enqueue=False).pk)
    assert job.summary["new_variants"] == 1 and job.summary["missing_variants"] == 1
    assert NewCJVariant.objects.filter(product_link=link, status="new").count() == 1
    gone.variant.refresh_from_db()
    assert gone.variant.stock == 0
    assert CJVariantLink.objects.get(pk=gone.pk).not_found_count == 1


def test_cost_plus_8_percent_reprices_with_the_product_rule(cj_account, cj_sandbox):
    (link,) = link_sandbox_products(cj_sandbox, 1)
    target = first_variant_link(link)
    new_cost = (target.cost_usd * Decimal("1.08")).quantize(Decimal("0.01"))
    control(cj_sandbox, f"variants/{target.vid}/price", {"price": str(new_cost)})

    job = price_sync.run(price_sync.start(enqueue=False).pk)

    assert job.status == SyncRun.Status.DONE and job.summary["repriced"] == 1 and job.summary["pending"] == 0
    assert CJApiCall.objects.filter(endpoint="product/query").count() == 1
    target.refresh_from_db()
    target.variant.refresh_from_db()
    expected = price_for(new_cost, importing.rule_of(link), CJSettings.load().usd_rate)
    assert target.cost_usd == new_cost and target.variant.price == expected.price
    assert PriceChange.objects.get(variant_link=target).status == PriceChange.Status.AUTO


def test_cost_plus_35_percent_waits_then_approve_or_reject_from_the_page(
    cj_account, cj_sandbox, staff_client
):
    (link,) = link_sandbox_products(cj_sandbox, 1, min_variants=2)
    first, second = link.variant_links.select_related("variant").order_by("pk")[:2]
    old_prices = {first.pk: first.variant.price, second.pk: second.variant.price}
    for variant_link in (first, second):
        cost = (variant_link.cost_usd * Decimal("1.35")).quantize(Decimal("0.01"))
        control(cj_sandbox, f"variants/{variant_link.vid}/price", {"price": str(cost)})

    job = price_sync.run(price_sync.start(enqueue=False).pk)

    assert job.summary["pending"] >= 2 and "en attente d'approbation" in " ".join(job.summary["lines"])
    approve = PriceChange.objects.get(variant_link=first, status=PriceChange.Status.PENDING)
    reject = PriceChange.objects.get(variant_link=second, status=PriceChange.Status.PENDING)
    first.variant.refresh_from_db()
    assert first.variant.price == old_prices[first.pk]  # nothing changes before the decision

    page = staff_client.get(reverse("cj:price_changes")).content.decode()
    assert "Changements de prix en attente" in page and first.variant.sku in page
    assert "Approuver" in page and "Refuser" in page and 'id="price-alert"' in page

    response = staff_client.post(reverse("cj:price_change_decide", args=[approve.pk]), {"action": "approve"})
    assert response.status_code == 302 and response.url == reverse("cj:price_changes")
    staff_client.post(reverse("cj:price_change_decide", args=[reject.pk]), {"action": "reject"})

    first.variant.refresh_from_db()
    second.variant.refresh_from_db()
    assert first.variant.price == approve.new_price != old_prices[first.pk]
    assert second.variant.price == old_prices[second.pk]
    approve.refresh_from_db()
    reject.refresh_from_db()
    assert approve.status == PriceChange.Status.APPROVED and approve.decided_by == "staff"
    assert reject.status == PriceChange.Status.REJECTED
    history = staff_client.get(reverse("cj:price_changes")).content.decode()
    assert "Approuvé" in history and "Refusé" in history


def test_removed_product_is_unavailable_at_the_first_not_found(cj_account, cj_sandbox):
    (link,) = link_sandbox_products(cj_sandbox, 1)
    control(cj_sandbox, f"products/{link.pid}/remove")

    first = stock_sync.run(stock_sync.start(enqueue=False).pk)
    assert first.summary["not_found"] == 1 and first.summary["unavailable"] == 1
    assert "1 produit introuvable chez CJ, dont 1 rendu indisponible" in " ".join(first.summary["lines"])
    assert all(v.stock == 0 for v in link.product.variants.all())
    link.product.refresh_from_db()
    assert link.product.status == Product.Status.ACTIVE  # the default setting: stock 0, still listed
    problem = Problem.objects.get(code=f"unavailable-{link.product.pk}")
    assert "retiré du catalogue CJ" in problem.detail

    second = stock_sync.run(stock_sync.start(enqueue=False).pk)  # acted on once, not again
    assert second.summary["not_found"] == 1 and second.summary["unavailable"] == 0


def test_removed_product_becomes_inactive_when_the_setting_says_so(cj_account, cj_sandbox):
    (link,) = link_sandbox_products(cj_sandbox, 1)
    settings_row = CJSettings.load()
    settings_row.unavailable_action = "inactive"
    settings_row.save()
    control(cj_sandbox, f"products/{link.pid}/remove")
    job = price_sync.run(price_sync.start(enqueue=False).pk)
    link.product.refresh_from_db()
    assert job.summary["unavailable"] == 1 and link.product.status == Product.Status.INACTIVE


def test_quota_exhaustion_stops_the_job_with_a_clear_message(cj_account, cj_sandbox, monkeypatch):
    link_sandbox_products(cj_sandbox, 3)
    # CJ refuses before KAMRI has any figure of its own (no answer carried pointsInfo yet today)
    monkeypatch.setattr(cj_sandbox.state.points, "base_per_day", 5)
    job = stock_sync.run(stock_sync.start(enqueue=False).pk)
    assert job.status == SyncRun.Status.FAILED and "Quota" in job.error
    assert CJApiCall.objects.filter(endpoint=INVENTORY).count() == 1  # stopped at the first refusal
    assert job.done == 0 and job.summary["quota_until"]
    assert not stock_sync.is_due(SyncRun.Kind.STOCK, stock_sync.period())  # no hammering before the reset


def test_imported_product_stock_sync_end_to_end(cj_account, cj_sandbox):
    (product,) = import_cj_products(1)
    variant_link = CJVariantLink.objects.filter(variant__product=product).first()
    control(
        cj_sandbox,
        f"variants/{variant_link.vid}/stock",
        {"countryCode": "US", "cjInventory": 0, "factoryInventory": 0},
    )
    before = variant_link.stock_by_country
    stock_sync.run(stock_sync.start(enqueue=False).pk)
    variant_link.refresh_from_db()
    variant_link.variant.refresh_from_db()
    expected = {**before, "US": 0}
    assert variant_link.stock_by_country == expected
    assert variant_link.variant.stock == sum(expected.values())


def test_planner_tick_checks_due_products_then_plans_their_next_check(cj_account, cj_sandbox):
    links = link_sandbox_products(cj_sandbox, 2)
    sync_tasks.plan_cj_freshness.call_local()
    job = SyncRun.objects.get(kind=SyncRun.Kind.STOCK)
    assert job.status == SyncRun.Status.DONE and job.params["planner"] and job.done == 2
    calls = CJApiCall.objects.filter(purpose="stock").exclude(endpoint__startswith="authentication/")
    assert set(calls.values_list("endpoint", flat=True)) == {"product/query"}  # stock and prices in one call
    for link in links:
        link.refresh_from_db()
        assert link.next_check_at > timezone.now() + timedelta(hours=5)  # unsold: hours away, not minutes
    sync_tasks.plan_cj_freshness.call_local()
    assert SyncRun.objects.filter(kind=SyncRun.Kind.STOCK).count() == 1  # nothing due: no run, no points
    prices = price_sync.run(price_sync.start(enqueue=False).pk)
    assert sync_tasks.run_stock_sync.call_local(prices.pk) is None  # a finished run is never run again


def test_commands_print_a_summary(cj_account, cj_sandbox, capsys):
    link_sandbox_products(cj_sandbox, 1)
    call_command("cj_sync_stock")
    call_command("cj_sync_prices")
    out = capsys.readouterr().out
    assert out.count("1 produit synchronisé") == 2 and "0 erreurs" in out  # ngettext: singular for 1
    assert SyncRun.objects.filter(status=SyncRun.Status.DONE).count() == 2


def test_sync_buttons_start_jobs_and_show_progress(cj_account, staff_client):
    response = staff_client.post(reverse("cj:sync_stock"))
    job = SyncRun.objects.get(kind=SyncRun.Kind.STOCK)
    assert response.status_code == 302 and response.url == reverse("cj:sync_run", args=[job.pk])
    again = staff_client.post(reverse("cj:sync_stock"))
    assert again.url == response.url  # one run at a time
    prices = staff_client.post(reverse("cj:sync_prices"))
    assert prices.url == reverse("cj:sync_run", args=[SyncRun.objects.get(kind=SyncRun.Kind.PRICES).pk])
    assert staff_client.get(reverse("cj:sync_stock")).status_code == 405


def test_sync_buttons_without_account_go_to_configuration(staff_client):
    response = staff_client.post(reverse("cj:sync_prices"))
    assert response.status_code == 302 and response.url == reverse("cj:settings")


def _pending_changes(count: int) -> list[PriceChange]:
    product = Product.objects.create(title="Lampe", status=Product.Status.ACTIVE, source=Product.Source.CJ)
    link = CJProductLink.objects.create(
        product=product, pid="2000000000000000001", margin_percent=Decimal("60")
    )
    changes = []
    for index in range(count):
        variant = Variant.objects.create(product=product, sku=f"LAMP-{index}", price=Decimal("9.99"), stock=3)
        variant_link = CJVariantLink.objects.create(
            variant=variant, product_link=link, vid=f"30000000000000000{index}", cost_usd=Decimal("5.00")
        )
        outcome = catalog_sync.apply_cost_change(variant_link, Decimal("9.00"), source="webhook")
        assert outcome.kind == "pending"
        changes.append(outcome.change)
    return changes


def test_bulk_approve_and_reject(staff_client):
    one, two, three = _pending_changes(3)
    url = reverse("cj:price_changes_bulk")
    assert staff_client.post(url, {"action": "approve", "ids": [one.pk, two.pk]}).status_code == 302
    assert staff_client.post(url, {"action": "reject", "ids": [three.pk, one.pk]}).status_code == 302
    statuses = dict(PriceChange.objects.values_list("pk", "status"))
    assert statuses == {one.pk: "approved", two.pk: "approved", three.pk: "rejected"}
    assert Variant.objects.get(sku="LAMP-0").price == one.new_price
    assert Variant.objects.get(sku="LAMP-2").price == Decimal("9.99")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("cj:price_changes_bulk", {"action": "approve"}),
        ("cj:price_changes_bulk", {"action": "boom", "ids": ["1"]}),
        ("cj:price_changes_bulk", {"action": "reject", "ids": ["x", "-1", "99999999999999999999"]}),
    ],
)
def test_garbage_input_never_breaks_the_page(staff_client, name, data):
    _pending_changes(1)
    assert staff_client.post(reverse(name), data).status_code == 302
    assert PriceChange.objects.filter(status=PriceChange.Status.PENDING).count() == 1
    assert staff_client.get(reverse("cj:price_changes"), {"page": "abc"}).status_code == 200


def test_decide_unknown_or_twice(staff_client):
    (change,) = _pending_changes(1)
    url = reverse("cj:price_change_decide", args=[change.pk])
    assert staff_client.post(url, {"action": "nope"}).status_code == 302
    assert staff_client.post(url, {"action": "approve"}).status_code == 302
    assert staff_client.post(url, {"action": "reject"}).status_code == 302  # already decided: no change
    change.refresh_from_db()
    assert change.status == PriceChange.Status.APPROVED
    assert (
        staff_client.post(reverse("cj:price_change_decide", args=[999999]), {"action": "approve"}).status_code
        == 404
    )
    assert staff_client.get(url).status_code == 405


def test_new_variants_page(staff_client):
    (change,) = _pending_changes(1)
    link = change.variant_link.product_link
    catalog_sync.record_new_variant(
        link, vid="4000000000000000001", sku="NEW-SKU", key="Rouge-XL", cost=Decimal("4.20")
    )
    html = staff_client.get(reverse("cj:new_variants")).content.decode()
    assert "NEW-SKU" in html and "Rouge-XL" in html
    assert "Nouvelles variantes CJ" in staff_client.get(reverse("cj:price_changes")).content.decode()


def test_the_reason_of_a_pending_change_uses_the_french_decimal_comma():
    (change,) = _pending_changes(1)
    assert change.reason.startswith("variation du coût de 80,00 % (tolérance ")
    assert "." not in change.reason
