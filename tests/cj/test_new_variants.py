""" "Nouvelles variantes CJ": import, ignore and reopen the variants CJ added, against the sandbox over HTTP.

The sandbox has no control call that adds a variant to a product, so "CJ added a variant after the import"
is built the other way round: a sandbox product is imported, then KAMRI forgets some of its variants (as if
CJ had created them later). The syncs then find them exactly as they find a variant CJ really added.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kamri.catalog.models import Variant
from kamri.catalog.pricing import price_for
from kamri.cj.catalog import importing
from kamri.cj.models import CJAccount, CJApiCall, CJProductLink, CJSettings, CJVariantLink, NewCJVariant
from kamri.cj.sync import catalog_sync, new_variants, price_sync, stock_sync
from kamri.core import audit
from kamri.core.models import AdminAction
from tests import factories
from tests.cj.helpers import cj_adds, control, imported_product

pytestmark = pytest.mark.django_db

INVENTORY = "product/stock/getInventoryByPid"
DETAIL = "product/query"


def calls(endpoint: str) -> int:
    return CJApiCall.objects.filter(endpoint=endpoint).count()


def test_import_prices_with_the_product_rule_options_from_the_key_and_cj_stock(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    (added,) = cj_adds(link, 1)
    control(cj_sandbox, f"variants/{added['vid']}/stock", {"countryCode": "US", "cjInventory": 5})
    control(cj_sandbox, f"variants/{added['vid']}/stock", {"countryCode": "CN", "cjInventory": 90})
    settings_row = CJSettings.load()
    settings_row.stock_countries = ["US"]
    settings_row.save()
    price_sync.run(price_sync.start(enqueue=False).pk)  # a price sync lists it with SKU, key and cost
    row = NewCJVariant.objects.get(vid=added["vid"])
    assert row.status == "new" and row.sku == added["sku"] and row.key and row.cost_usd
    before = calls(DETAIL), calls(INVENTORY)

    report = new_variants.import_many([row.pk])

    assert (calls(DETAIL), calls(INVENTORY)) == (before[0], before[1] + 1)  # the row had the detail
    (variant,) = report.imported
    variant.refresh_from_db()
    expected = price_for(row.cost_usd, importing.rule_of(link), settings_row.usd_rate)
    assert variant.product_id == link.product_id and variant.sku == added["sku"]
    assert variant.options == added["options"]  # the key split on the product's option names, as at import
    assert (variant.price, variant.compare_at_price, variant.cost) == (
        expected.price,
        expected.compare_at,
        row.cost_usd,
    )
    variant_link = CJVariantLink.objects.get(vid=added["vid"])
    assert variant_link.variant_id == variant.pk and variant_link.cost_usd == row.cost_usd
    assert variant_link.stock_by_country["US"] == 5 and variant_link.stock_by_country["CN"] >= 90
    assert variant.stock == 5  # only the chosen warehouse country counts
    row.refresh_from_db()
    assert row.status == "imported"
    ((level, text),) = report.messages()
    assert level == "success" and added["sku"] in text and link.product.title in text


def test_importing_twice_creates_nothing(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    (added,) = cj_adds(link, 1)
    price_sync.run(price_sync.start(enqueue=False).pk)
    row = NewCJVariant.objects.get(vid=added["vid"])
    assert len(new_variants.import_many([row.pk]).imported) == 1
    variants = Variant.objects.count()

    again = new_variants.import_many([row.pk, row.pk])

    assert again.imported == [] and again.already == 1 and Variant.objects.count() == variants
    assert again.messages() == [("info", "1 variante était déjà importée : rien de créé.")]
    # A row still "new" whose vid is linked meanwhile (another path won): marked imported, nothing created.
    NewCJVariant.objects.filter(pk=row.pk).update(status="new")
    assert new_variants.import_many([row.pk]).already == 1
    assert Variant.objects.count() == variants and NewCJVariant.objects.get(pk=row.pk).status == "imported"
    # The syncs do not list it again while it is in the catalogue.
    price_sync.run(price_sync.start(enqueue=False).pk)
    assert NewCJVariant.objects.get(pk=row.pk).status == "imported"


def test_rows_known_only_by_vid_fetch_the_product_detail_once(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox, min_variants=4)
    added = cj_adds(link, 2)
    job = stock_sync.run(stock_sync.start(enqueue=False).pk)  # a stock sync only sees the vids
    assert job.summary["new_variants"] == 2
    rows = list(NewCJVariant.objects.filter(product_link=link))
    assert all(not row.sku and row.cost_usd is None for row in rows)
    page = new_variants.priced(new_variants.listed("new"))
    assert [item.quote for item in page] == [None, None]  # no price to show before CJ is asked
    before = calls(DETAIL), calls(INVENTORY)

    report = new_variants.import_many([row.pk for row in rows])

    assert (calls(DETAIL), calls(INVENTORY)) == (before[0] + 1, before[1] + 1)  # one of each for two rows
    assert len(report.imported) == 2 and not report.refused
    made = {v.cj_link.vid: v for v in Variant.objects.filter(product=link.product).select_related("cj_link")}
    for forgotten in added:
        variant = made[forgotten["vid"]]
        assert variant.sku == forgotten["sku"] and variant.options == forgotten["options"]
        assert variant.weight_g == forgotten["weight"] and variant.cost > 0
    assert report.messages() == [("success", "2 variantes importées dans le catalogue.")]


def test_cj_down_imports_with_stock_zero_and_says_so(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    (added,) = cj_adds(link, 1)
    price_sync.run(price_sync.start(enqueue=False).pk)
    row = NewCJVariant.objects.get(vid=added["vid"])
    control(cj_sandbox, "faults", {"error_rate": 1.0, "paths": [INVENTORY, DETAIL]})

    report = new_variants.import_many([row.pk])

    (variant,) = report.imported
    assert variant.stock == 0 and report.without_stock == 1
    variant_link = CJVariantLink.objects.get(vid=added["vid"])
    assert variant_link.last_synced_at is None  # never synchronised: the next stock sync takes it
    levels = dict(report.messages())
    assert "stock de 0" in levels["warning"] and "prochaine synchronisation du stock" in levels["warning"]
    assert NewCJVariant.objects.get(pk=row.pk).status == "imported"


def test_cj_down_and_no_detail_in_the_row_imports_nothing(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    (added,) = cj_adds(link, 1)
    stock_sync.run(stock_sync.start(enqueue=False).pk)
    row = NewCJVariant.objects.get(vid=added["vid"])
    control(cj_sandbox, "faults", {"error_rate": 1.0, "paths": [DETAIL]})
    variants = Variant.objects.count()

    report = new_variants.import_many([row.pk])

    assert report.imported == [] and Variant.objects.count() == variants
    ((level, text),) = report.messages()
    assert level == "error" and added["vid"] in text and "Réessayez plus tard" in text
    assert calls(INVENTORY) == 2  # the product import's and the sync's: none for a row left unimported
    assert NewCJVariant.objects.get(pk=row.pk).status == "new"  # still waiting: the admin can try again


def test_variant_cj_no_longer_lists_is_refused(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    catalog_sync.record_new_variant(link, vid="1999999999999999999")  # seen once, gone from CJ since
    row = NewCJVariant.objects.get(vid="1999999999999999999")
    report = new_variants.import_many([row.pk])
    assert report.imported == [] and report.refused == [
        "1999999999999999999 : CJ ne propose plus cette variante."
    ]


def test_a_product_cj_removed_is_refused_without_a_second_call(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    added = cj_adds(link, 2)
    stock_sync.run(stock_sync.start(enqueue=False).pk)
    control(cj_sandbox, f"products/{link.pid}/remove")
    rows = list(NewCJVariant.objects.filter(product_link=link).order_by("vid"))
    before = calls(INVENTORY)

    report = new_variants.import_many([row.pk for row in rows])

    assert report.imported == [] and calls(INVENTORY) == before
    assert sorted(report.refused) == sorted(
        f"{a['vid']} : Produit introuvable chez CJ (retiré ou hors vente)" for a in added
    )
    assert set(NewCJVariant.objects.filter(product_link=link).values_list("status", flat=True)) == {"new"}


def test_a_row_whose_product_was_deleted_gives_a_clear_message(cj_account, cj_sandbox, staff_client):
    link = imported_product(cj_sandbox)
    (added,) = cj_adds(link, 1)
    price_sync.run(price_sync.start(enqueue=False).pk)
    row = NewCJVariant.objects.get(vid=added["vid"])
    link.product.delete()  # the product and its CJ link go; so does the row

    report = new_variants.import_many([row.pk])

    assert report.missing == 1 and report.imported == []
    assert report.messages() == [
        ("warning", "1 variante n'existe plus : son produit a été supprimé du catalogue.")
    ]
    response = staff_client.post(
        reverse("cj:new_variant_decide", args=[row.pk]), {"action": "import"}, follow=True
    )
    assert (
        response.status_code == 200 and "son produit a été supprimé du catalogue" in response.content.decode()
    )


def test_without_a_cj_account_a_complete_row_is_imported_with_stock_zero(cj_account, cj_sandbox):
    link = imported_product(cj_sandbox)
    added = cj_adds(link, 2)
    price_sync.run(price_sync.start(enqueue=False).pk)
    complete = NewCJVariant.objects.get(vid=added[0]["vid"])
    partial = NewCJVariant.objects.get(vid=added[1]["vid"])
    NewCJVariant.objects.filter(pk=partial.pk).update(sku="", key="")
    CJAccount.objects.all().delete()

    report = new_variants.import_many([complete.pk, partial.pk])

    assert [v.sku for v in report.imported] == [added[0]["sku"]] and report.imported[0].stock == 0
    assert report.imported[0].options == added[0]["options"]
    assert len(report.refused) == 1 and "Aucun compte CJ" in report.refused[0]


def test_ignore_then_reopen(staff_client):
    link = _product_link()
    for index in range(3):
        catalog_sync.record_new_variant(
            link, vid=f"50000000000000000{index}", sku=f"LAMP-{index}", key="Noir", cost=Decimal("4.00")
        )
    one, two, three = NewCJVariant.objects.order_by("vid")
    assert new_variants.ignore_many([one.pk, two.pk]) == 2
    assert new_variants.ignore_many([one.pk]) == 0  # already ignored
    assert new_variants.counts() == {"new": 1, "imported": 0, "ignored": 2}
    assert new_variants.reopen([one.pk, three.pk]) == 1  # three was never ignored
    assert dict(NewCJVariant.objects.values_list("vid", "status")) == {
        one.vid: "new",
        two.vid: "ignored",
        three.vid: "new",
    }
    # An ignored row stays ignored when the syncs see the variant again.
    assert catalog_sync.record_new_variant(link, vid=two.vid, sku="LAMP-1") is False
    assert NewCJVariant.objects.get(pk=two.pk).status == "ignored"


def test_a_later_sighting_fills_the_row_and_a_deleted_import_is_listed_again():
    link = _product_link()
    assert catalog_sync.record_new_variant(link, vid="600000000000000001") is True  # a stock sync: vid only
    assert (
        catalog_sync.record_new_variant(
            link, vid="600000000000000001", sku="LAMP-R", key="Rouge", cost=Decimal("3.10")
        )
        is False
    )  # a price sync: same row, now complete
    row = NewCJVariant.objects.get(vid="600000000000000001")
    assert (row.sku, row.key, row.cost_usd) == ("LAMP-R", "Rouge", Decimal("3.10"))
    NewCJVariant.objects.filter(pk=row.pk).update(status="imported")  # imported, then deleted from the shop
    assert catalog_sync.record_new_variant(link, vid=row.vid) is True
    row.refresh_from_db()
    assert row.status == "new" and row.sku == "LAMP-R"


def test_the_page_tabs_and_buttons(staff_client):
    link = _product_link()
    catalog_sync.record_new_variant(
        link, vid="700000000000000001", sku="LAMP-B", key="Bleu", cost=Decimal("4")
    )
    catalog_sync.record_new_variant(
        link, vid="700000000000000002", sku="LAMP-V", key="Vert", cost=Decimal("4")
    )
    blue, green = NewCJVariant.objects.order_by("vid")
    page = staff_client.get(reverse("cj:new_variants")).content.decode()
    assert "LAMP-B" in page and "LAMP-V" in page and "Importer la sélection" in page
    quote = price_for(Decimal("4"), importing.rule_of(link), CJSettings.load().usd_rate)
    assert f"{quote.price:.2f}".replace(".", ",") in page  # the price it would sell at

    response = staff_client.post(
        reverse("cj:new_variant_decide", args=[green.pk]), {"action": "ignore"}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("cj:new_variants")
    assert "1 variante ignorée" in html and "LAMP-V" not in html
    journal = AdminAction.objects.get(action="cj:new_variant_decide")  # the Journal d'activité names it
    assert audit.label(journal.action) == "Importer, ignorer ou rouvrir une nouvelle variante CJ"
    assert journal.target == "Variante CJ LAMP-V de « Lampe » · ignorer"  # named, not "pk 2"
    assert journal.message.startswith("1 variante ignorée")
    ignored = staff_client.get(reverse("cj:new_variants"), {"statut": "ignored"}).content.decode()
    assert "LAMP-V" in ignored and "LAMP-B" not in ignored and "Rouvrir la sélection" in ignored

    response = staff_client.post(
        reverse("cj:new_variants_bulk"), {"action": "reopen", "ids": [green.pk], "statut": "ignored"}
    )
    assert response.url == reverse("cj:new_variants") + "?statut=ignored"
    assert NewCJVariant.objects.get(pk=green.pk).status == "new"
    staff_client.post(reverse("cj:new_variants_bulk"), {"action": "ignore", "ids": [blue.pk, green.pk]})
    assert set(NewCJVariant.objects.values_list("status", flat=True)) == {"ignored"}


@pytest.mark.parametrize(
    "data",
    [
        {"action": "import"},
        {"action": "boom", "ids": ["1"]},
        {"action": "ignore", "ids": ["x", "-1", "99999999999999999999"]},
        {"action": "reopen", "ids": ["1"], "statut": "<script>"},
    ],
)
def test_garbage_input_never_breaks_the_page(staff_client, data):
    link = _product_link()
    catalog_sync.record_new_variant(link, vid="800000000000000001", sku="LAMP-G", key="Gris")
    response = staff_client.post(reverse("cj:new_variants_bulk"), data)
    assert response.status_code == 302 and response.url == reverse("cj:new_variants")
    assert NewCJVariant.objects.get().status == "new"
    for query in ({"statut": "nope"}, {"page": "abc"}, {"statut": "imported"}):
        assert staff_client.get(reverse("cj:new_variants"), query).status_code == 200
    assert staff_client.get(reverse("cj:new_variants_bulk")).status_code == 405


def _product_link() -> CJProductLink:
    product = factories.product(source="cj", title="Lampe", price="9.99", stock=3)
    return CJProductLink.objects.create(
        product=product, pid="2000000000000000001", margin_percent=Decimal("60")
    )
