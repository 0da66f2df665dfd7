"""Fixtures of the security suite: a small shop with one object of every kind the admin links to."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories


@dataclass
class World:
    product: object
    order: object
    cj_order: object
    event: object
    price_change: object
    problem: object
    sync_run: object
    variant_link: object
    new_variant: object


def build_world() -> World:
    from kamri.cj.models import (
        CJOrder,
        CJProductLink,
        CJSettings,
        CJVariantLink,
        NewCJVariant,
        PriceChange,
        Problem,
        SyncRun,
        WebhookEvent,
    )

    CJSettings.load()
    order = factories.order(lines=1)
    product = factories.product(source="cj", title="Produit CJ", price="20.00", stock=7)
    variant = product.variants.first()
    link = CJProductLink.objects.create(
        product=product, pid="2000000000000000001", margin_percent=Decimal(50)
    )
    variant_link = CJVariantLink.objects.create(
        variant=variant, product_link=link, vid="2000000000000000002", cost_usd=Decimal("8.00")
    )
    cj_order = CJOrder.objects.create(
        order=order,
        order_number=f"KM{order.pk}",
        state=CJOrder.State.NEEDS_ATTENTION,
        reasons=["address"],
        last_error="Adresse incomplète",
    )
    event = WebhookEvent.objects.create(
        type="ORDER", status=WebhookEvent.Status.ERROR, raw_body='{"a": 1}', received_at=timezone.now()
    )
    change = PriceChange.objects.create(
        variant_link=variant_link,
        old_cost_usd=Decimal("8.00"),
        new_cost_usd=Decimal("9.00"),
        old_price=Decimal("20.00"),
        new_price=Decimal("22.00"),
        change_percent=Decimal("12.50"),
    )
    problem = Problem.objects.create(code="security-test", title="Un problème")
    run = SyncRun.objects.create(kind=SyncRun.Kind.ORDERS, total=1)
    new_variant = NewCJVariant.objects.create(
        product_link=link, vid="2000000000000000003", sku="NEW-1", key="Rouge", cost_usd=Decimal("7.00")
    )
    return World(product, order, cj_order, event, change, problem, run, variant_link, new_variant)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def staff(db):
    return factories.staff_user("security-staff")


@pytest.fixture
def staff_client(staff) -> Client:
    return factories.logged_in_client(staff.username, crashes_as_500=True)


@pytest.fixture
def csrf_staff_client(staff) -> Client:
    """A staff session whose requests are checked for a CSRF token, as a browser's would be."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return factories.logged_in_client(staff.username, client=client)
