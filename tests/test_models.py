"""Constraints the data model promises: unique SKU and order number, Decimal money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction

from kamri.catalog.models import Category, Variant
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def test_sku_is_unique():
    item = factories.product()
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.create(product=item, sku=item.variants.first().sku, price=Decimal("1.00"))


def test_order_number_is_unique_and_human_friendly():
    first = factories.order()
    assert first.number.startswith("KM-") and len(first.number) == 11
    assert not set(first.number[3:]) & set("01OI")
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.create(
            number=first.number,
            customer_name="X",
            email="x@example.fr",
            country="FR",
            city="Paris",
            address1="1 rue",
        )


def test_no_float_field_anywhere():
    kamri_models = [model for model in apps.get_models() if model.__module__.startswith("kamri.")]
    assert kamri_models
    floats = [
        f"{model.__name__}.{field.name}"
        for model in kamri_models
        for field in model._meta.get_fields()
        if isinstance(field, models.FloatField)
    ]
    assert floats == []


def test_money_round_trips_as_decimal():
    item = factories.product(price="19.99")
    variant = Variant.objects.get(pk=item.variants.first().pk)
    assert variant.price == Decimal("19.99") and isinstance(variant.price, Decimal)


def test_category_tree_and_labels():
    root = Category.objects.create(name="Maison")
    child = Category.objects.create(name="Cuisine", parent=root)
    assert str(child) == "Maison › Cuisine"
    assert child.slug == "cuisine"
    assert list(root.children.all()) == [child]


def test_product_slug_is_unique_even_for_same_titles():
    a = factories.product(title="Mug")
    b = factories.product(title="Mug")
    assert a.slug != b.slug


def test_every_model_has_a_french_name_for_donnees_brutes():
    """Django's default name is the class name split ("new cj variants"): English in the French raw admin."""
    from django.apps import apps
    from django.utils.text import camel_case_to_spaces

    unnamed = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("kamri.")
        and str(model._meta.verbose_name) == camel_case_to_spaces(model._meta.object_name)
    ]
    assert unnamed == []


def test_a_cj_order_attempt_that_went_through_is_green_not_red():
    """« Créée chez CJ, à payer » and « Payée chez CJ » were red badges, read as errors on the CJ order page."""
    from kamri.cj.models import CJOrderAttempt

    tones = {outcome: CJOrderAttempt(outcome=outcome).tone for outcome in CJOrderAttempt.OUTCOME_LABELS}
    assert tones["created"] == tones["paid"] == tones["placed"] == "ok"
    assert tones["retry"] == tones["pay_blocked"] == "warn"
    assert tones["failed"] == tones["needs_attention"] == tones["intercepted"] == "err"
