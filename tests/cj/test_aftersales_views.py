"""Retours et litiges pages: operators handle requests (reply, refuse, dispute), refunds stay the owner's."""

from __future__ import annotations

import pytest
from django.core import mail

from kamri.aftersales import services as aftersales
from kamri.aftersales.models import CustomerRequest
from kamri.cj.models import CJDispute
from kamri.cj.orders import disputes
from tests import factories
from tests.aftersales.helpers import placed_order, run_queued_emails, ship
from tests.cj.helpers import control

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    return factories.logged_in_client("operator-sav", role="operator", client=client)


def _request(order) -> CustomerRequest:
    return aftersales.create_request(
        order, kind="not_received", message="Rien reçu", lines={line.pk: 1 for line in order.lines.all()},
        uploads=[], request_key="v-1",
    )  # fmt: skip


def test_operator_replies_refuses_and_may_not_refund(
    operator_client, cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=70)
    request = _request(order)
    listing = operator_client.get("/admin/cj/retours/?statut=new").content.decode()
    assert request.reference in listing and "Nouvelle" in listing
    page = operator_client.get(f"/admin/cj/retours/{request.pk}/").content.decode()
    assert "Répondre au client" in page and "btn-refund" not in page  # the refund is the owner's
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(
            f"/admin/cj/retours/{request.pk}/repondre/",
            {"message": "Nous ouvrons une enquête.", "request_key": "r1"},
        )
    run_queued_emails()
    reply = next(m for m in mail.outbox if "réponse à votre demande" in m.subject)
    assert "Nous ouvrons une enquête." in reply.body
    event = order.events.get(type__startswith="email_sav_reply_")
    assert event.data["reply"] == "Nous ouvrons une enquête." and event.data["by"] == "operator-sav"
    assert (
        operator_client.post(f"/admin/cj/retours/{request.pk}/rembourser/", {"request_key": "x"}).status_code
        == 403
    )
    operator_client.post(f"/admin/cj/retours/{request.pk}/statut/", {"status": "refused"})
    request.refresh_from_db()
    assert request.status == CustomerRequest.Status.REFUSED


def test_resend_granted_by_cj_marks_the_request_resent(
    operator_client, cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=70)
    request = _request(order)
    form = operator_client.get(f"/admin/cj/retours/{request.pk}/litige/").content.decode()
    assert "dispute-form" in form and "Order " + order.number in form
    draft = disputes.prepare(request)
    operator_client.post(
        f"/admin/cj/retours/{request.pk}/litige/",
        {"reason_id": draft.reason_id, "expect_type": 2, "message": "Please resend."},
    )
    dispute = CJDispute.objects.get(request=request)
    assert dispute.expect_type == 2 and dispute.state == CJDispute.State.OPEN
    too_long = operator_client.post(
        f"/admin/cj/retours/{request.pk}/litige/",
        {"reason_id": draft.reason_id, "expect_type": 1, "message": "x" * 501},
    )
    assert too_long.status_code == 302 and CJDispute.objects.count() == 1
    control(cj_sandbox, f"disputes/{dispute.dispute_id}/resend")
    operator_client.post("/admin/cj/retours/synchroniser/", {"next": f"/admin/cj/retours/{request.pk}/"})
    dispute.refresh_from_db()
    request.refresh_from_db()
    assert dispute.state == CJDispute.State.RESENT and dispute.resend_order_code
    assert request.status == CustomerRequest.Status.RESENT
    assert order.events.filter(type="cj_dispute", message__contains="renvoie la commande").exists()
