"""Webhook receiver and processing: signature, inbox, duplicates, topics, retries — never a 5xx."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamri.cj import selectors
from kamri.cj.connection import account as connection
from kamri.cj.models import CJOrder, CJSettings, NewCJVariant, PriceChange, WebhookEvent
from kamri.cj.orders import placement as orders
from kamri.cj.webhooks import webhook_inbox, webhook_processing
from kamri.orders.models import Order
from tests import factories
from tests.cj.helpers import cj_row, import_cj_products, paid_order, stocked_variant
from tests.conftest import SANDBOX_API_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(cj_account, cj_sandbox):
    """KAMRI connected (so the openId is known) and the receiver's secret URL."""
    connection.check_credentials(api_key=SANDBOX_API_KEY, base_url=cj_sandbox.base_url, tier="advanced")
    webhook_inbox.forget_config()
    conf = webhook_inbox.config()
    assert conf.open_id
    return conf


def post(client, conf, payload, *, sign=True, secret=None, raw: bytes | None = None, headers=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    extra = {"HTTP_SIGN": webhook_inbox.sign(body, conf.open_id)} if sign else {}
    extra.update(headers or {})
    url = reverse("cj_webhook", args=[secret or conf.secret])
    return client.post(url, data=body, content_type="application/json", **extra)


def message(type_, params, message_type="UPDATE", message_id=None):
    return {
        "messageId": message_id or uuid.uuid4().hex,
        "type": type_,
        "messageType": message_type,
        "params": params,
    }


def process_pending():
    for pk in WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).values_list("pk", flat=True):
        webhook_processing.process(pk)


@pytest.fixture
def placed(hook, django_capture_on_commit_callbacks):
    (product,) = import_cj_products(1)
    order = paid_order([stocked_variant(product)], capture=django_capture_on_commit_callbacks)
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED
    return row


def test_signed_order_webhook_is_acknowledged_then_applied(client, hook, placed):
    body = message(
        "ORDER",
        {
            "cjOrderId": int(placed.cj_order_id),
            "orderNumber": placed.order_number,
            "orderStatus": "SHIPPED",
            "trackNumber": "CJPKL7160102171YQ",
            "logisticName": "USPS+",
        },
    )
    response = post(client, hook, body)
    assert response.status_code == 200
    assert response.json() == {"code": 200, "result": "success", "message": "ok"}
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == WebhookEvent.Status.PENDING and event.signature_valid
    process_pending()
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED, event.last_error
    placed.refresh_from_db()
    assert placed.cj_status == "SHIPPED" and placed.track_number == "CJPKL7160102171YQ"
    assert placed.order.status == Order.Status.SHIPPED


def test_same_message_three_times_one_processed_two_duplicates(client, hook, placed):
    body = message(
        "ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": "SHIPPED", "trackNumber": "TRK-ONCE-1"}
    )
    for _ in range(3):
        assert post(client, hook, body).status_code == 200
        process_pending()
    statuses = sorted(WebhookEvent.objects.values_list("status", flat=True))
    assert statuses == ["duplicate", "duplicate", "processed"]
    assert placed.order.events.filter(type="tracking").count() == 1


def test_bad_signature_is_401_and_changes_nothing(client, hook, placed):
    body = message("ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": "SHIPPED"})
    response = post(client, hook, body, sign=False, headers={"HTTP_SIGN": "bm90LXRoZS1zaWduYXR1cmU="})
    assert response.status_code == 401
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.REJECTED and event.signature_valid is False
    placed.refresh_from_db()
    assert placed.cj_status != "SHIPPED"


def test_missing_signature_follows_the_setting(client, hook):
    body = message("STOCK", {"unknown-vid": [{"vid": "unknown-vid", "countryCode": "US", "storageNum": 3}]})
    assert post(client, hook, body, sign=False).status_code == 401
    CJSettings.objects.update(require_signature=False)
    webhook_inbox.forget_config()
    assert post(client, hook, body, sign=False).status_code == 200


