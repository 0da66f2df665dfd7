"""Signal receivers: the CJ app reacts to store events without the store knowing about CJ."""

from django.dispatch import receiver

from kamri.orders.models import Order
from kamri.orders.signals import order_paid


@receiver(order_paid, sender=Order, dispatch_uid="cj-queue-paid-order")
def queue_cj_order(sender, order_id: int, **kwargs) -> None:
    from kamri.cj.services.orders import queue_for_order

    queue_for_order(order_id)
