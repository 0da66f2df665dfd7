"""Finding 13.8: stock taken by an unpaid order is only held for a while; checkout is rate-limited per visitor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kamri.orders import services
from kamri.orders.models import Order
from kamri.orders.payments import start_payment
from tests import factories
from tests.storefront.helpers import ADDRESS, add, text

pytestmark = pytest.mark.django_db


def _checkout(client: Client, variant, quantity: int):
    add(client, variant, quantity)
    return client.post("/commander/", ADDRESS)


def _age(order: Order, minutes: int) -> None:
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))


def test_an_abandoned_checkout_releases_its_stock_after_the_reservation(client, settings):
    settings.KAMRI_STOCK_RESERVATION_MINUTES = 30
    variant = factories.product(title="Lampe", price="10.00", stock=99).variants.get()
    assert _checkout(client, variant, 99).status_code == 302
    variant.refresh_from_db()
    assert variant.stock == 0  # "Épuisé" while the order is waiting for its payment
    order = Order.objects.get()

    _age(order, 29)
    assert services.release_expired_reservations() == 0  # still within the 30 minutes
    _age(order, 31)
    assert services.release_expired_reservations() == 1
    assert services.release_expired_reservations() == 0  # released once, never twice
    variant.refresh_from_db()
    order.refresh_from_db()
    assert variant.stock == 99
    assert order.status == Order.Status.CANCELLED and order.stock_released_at is not None
    assert "30 minutes" in order.events.order_by("-pk").first().message
    assert not start_payment(order).is_paid  # a late "pay" cannot take stock that was put back on sale


def test_a_paid_order_keeps_its_stock_and_a_cancelled_one_gives_it_back(client):
    variant = factories.product(title="Coussin", price="10.00", stock=10).variants.get()
    _checkout(client, variant, 4)
    paid = Order.objects.get()
    assert start_payment(paid).is_paid
    _checkout(client, variant, 3)
    unpaid = Order.objects.exclude(pk=paid.pk).get()
    _age(paid, 120)
    _age(unpaid, 5)
    assert services.release_expired_reservations() == 0
    variant.refresh_from_db()
    assert variant.stock == 3
    assert services.cancel(unpaid, reason="Annulée par le client.")
    variant.refresh_from_db()
    assert variant.stock == 6
    assert not services.cancel(unpaid, reason="Deux fois")  # no second release
    variant.refresh_from_db()
    assert variant.stock == 6


def test_checkout_is_rate_limited_per_visitor(settings):
    settings.KAMRI_CHECKOUT_MAX_ORDERS = 3
    settings.KAMRI_CHECKOUT_WINDOW_MINUTES = 15
    variant = factories.product(title="Vase", price="5.00", stock=50).variants.get()
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(3):
        assert _checkout(visitor, variant, 1).status_code == 302
    refused = _checkout(visitor, variant, 1)
    assert refused.status_code == 429
    assert "Trop de commandes" in text(refused)
    assert Order.objects.count() == 3
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert _checkout(other, variant, 1).status_code == 302
