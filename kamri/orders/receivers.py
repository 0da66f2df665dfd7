"""What the shop's orders do when their own signals fire (connected by OrdersConfig.ready)."""

from __future__ import annotations

from django.dispatch import receiver

from kamri.core import queue
from kamri.orders import holds
from kamri.orders.models import Order
from kamri.orders.signals import payment_committed


@receiver(payment_committed)
def confirm_and_release(sender, order_id: int, **kwargs) -> None:
    """The customer's confirmation e-mail, then the hold rules: `order_paid` now, or after "Libérer"."""
    queue.job("send_order_email")(order_id, "confirmation")
    holds.hold_or_release(Order.objects.get(pk=order_id))
