"""After-sales scenarios: a paid CJ order at CJ, shipped by the sandbox's warehouse, N days ago."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kamri.cj.models import CJOrder
from kamri.cj.orders import order_sync
from kamri.cj.orders import placement as orders
from kamri.orders import payments
from kamri.orders.models import Order, OrderEvent
from tests.cj.helpers import cj_row, control, import_cj_products, stocked_variant, unpaid_order

FR_ADDRESS = {
    "customer_name": "Camille Martin",
    "email": "camille@example.com",
    "phone": "+33 6 12 34 56 78",
    "country": "FR",
    "province": "Île-de-France",
    "city": "Paris",
    "zip_code": "75002",
    "address1": "10 rue de la Paix",
}


def photo(name: str = "colis.png", size=(64, 48), fmt: str = "PNG") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 60, 40)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def sync_orders() -> None:
    order_sync.run(order_sync.start(enqueue=False).pk)


def placed_order(sandbox, capture, *, address: dict | None = None) -> tuple[Order, CJOrder]:
    """A customer order paid with the demo provider (a Payment row to refund) and placed and paid at CJ."""
    (product,) = import_cj_products(1)
    order = unpaid_order([stocked_variant(product)], address=address or FR_ADDRESS, quantities=[2])
    with capture(execute=True):
        payments.start_payment(order, provider="demo")
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED, row.reasons
    return order, row


def ship(sandbox, row: CJOrder, *, days_ago: float = 0) -> None:
    """CJ's warehouse ships the parcel (days_ago: on the warehouse's calendar, and so in KAMRI's timeline)."""
    control(sandbox, f"orders/{row.cj_order_id}/ship")
    sync_orders()
    if days_ago:
        control(sandbox, f"orders/{row.cj_order_id}/age", {"shippedDaysAgo": days_ago})
        OrderEvent.objects.filter(order=row.order, type="status", data__status="SHIPPED").update(
            created_at=OrderEvent.objects.get(
                order=row.order, type="status", data__status="SHIPPED"
            ).created_at
            - timedelta(days=days_ago)
        )


def run_queued_emails() -> int:
    """Send the e-mails the code queued for the worker, through the same services the tasks call (a Huey
    db_task run in this thread would close the test's database connection). Other queued jobs are dropped."""
    from huey.contrib.djhuey import HUEY
    from huey.exceptions import HueyException

    from kamri.aftersales import delivery_news
    from kamri.orders import notifications

    sent = 0
    while HUEY.pending_count():
        try:
            task = HUEY.dequeue()  # the message leaves the queue even when its task cannot be read back
        except HueyException:  # a job another test left, from a module this worker never imported
            continue
        if task is None:
            break
        name = task.name.rsplit(".", 1)[-1]
        if name == "send_aftersales_email":
            sent += int(delivery_news.deliver_email(*task.args, **task.kwargs))
        elif name == "send_order_email":
            order_id, kind, *rest = task.args
            refund_id = rest[0] if rest else task.kwargs.get("refund_id")
            sent += int(notifications.send_order_email(order_id, kind, refund_id=refund_id))
    return sent
