"""Finding 13.9 through KAMRI: impossible stock, javascript: URLs, control and bidi characters never land."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.cj.models import CJOrder, WebhookEvent
from kamri.cj.orders import placement as orders
from tests import factories
from tests.cj.helpers import cj_row, import_cj_products, paid_order, stocked_variant
from tests.cj.test_webhooks import hook, message, post, process_pending  # noqa: F401 (fixture)
from tests.storefront.helpers import ADDRESS, add

pytestmark = pytest.mark.django_db


def test_a_stock_webhook_with_a_negative_quantity_is_refused_whole(client, hook):  # noqa: F811
    (product,) = import_cj_products(1)
    variant = stocked_variant(product)
    before = variant.stock
    vid = variant.cj_link.vid
    body = message(
        "STOCK",
        {
            vid: [
                {"vid": vid, "countryCode": "US", "storageNum": -50003},
                {"countryCode": "CN", "storageNum": 4},
            ]
        },
    )
    assert post(client, hook, body).status_code == 200
    process_pending()
    variant.refresh_from_db()
    assert variant.stock == before
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == "rejected" and "storageNum est négatif : « -50003 »" in event.last_error


def test_a_javascript_tracking_url_never_becomes_a_link(client, hook, django_capture_on_commit_callbacks):  # noqa: F811
    (product,) = import_cj_products(1)
    order = paid_order([stocked_variant(product)], capture=django_capture_on_commit_callbacks)
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED
    body = message(
        "LOGISTIC",
        {
            "orderId": row.cj_order_id,
            "logisticName": "CJPacket",
            "trackingNumber": "CJPKL7160102171YQ",
            "trackingStatus": 1,
            "trackingUrl": "javascript:alert(document.cookie)",
        },
    )
    assert post(client, hook, body).status_code == 200
    process_pending()
    row.refresh_from_db()
    assert row.track_number == "CJPKL7160102171YQ" and row.tracking_url == ""
    staff = factories.staff_user()
    client.force_login(staff)
    assert "javascript:" not in client.get(reverse("cj:order_detail", args=[row.pk])).content.decode()
    assert "javascript:" not in client.get(f"/commande/{order.access_key}/").content.decode()


def test_control_and_bidi_characters_are_stripped_from_names_and_addresses(client):
    variant = factories.product(title="Lampe", price="10.00", stock=5).variants.get()
    add(client, variant, 1)
    hostile = {
        **ADDRESS,
        "customer_name": "Jane\u202e eoD\x07",
        "address1": "12 rue\u2066 Oberkampf\x1b[31m",
        "city": "Pa\u200fris\r\n",
    }
    assert client.post("/commander/", hostile).status_code == 302
    from kamri.orders.models import Order

    order = Order.objects.get()
    assert (order.customer_name, order.address1, order.city) == ("Jane eoD", "12 rue Oberkampf [31m", "Paris")


def test_a_rotated_webhook_secret_is_refused_at_once_by_every_process(client, hook):  # noqa: F811
    """Another worker rotates the secret (a database write this process was not told about): the old URL
    answers 404 from the next request on, here too."""
    from kamri.cj.models import CJSettings
    from kamri.cj.webhooks import webhook_inbox

    body = message("STOCK", {"V1": []})
    assert post(client, hook, body).status_code == 200  # this process has the configuration cached
    CJSettings.objects.update(webhook_secret=webhook_inbox.new_secret())  # the other worker's rotation
    assert post(client, hook, message("STOCK", {"V1": []})).status_code == 404
    fresh = webhook_inbox.config()
    assert post(client, fresh, message("STOCK", {"V1": []})).status_code == 200
