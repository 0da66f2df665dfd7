"""Signal receivers: the CJ app reacts to store events without the store knowing about CJ."""

from django.dispatch import receiver

from kamri.cj.orders.placement import queue_for_order, stop_for_order
from kamri.orders.models import Order
from kamri.orders.signals import order_paid, stop_fulfilment


@receiver(order_paid, sender=Order, dispatch_uid="cj-queue-paid-order")
def queue_cj_order(sender, order_id: int, **kwargs) -> None:
    queue_for_order(order_id)


@receiver(stop_fulfilment, sender=Order, dispatch_uid="cj-stop-order")
def stop_cj_orders(sender, order_id: int, by: str = "", **kwargs) -> list[str]:
    return stop_for_order(order_id, by=by)
