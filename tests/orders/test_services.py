"""Order statuses only move forward; payment confirms once and tells listeners after commit."""

from __future__ import annotations

import pytest

from kamri.orders import services
from kamri.orders.models import Order
from kamri.orders.signals import order_paid
from tests import factories

pytestmark = pytest.mark.django_db


def test_status_never_moves_backwards():
    order = factories.order(status=Order.Status.SHIPPED)
    assert not services.advance_status(order, Order.Status.CONFIRMED)
    assert not services.advance_status(order, Order.Status.SHIPPED)
    assert services.advance_status(order, Order.Status.DELIVERED)
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED
    assert order.events.filter(type="status").count() == 1


def test_cancellation_is_explicit_and_final():
    order = factories.order(status=Order.Status.CONFIRMED)
    assert not services.advance_status(order, Order.Status.CANCELLED)
    assert services.cancel(order, reason="Client injoignable")
    assert not services.advance_status(order, Order.Status.SHIPPED)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_mark_paid_confirms_once_and_signals_after_commit(django_capture_on_commit_callbacks):
    received = []

    def listener(sender, order_id, **kwargs):
        received.append(order_id)

    order_paid.connect(listener)
    try:
        order = factories.order()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.mark_paid(order, provider="demo", reference="abc")
            assert not services.mark_paid(order, provider="demo")
    finally:
        order_paid.disconnect(listener)
    order.refresh_from_db()
    assert order.paid_at is not None and order.status == Order.Status.CONFIRMED
    assert received == [order.pk]
    assert list(order.events.values_list("type", flat=True)) == ["payment", "status", "invoice"]
