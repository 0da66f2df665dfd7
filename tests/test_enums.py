"""Issue 16 point 3: settings choices and event types are enums (TextChoices) with the values already stored;
no timeline type is written as a bare string any more."""

from __future__ import annotations

import ast
from pathlib import Path

from kamri.cj.models import CJSettings
from kamri.orders.models import OrderEvent

ROOT = Path(__file__).resolve().parents[1] / "kamri"

#: The types stored before the enum: they must keep their exact values (rows in the database carry them).
STORED_TYPES = {
    "created", "payment", "status", "cj", "cj_status", "cj_payment", "tracking", "parcel", "address", "demo",
    "note", "invoice", "credit_note", "payment_failed", "payment_mismatch", "refund", "refund_failed", "hold",
    "hold_released", "aftersales_request", "aftersales_status", "cj_dispute", "email_shipping",
    "email_confirmation", "email_refund", "email_cancellation", "email_aftersales", "email_sav_reply",
    "email_out_for_delivery", "email_delivered", "email_no_news",
}  # fmt: skip


def test_event_types_keep_their_stored_values():
    assert set(OrderEvent.Type.values) == STORED_TYPES


def test_every_event_type_has_its_french_label_on_the_timeline():
    for member in OrderEvent.Type:
        assert OrderEvent.Type.label_of(member.value) == str(member.label) != member.value
    assert OrderEvent.Type.label_of("email_refund_12") == str(OrderEvent.Type.EMAIL_REFUND.label)
    assert OrderEvent.Type.label_of("email_delivered_CJPKL123") == str(OrderEvent.Type.EMAIL_DELIVERED.label)
    assert OrderEvent.Type.label_of("something_new") == "something_new"


def test_no_timeline_type_is_a_bare_string():
    bare = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "record_event" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                bare.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            bare += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for kw in node.keywords
                if kw.arg in ("type", "events__type")
                and isinstance(kw.value, ast.Constant)
                and kw.value.value in STORED_TYPES
            ]
    assert bare == []


def test_settings_choices_keep_their_stored_values():
    assert CJSettings.LogisticRule.values == ["cheapest", "fastest"]
    assert CJSettings.OffSaleAction.values == ["deactivate", "keep"]
    assert CJSettings.UnavailableAction.values == ["stock0", "inactive"]
    fields = {f.name: f for f in CJSettings._meta.get_fields()}
    assert fields["logistic_rule"].default == "cheapest"
    assert fields["off_sale_action"].default == "deactivate"
    assert fields["unavailable_action"].default == "stock0"


def test_cj_webhook_types_are_one_enum_read_and_handled_alike():
    from kamri.cj.client.webhooks import MESSAGE_TYPES, MessageType
    from kamri.cj.webhooks.webhook_processing import HANDLERS

    assert set(MessageType) == MESSAGE_TYPES == set(HANDLERS)
    assert {kind.value for kind in MessageType} == {
        "PRODUCT", "VARIANT", "STOCK", "ORDER", "LOGISTIC", "LOGISTICS", "ORDERSPLIT",
    }  # fmt: skip
