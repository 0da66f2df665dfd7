"""Signals other apps listen to, so orders need not know who reacts (the CJ app places supplier orders)."""

from django.dispatch import Signal

#: sent once an order's payment is committed; kwargs: order_id
order_paid = Signal()
