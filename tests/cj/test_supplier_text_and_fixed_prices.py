"""CJ texts and the product editor, against the sandbox over real HTTP: a later CJ text updates the original
kept beside the shop's and raises "texte CJ modifié depuis" without touching the edited texts; a price fixed in
the editor survives CJ's cost changes; the editor's pricing rule reprices with the one formula."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kamri.catalog.pricing import price_for
from kamri.cj.catalog import importing
from kamri.cj.connection import account as connection
from kamri.cj.models import CJSettings, WebhookEvent
from kamri.cj.sync import catalog_sync, price_sync
from kamri.cj.webhooks import webhook_inbox
from kamri.orders import checkout
from tests.cj.helpers import control, imported_product
from tests.cj.test_webhooks import message, post, process_pending
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(cj_account, cj_sandbox):
    """KAMRI connected (the openId signs CJ's messages) and the receiver's secret URL, as in test_webhooks."""
    connection.check_credentials(api_key=SANDBOX_API_KEY, base_url=cj_sandbox.base_url, tier="advanced")
    webhook_inbox.forget_config()
    return webhook_inbox.config()


REWRITTEN = "<p>Brand new text from CJ.</p><p>Packing list: 1 x lamp</p>"


def _edit(staff_client, product, **fields):
    data = {
        "title": product.title,
        "description": product.description,
        "status": product.status,
        "margin_percent": "60",
        "rounding": "99",
        **fields,
    }
    response = staff_client.post(reverse("catalog:product_edit", args=[product.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    product.refresh_from_db()
    return product


def test_a_price_sync_keeps_cjs_new_text_beside_the_edited_one_and_raises_the_notice(
    cj_account, cj_sandbox, staff_client
):
    link = imported_product(cj_sandbox)
    product = link.product
    assert product.supplier_title == link.cj_name and product.supplier_description == link.cj_description
    assert "à traduire" in staff_client.get(reverse("catalog:product_list")).content.decode()
    product = _edit(
        staff_client, product, title="Lampe rechargeable", description="<p>Texte de la boutique.</p>"
    )
    control(cj_sandbox, f"products/{link.pid}/description", {"description": REWRITTEN})

    price_sync.run(price_sync.start(enqueue=False).pk)

    product.refresh_from_db()
    assert product.title == "Lampe rechargeable" and product.description == "<p>Texte de la boutique.</p>"
    assert product.supplier_description == "Brand new text from CJ.\nPacking list: 1 x lamp"
    assert product.supplier_text_notice
    page = staff_client.get(reverse("catalog:product_edit", args=[product.pk])).content.decode()
    assert 'id="supplier-text-notice"' in page and "Texte CJ modifié depuis" in page
    assert "Brand new text from CJ." in page  # the original, read-only, beside the shop's
    listing = staff_client.get(reverse("catalog:product_list")).content.decode()
    assert "texte CJ modifié" in listing and "à traduire" not in listing
    _edit(staff_client, product)  # saving again marks the change as seen
    assert not product.supplier_text_notice


def test_cjs_product_webhook_updates_the_original_of_an_unedited_product_and_its_text(
    cj_sandbox, client, receiver
):
    link = imported_product(cj_sandbox)
    body = message(
        "PRODUCT",
        {"pid": link.pid, "productDescription": REWRITTEN, "fields": ["productDescription"]},
    )
    assert post(client, receiver, body).status_code == 200
    process_pending()
    link.product.refresh_from_db()
    assert link.product.description == "Brand new text from CJ.\nPacking list: 1 x lamp"  # never edited
    assert link.product.supplier_description == link.product.description
    assert not link.product.supplier_text_notice
    assert WebhookEvent.objects.get().status == "processed"


def test_a_fixed_price_survives_cjs_cost_change_and_is_what_checkout_charges(
    cj_account, cj_sandbox, staff_client
):
    link = imported_product(cj_sandbox)
    variants = list(link.product.variants.order_by("pk"))
    fixed, ruled = variants[0], variants[1]
    product = _edit(staff_client, link.product, **{f"price_{fixed.pk}": "49,90", "margin_percent": "100"})
    fixed.refresh_from_db()
    ruled.refresh_from_db()
    rule = importing.rule_of(link.__class__.objects.get(pk=link.pk))
    assert rule.margin_percent == Decimal("100")
    assert fixed.price == Decimal("49.90") and fixed.price_fixed
    assert ruled.price == price_for(ruled.cj_link.cost_usd, rule, CJSettings.load().usd_rate).price
    outcome = catalog_sync.apply_cost_change(fixed.cj_link, fixed.cj_link.cost_usd * 2, source="test")
    fixed.refresh_from_db()
    assert outcome.kind == "fixed" and fixed.price == Decimal("49.90")
    assert fixed.cost == fixed.cj_link.cost_usd  # the new cost is recorded all the same
    quote = checkout.quote({fixed.pk: 1, ruled.pk: 1})
    assert [line.unit_price for line in quote.lines] == [Decimal("49.90"), ruled.price]
    assert product.pk == link.product_id


def test_a_bulk_rule_reprices_cj_products_with_the_one_formula_and_keeps_fixed_prices(cj_account, cj_sandbox):
    from kamri.catalog import bulk
    from kamri.catalog.pricing import PricingRule, Rounding

    link = imported_product(cj_sandbox)
    variants = list(link.product.variants.order_by("pk"))
    fixed = variants[0]
    fixed.price, fixed.price_fixed = Decimal("99.00"), True
    fixed.save()
    rule = PricingRule(
        margin_percent=Decimal("25"), rounding=Rounding.NINETY, compare_at_multiplier=Decimal("1.5")
    )
    outcome = bulk.set_rule([link.product_id], rule)
    assert outcome.complete and outcome.names == f"« {link.product.title[:60]} »"
    link.refresh_from_db()
    assert importing.rule_of(link) == rule  # the syncs reprice with it from now on
    rate = CJSettings.load().usd_rate
    for variant in variants[1:]:
        variant.refresh_from_db()
        expected = price_for(variant.cj_link.cost_usd, rule, rate)
        assert (variant.price, variant.compare_at_price) == (expected.price, expected.compare_at)
    fixed.refresh_from_db()
    assert fixed.price == Decimal("99.00")