def test_wrong_secret_is_404_and_get_is_405(client, hook):
    body = message("STOCK", {})
    assert post(client, hook, body, secret="not-the-secret").status_code == 404
    assert client.get(reverse("cj_webhook", args=[hook.secret])).status_code == 405
    assert not WebhookEvent.objects.exists()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        (b'{"messageId": "x"}', 400),
        (b"[]", 400),
        (b'{"messageId": "", "type": "ORDER", "params": {}}', 400),
    ],
)
def test_malformed_bodies_are_400_and_rejected(client, hook, raw, status):
    assert post(client, hook, None, raw=raw).status_code == status
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.REJECTED


def test_oversized_body_is_413(client, hook):
    raw = b'{"messageId": "big", "type": "STOCK", "params": {"x": "' + b"a" * (300 * 1024) + b'"}}'
    assert post(client, hook, None, raw=raw).status_code == 413


def test_stock_webhook_updates_variants_and_ignores_unknown(client, hook, cj_account):
    (product,) = import_cj_products(1)
    variant = stocked_variant(product)
    vid = variant.cj_link.vid
    body = message(
        "STOCK",
        {
            vid: [
                {"vid": vid, "areaId": "2", "areaEn": "US Warehouse", "countryCode": "US", "storageNum": 0},
                {
                    "vid": vid,
                    "areaId": "1",
                    "areaEn": "China Warehouse",
                    "countryCode": "CN",
                    "storageNum": 0,
                },
            ]
        },
    )
    assert post(client, hook, body).status_code == 200
    unknown = message(
        "STOCK",
        {"1424608152007086080": [{"vid": "1424608152007086080", "countryCode": "US", "storageNum": 12}]},
    )
    assert post(client, hook, unknown).status_code == 200
    process_pending()
    variant.refresh_from_db()
    assert variant.cj_link.stock_by_country["US"] == 0
    statuses = dict(WebhookEvent.objects.values_list("message_id", "status"))
    assert statuses[body["messageId"]] == "processed" and statuses[unknown["messageId"]] == "ignored"


def test_product_off_sale_deactivates_and_title_follows_unless_edited(client, hook):
    first, second = import_cj_products(2)
    second.title = "Titre choisi par l'admin"
    second.save()
    for product in (first, second):
        body = message(
            "PRODUCT",
            {
                "pid": product.cj_link.pid,
                "productNameEn": "Renamed by CJ",
                "productStatus": 2,
                "fields": ["productNameEn", "productStatus"],
            },
        )
        post(client, hook, body)
    process_pending()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "Renamed by CJ" and first.status == "inactive"
    assert second.title == "Titre choisi par l'admin" and second.status == "inactive"


def test_logistic_events_reach_the_timeline_and_deliver(client, hook, placed):
    events = json.dumps(
        [
            {
                "status": 1,
                "activity": "Outbound",
                "location": "Shenzhen",
                "eventTime": "2026-11-20 08:00:00",
                "statusDesc": "Sorti de l'entrepôt",
            },
            {
                "status": 12,
                "activity": "Delivered, PO Box",
                "location": "NENANA,AK 99760",
                "eventTime": "2026-11-26 07:59:22",
                "statusDesc": "Delivered",
            },
        ]
    )
    body = message(
        "LOGISTIC",
        {
            "orderId": int(placed.cj_order_id),
            "logisticName": "USPS+",
            "trackingNumber": "LX123456789CN",
            "trackingStatus": 12,
            "logisticsTrackEvents": events,
        },
    )
    post(client, hook, body)
    post(client, hook, {**body, "messageId": uuid.uuid4().hex})  # the same events again: no repeated timeline
    process_pending()
    placed.refresh_from_db()
    assert placed.track_number == "LX123456789CN" and placed.logistic_status == 12
    assert placed.order.status == Order.Status.DELIVERED
    assert placed.order.events.filter(type="parcel").count() == 2


def test_processing_failure_then_retraiter(client, hook, placed, monkeypatch):
    def broken(message):
        raise RuntimeError("base de données indisponible")

    monkeypatch.setitem(webhook_processing.HANDLERS, "ORDER", broken)
    body = message("ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": "UNSHIPPED"})
    post(client, hook, body)
    process_pending()
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == WebhookEvent.Status.ERROR and "Erreur inattendue" in event.last_error
    assert "RuntimeError" not in event.last_error and "Retraiter" in event.last_error
    assert event.next_attempt_at is not None
    monkeypatch.undo()
    client.force_login(factories.staff_user())
    assert client.post(reverse("cj:webhook_retry", args=[event.pk])).status_code == 302
    webhook_processing.process(event.pk)
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED
    assert event.attempt_log.count() == 2


