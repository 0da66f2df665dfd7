"""Signals other apps listen to, so orders need not know who reacts (the CJ app places supplier orders)."""

from django.dispatch import Signal

#: sent once the transaction that recorded an order's payment has committed; kwargs: order_id.
#: kamri.orders.receivers answers it: the confirmation e-mail, then the holds or `order_paid`.
payment_committed = Signal()

#: sent once an order's payment is committed and nothing holds it back; kwargs: order_id
order_paid = Signal()

#: asked before a paid order is released to the supplier; receivers answer a list of (Hold.Reason, detail)
#: kwargs: order_id
hold_reasons = Signal()

#: an order is being cancelled or fully refunded: its supplier orders must not ship. kwargs: order_id, by.
#: Receivers stop what they still can and answer a list of French sentences for what they could not stop
#: (an empty list: nothing left in the way).
stop_fulfilment = Signal()

#: asked when the order page is drawn: what would keep a cancellation from stopping the supplier orders.
#: kwargs: order_id. Receivers answer a list of French sentences (empty: every supplier order can still be
#: stopped), the same sentences `stop_fulfilment` would answer, without stopping anything.
unstoppable_fulfilment = Signal()
