"""The one sellable-stock rule (kamri.catalog.models), as objects and as querysets, and its users."""

from __future__ import annotations

import pytest

from kamri.catalog.models import Product, Variant, active_variant, has_stock
from kamri.orders.checkout import MAX_LINE_QUANTITY, line_problem, orderable
from kamri.storefront.selectors import availability, is_low_stock, visible_products
from tests.factories import product

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("stock", "expected"), [(-3, False), (0, False), (1, True), (500, True)])
def test_has_stock(stock, expected):
    assert has_stock(stock) is expected


def test_orderable_is_the_stock_capped_and_never_negative():
    assert [orderable(s) for s in (-2, 0, 3, MAX_LINE_QUANTITY + 50)] == [0, 0, 3, MAX_LINE_QUANTITY]


def test_a_variant_is_offered_when_it_and_its_product_are_active():
    variant = product(stock=4).variants.get()
    assert variant.is_offered and variant.in_stock
    variant.stock = 0
    assert variant.is_offered and not variant.in_stock
    variant.is_active = False
    assert not variant.is_offered and not variant.in_stock
    draft = product(status=Product.Status.DRAFT).variants.get()
    assert not draft.is_offered and draft.in_stock  # in stock, yet its product is not for sale


def test_querysets_say_the_same():
    on_sale = product(stock=0)
    draft = product(status=Product.Status.DRAFT)
    hidden = product()
    hidden.variants.update(is_active=False)
    assert list(Product.objects.on_sale()) == [on_sale]  # out of stock still shows ("Épuisé")
    assert set(Product.objects.active()) == {on_sale, hidden}
    assert set(Variant.objects.stocked().values_list("product", flat=True)) == {draft.pk, hidden.pk}
    assert Variant.objects.active().filter(product=hidden).count() == 0
    assert Product.objects.filter(active_variant("variants__")).distinct().count() == 2
    assert set(visible_products()) == {on_sale}


def test_can_supply_guards_the_stock_write():
    variant = product(stock=3).variants.get()
    assert Variant.objects.can_supply(3).filter(pk=variant.pk).exists()
    assert not Variant.objects.can_supply(4).filter(pk=variant.pk).exists()
    Variant.objects.filter(pk=variant.pk).update(is_active=False)
    assert not Variant.objects.can_supply(1).filter(pk=variant.pk).exists()


def test_checkout_and_product_page_words_follow_the_rule():
    variant = product(stock=2).variants.select_related("product").get()
    assert line_problem(variant, 2) == ""
    assert "il n'en reste que 2" in line_problem(variant, 3)
    variant.stock = 0
    assert line_problem(variant, 1) == "Cet article est épuisé."
    assert availability(0) == "Épuisé" and availability(-1) == "Épuisé"
    assert availability(3) == "Plus que 3 en stock" and is_low_stock(3) and not is_low_stock(0)
    variant.product.status = Product.Status.INACTIVE
    assert line_problem(variant, 1) == "Cet article n'est plus disponible."