def test_an_unknown_cj_status_is_ignored_not_processed(client, hook, placed):
    post(client, hook, message("ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": "TELEPORTED"}))
    process_pending()
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.IGNORED  # before: "Traité"
    assert "Statut CJ inconnu « TELEPORTED »" in event.result
    placed.refresh_from_db()
    assert placed.cj_status != "TELEPORTED"


def test_a_malformed_message_fails_with_a_sentence_not_an_exception_name(client, hook):
    post(client, hook, message("STOCK", ["not", "an", "object"]))
    process_pending()
    event = WebhookEvent.objects.get()
    # refused once with a sentence (issue 13: impossible values are refused at parsing), never retried
    assert event.status == WebhookEvent.Status.REJECTED  # issue 16: "Rejeté", before: "Ignoré"
    assert event.last_error.startswith(
        'params n\'est pas un objet : « ["not", "an", "object"] »'
    )  # before: "ValueError: …"
    assert "ValueError" not in event.last_error and event.next_attempt_at is None


def test_an_unreadable_price_fails_with_a_sentence(client, hook, monkeypatch):
    from decimal import InvalidOperation

    def broken(message):
        raise InvalidOperation([InvalidOperation])

    monkeypatch.setitem(webhook_processing.HANDLERS, "PRODUCT", broken)
    post(client, hook, message("PRODUCT", {"pid": "1"}))
    process_pending()
    event = WebhookEvent.objects.get()
    assert event.last_error.startswith("CJ a envoyé un nombre illisible")
    assert "InvalidOperation" not in event.last_error


def test_unknown_order_is_ignored_with_a_reason(client, hook):
    post(client, hook, message("ORDER", {"cjOrderId": 210823100016290555, "orderStatus": "SHIPPED"}))
    process_pending()
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.IGNORED and "inconnue" in event.result


def test_admin_pages(client, hook, placed):
    post(client, hook, message("ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": "UNSHIPPED"}))
    process_pending()
    client.force_login(factories.staff_user())
    page = client.get(reverse("cj:webhooks")).content.decode()
    assert "Activer les webhooks" in page and "Total reçus" in page and "Récents" in page
    log = client.get(reverse("cj:webhook_log"), {"status": "processed", "type": "ORDER", "from": "bad"})
    assert log.status_code == 200 and "Traité" in log.content.decode()
    event = WebhookEvent.objects.get()
    detail = client.get(reverse("cj:webhook_detail", args=[event.pk])).content.decode()
    assert "cjOrderId" in detail


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(
        st.binary(max_size=400),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda children: (
                st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
        st.fixed_dictionaries(
            {
                "messageId": st.text(min_size=1, max_size=20),
                "type": st.sampled_from(
                    ["ORDER", "STOCK", "PRODUCT", "VARIANT", "LOGISTIC", "ORDERSPLIT", "WHATEVER"]
                ),
                "params": st.dictionaries(
                    st.text(max_size=12), st.integers() | st.text(max_size=12), max_size=4
                ),
            }
        ).map(lambda value: json.dumps(value).encode()),
    )
)
def test_fuzzed_bodies_never_cause_a_5xx(client, fuzz_hook, body):
    response = post(client, fuzz_hook, None, raw=body)
    assert response.status_code < 500
    for pk in WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).values_list("pk", flat=True):
        event = webhook_processing.process(pk)
        assert event.status in ("processed", "ignored", "rejected", "error")


@pytest.fixture
def fuzz_hook(db):
    """A signing key without a CJ connection: fuzzing exercises the receiver and the handlers only."""
    from kamri.cj.models import CJAccount, CJCredential
    from kamri.core import crypto

    account = CJAccount(base_url="http://127.0.0.1:9/api2.0/v1/", tier="free")
    account.set_api_key(SANDBOX_API_KEY)
    account.save()
    CJCredential.objects.create(
        fingerprint=account.fingerprint, open_id_encrypted=crypto.encrypt("123456789")
    )
    webhook_inbox.forget_config()
    return webhook_inbox.config()


def test_drain_processes_the_inbox_oldest_first_and_hands_over_a_full_batch(client, hook, placed):
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    statuses = ["UNSHIPPED", "SHIPPED", "DELIVERED"]
    for status in statuses:
        post(client, hook, message("ORDER", {"cjOrderId": int(placed.cj_order_id), "orderStatus": status}))
    assert webhook_processing.drain(batch=2) == 2
    assert HUEY.pending_count() == 1  # the rest is handed to a new job, not dropped
    assert WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING).count() == 1
    assert webhook_processing.drain(batch=2) == 1
    assert HUEY.pending_count() == 1
    processed = WebhookEvent.objects.order_by("processed_at").values_list("raw_body", flat=True)
    assert [json.loads(body)["params"]["orderStatus"] for body in processed] == statuses
    placed.refresh_from_db()
    assert placed.cj_status == "DELIVERED"


# --- issue 16: typed messages; a malformed message is rejected once, with the field and the value -----------


@pytest.fixture
def scene(hook, placed):
    """A placed CJ order, its imported product and stocked variant: what a message may point at."""
    variant = placed.order.lines.select_related("variant").first().variant
    return SimpleNamespace(
        hook=hook,
        row=placed,
        cj_order_id=int(placed.cj_order_id),
        variant=variant,
        vid=variant.cj_link.vid,
        product=variant.product,
        pid=variant.product.cj_link.pid,
    )


def _state(scene) -> dict:
    """Everything a message of the six topics could change."""
    scene.row.refresh_from_db()
    scene.variant.refresh_from_db()
    scene.product.refresh_from_db()
    link = scene.variant.cj_link
    link.refresh_from_db()
    return {
        "row": (
            scene.row.cj_status,
            scene.row.track_number,
            scene.row.logistic_status,
            scene.row.cj_order_id,
        ),
        "variant": (scene.variant.is_active, scene.variant.stock, link.stock_by_country, link.cost_usd),
        "product": (scene.product.title, scene.product.status, scene.product.description),
        "cj_orders": CJOrder.objects.count(),
        "events": list(scene.row.order.events.values_list("type", "message")),
        "new_variants": NewCJVariant.objects.count(),
        "price_changes": PriceChange.objects.count(),
    }


MALFORMED = {
    "stock-not-a-number": (
        "STOCK",
        lambda s: {
            s.vid: [{"countryCode": "US", "storageNum": 0}, {"countryCode": "CN", "storageNum": "abc"}]
        },
        "storageNum n'est pas un nombre : « abc »",
    ),
    "stock-negative": (
        "STOCK",
        lambda s: {s.vid: [{"vid": s.vid, "countryCode": "US", "storageNum": -5}]},
        "storageNum est négatif : « -5 »",
    ),
    "stock-rows-not-a-list": ("STOCK", lambda s: {s.vid: 7}, "n'est pas une liste : « 7 »"),
    "product-without-pid": (
        "PRODUCT",
        lambda s: {"productNameEn": "Renamed by CJ", "fields": ["productNameEn"]},
        "pid est absent du message",
    ),
    "product-price-not-a-number": (
        "PRODUCT",
        lambda s: {
            "pid": s.pid,
            "productNameEn": "Renamed by CJ",
            "productSellPrice": "abc",
            "fields": ["productNameEn", "productSellPrice"],
        },
        "productSellPrice n'est pas un nombre : « abc »",
    ),
    "product-pid-not-an-id": (
        "PRODUCT",
        lambda s: {"pid": [s.pid], "productStatus": 2},
        "pid n'est pas un identifiant : « [",
    ),
    "variant-without-vid": ("VARIANT", lambda s: {"variantSellPrice": "3.10"}, "vid est absent du message"),
    "variant-negative-price": (
        "VARIANT",
        lambda s: {"vid": s.vid, "variantSellPrice": "-3.10", "variantStatus": 0},
        "variantSellPrice est négatif : « -3.10 »",
    ),
    "order-without-id": ("ORDER", lambda s: {"orderStatus": "SHIPPED"}, "cjOrderId est absent du message"),
    "order-items-not-a-list": (
        "ORDER",
        lambda s: {
            "cjOrderId": s.cj_order_id,
            "orderStatus": "SHIPPED",
            "trackNumber": "TRK1",
            "orderItems": "x",
        },
        "orderItems n'est pas une liste : « x »",
    ),
    "logistic-status-not-a-number": (
        "LOGISTIC",
        lambda s: {"orderId": s.cj_order_id, "trackingNumber": "LX1", "trackingStatus": "abc"},
        "trackingStatus n'est pas un nombre : « abc »",
    ),
    "logistic-events-unreadable": (
        "LOGISTIC",
        lambda s: {"orderId": s.cj_order_id, "trackingNumber": "LX1", "logisticsTrackEvents": "[{oops"},
        "logisticsTrackEvents n'est pas une liste : « [{oops »",
    ),
    "split-list-not-a-list": (
        "ORDERSPLIT",
        lambda s: {"originalOrderId": s.cj_order_id, "splitOrderList": {"orderCode": "S1"}},
        'splitOrderList n\'est pas une liste : « {"orderCode": "S1"} »',
    ),
    "split-without-original": (
        "ORDERSPLIT",
        lambda s: {"splitOrderList": [{"orderCode": "S1", "orderStatus": 300}]},
        "originalOrderId est absent du message",
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_message_is_rejected_once_with_its_reason_and_changes_nothing(client, scene, case):
    type_, params, reason = MALFORMED[case]
    before = _state(scene)
    body = message(type_, params(scene))
    assert post(client, scene.hook, body).status_code == 200  # acknowledged: CJ must not retry it
    process_pending()
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == WebhookEvent.Status.REJECTED, (event.status, event.result, event.last_error)
    assert reason in event.last_error and "rejeté, sans nouvel essai" in event.last_error
    assert "Error" not in event.last_error and "is not" not in event.last_error  # French, no Python
    assert event.attempts == 1 and event.next_attempt_at is None
    # once: neither the sweeper, nor a second run, nor "Retraiter" runs it again
    webhook_processing.sweep(pending_older_than=timedelta(0))
    webhook_processing.process(event.pk)
    assert webhook_processing.retry(WebhookEvent.objects.filter(pk=event.pk)) == 0
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.REJECTED and event.attempts == 1
    assert event.attempt_log.count() == 1
    assert _state(scene) == before
    client.force_login(factories.staff_user())
    page = client.get(reverse("cj:webhook_log"), {"status": "rejected"}).content.decode()
    assert escape(reason) in page and "Rejeté" in page
    assert selectors.webhook_stats().last_received_at == event.received_at  # CJ is not silent


def test_a_good_variant_message_changes_the_cost_and_deactivates(client, scene):
    body = message("VARIANT", {"vid": scene.vid, "variantSellPrice": "999.99", "variantStatus": 0})
    post(client, scene.hook, body)
    process_pending()
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == WebhookEvent.Status.PROCESSED, event.last_error
    scene.variant.refresh_from_db()
    assert not scene.variant.is_active and "désactivée" in event.result
    change = PriceChange.objects.get(variant_link=scene.variant.cj_link)  # far beyond the tolerance: reviewed
    assert change.new_cost_usd == Decimal("999.99") and change.status == PriceChange.Status.PENDING


def test_a_good_split_message_creates_the_child_orders(client, scene):
    body = message(
        "ORDERSPLIT",
        {
            "originalOrderId": scene.cj_order_id,
            "orderSplitTime": 1732500000000,
            "splitOrderList": [
                {
                    "orderCode": "SPLIT-A",
                    "createAt": 1732500000000,
                    "orderStatus": 300,
                    "productList": [{"productCode": "P1", "vid": scene.vid, "quantity": "1", "sku": "SKU-A"}],
                },
                {"orderCode": 210823100016290556, "orderStatus": 500, "productList": []},
            ],
        },
    )
    post(client, scene.hook, body)
    process_pending()
    event = WebhookEvent.objects.get(message_id=body["messageId"])
    assert event.status == WebhookEvent.Status.PROCESSED, event.last_error
    children = {row.cj_order_id: row for row in CJOrder.objects.filter(split_from=scene.row)}
    assert set(children) == {"SPLIT-A", "210823100016290556"}
    assert (
        children["SPLIT-A"].cj_status == "UNSHIPPED" and children["210823100016290556"].cj_status == "SHIPPED"
    )
    assert children["SPLIT-A"].lines == [{"vid": scene.vid, "quantity": 1, "sku": "SKU-A"}]
