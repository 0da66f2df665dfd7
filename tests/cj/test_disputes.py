"""CJ disputes from a customer's request, against the sandbox's dispute desk (CJ's policy enforced there)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from kamri.aftersales import services as aftersales
from kamri.aftersales.models import CustomerRequest
from kamri.cj.client.disputes import DisputeRequest
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJApiCall, CJDispute
from kamri.cj.orders import disputes
from kamri.cj.reports.profit import profit_report
from kamri.core.periods import default_period
from kamri.orders.models import Refund
from tests import factories
from tests.aftersales.helpers import photo, placed_order, run_queued_emails, ship, sync_orders
from tests.cj.helpers import control

pytestmark = pytest.mark.django_db


def _dispute_calls(endpoint: str = "") -> int:
    return CJApiCall.objects.filter(endpoint__startswith=f"disputes/{endpoint}").count()


def _request(order, kind="not_received", uploads=None, key="k1") -> CustomerRequest:
    return aftersales.create_request(
        order,
        kind=kind,
        message="Toujours rien reçu.",
        lines={line.pk: line.quantity for line in order.lines.all()},
        uploads=uploads or [],
        request_key=key,
    )


def test_late_order_dispute_refunded_to_balance_then_customer_refunded(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=70)  # France: late for CJ after 60 days
    with django_capture_on_commit_callbacks(execute=True):
        request = _request(order, uploads=[photo()])
    run_queued_emails()
    assert [m.subject for m in mail.outbox if "bien reçu votre demande" in m.subject], [
        m.subject for m in mail.outbox
    ]

    draft = disputes.prepare(request)
    assert draft.lines and draft.terms.reasons and draft.amount_usd > 0
    assert "not received" in next(r.name for r in draft.terms.reasons if r.id == draft.reason_id).lower()
    assert len(draft.message) <= 500 and draft.image_urls and "/sav/preuve/" in draft.image_urls[0]

    dispute = disputes.open_dispute(
        request, reason_id=draft.reason_id, expect_type=1, message=draft.message, by="owner"
    )
    assert dispute.state == CJDispute.State.OPEN and dispute.dispute_id.startswith("SH")
    request.refresh_from_db()
    assert request.status == CustomerRequest.Status.DISPUTED
    with pytest.raises(disputes.DisputeRefused, match="déjà en cours"):  # a second click: no second dispute
        disputes.open_dispute(request, reason_id=draft.reason_id, expect_type=1, message="again", by="owner")
    assert _dispute_calls("create") == 1

    control(cj_sandbox, f"disputes/{dispute.dispute_id}/refund", {"amount": str(dispute.requested_usd)})
    assert disputes.sync_open() == (1, 1)
    dispute.refresh_from_db()
    assert dispute.state == CJDispute.State.REFUNDED and dispute.credit_usd == dispute.requested_usd
    assert order.events.filter(type="cj_dispute", message__contains="solde CJ").exists()

    with django_capture_on_commit_callbacks(execute=True):
        outcome = aftersales.refund(request, by="owner", request_key="refund-1")
    run_queued_emails()
    assert outcome.done and Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED).count() == 1
    request.refresh_from_db()
    assert request.status == CustomerRequest.Status.REFUNDED
    assert [m for m in mail.outbox if "remboursement" in m.subject]

    report = profit_report(default_period())
    assert report.cj_credits[0] == 1 and report.cj_credits[1] == dispute.credit_usd
    assert report.refunds.orders == 1


def test_delivered_parcel_is_explained_before_any_cj_call(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=70)
    request = _request(order)  # reported while the parcel was still travelling
    control(cj_sandbox, f"orders/{row.cj_order_id}/deliver")
    sync_orders()
    before = _dispute_calls()
    _cj_order, why = disputes.precheck(request)
    assert "livré" in why
    with pytest.raises(disputes.DisputeRefused, match="livré"):
        disputes.prepare(request)
    assert _dispute_calls() == before == 0
    # and the customer cannot report it as not received any more
    with pytest.raises(aftersales.RequestRefused, match="livré"):
        _request(order, key="k2")


def test_too_early_says_from_which_date(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=10)
    with pytest.raises(aftersales.RequestRefused, match="à partir du"):
        _request(order)
    assert _dispute_calls() == 0


def test_a_retry_after_a_lost_answer_adopts_the_dispute_cj_opened(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row, days_ago=70)
    request = _request(order)
    draft = disputes.prepare(request)
    # The first click's create reached CJ but its answer was lost: the row is still "sending".
    lost = CJDispute.objects.create(
        cj_order=row, request=request, business_dispute_id="KAMRI-lost-1", expect_type=1,
        reason_id=draft.reason_id, message="lost", requested_usd=draft.amount_usd,
        lines=[{"lineItemId": li, "quantity": q, "price": str(p)} for li, q, p, _n in draft.lines],
    )  # fmt: skip
    client_for().create_dispute(
        DisputeRequest(
            business_dispute_id="KAMRI-lost-1",
            order_id=row.cj_order_id,
            reason_id=draft.reason_id,
            expect_type=1,
            message="lost",
            lines=[(li, q, p) for li, q, p, _n in draft.lines],
        )
    )
    again = disputes.open_dispute(request, reason_id=draft.reason_id, expect_type=1, message="x", by="owner")
    assert again.pk == lost.pk and again.state == CJDispute.State.OPEN and again.dispute_id
    listed = client_for().list_disputes(order_id=row.cj_order_id)
    assert len(listed) == 1 and listed[0].id == again.dispute_id
    assert CJDispute.objects.count() == 1


def test_return_wanted_is_not_a_cj_dispute(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    order, row = placed_order(cj_sandbox, django_capture_on_commit_callbacks)
    ship(cj_sandbox, row)
    control(cj_sandbox, f"orders/{row.cj_order_id}/deliver")
    sync_orders()
    request = _request(order, kind="return")
    assert "subjectifs" in disputes.precheck(request)[1]
    assert _dispute_calls() == 0
    assert Decimal(0) <= request.order.total


def _opened_dispute(cj_sandbox, capture):
    order, row = placed_order(cj_sandbox, capture)
    ship(cj_sandbox, row, days_ago=70)
    with capture(execute=True):
        request = _request(order)
    draft = disputes.prepare(request)
    dispute = disputes.open_dispute(
        request, reason_id=draft.reason_id, expect_type=1, message=draft.message, by="owner"
    )
    assert dispute.state == CJDispute.State.OPEN
    return order, request, dispute


def test_an_operator_cancels_an_undecided_dispute_at_cj_and_the_request_is_new_again(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    order, request, dispute = _opened_dispute(cj_sandbox, django_capture_on_commit_callbacks)
    operator = factories.logged_in_client("operatrice", role="operator")
    detail = operator.get(reverse("cj:aftersales_detail", args=[request.pk])).content.decode()
    assert f'id="btn-cancel-dispute-{dispute.pk}"' in detail and "Annuler le litige chez CJ" in detail
    url = reverse("cj:aftersales_dispute_cancel", args=[request.pk, dispute.pk])

    page = operator.post(url, follow=True).content.decode()
    assert "annulé chez CJ" in page
    (at_cj,) = client_for().list_disputes(order_id=dispute.cj_order.cj_order_id)
    assert at_cj.status == "cancelled"
    dispute.refresh_from_db()
    request.refresh_from_db()
    assert dispute.state == CJDispute.State.CANCELLED and dispute.finished_at is not None
    assert request.status == CustomerRequest.Status.NEW
    assert order.events.filter(type="cj_dispute", message__contains="annulé chez CJ par operatrice").exists()
    assert f'id="btn-cancel-dispute-{dispute.pk}"' not in page  # nothing left to cancel

    again = operator.post(url, follow=True).content.decode()
    assert "plus être annulé" in again and _dispute_calls("cancel") == 1
    reader = factories.logged_in_client("lectrice", role="read_only")
    assert reader.post(url).status_code == 403


def test_a_dispute_cj_decided_meanwhile_is_not_cancelled_and_the_page_says_what_cj_did(
    cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    _order, _request_row, dispute = _opened_dispute(cj_sandbox, django_capture_on_commit_callbacks)
    control(cj_sandbox, f"disputes/{dispute.dispute_id}/refund", {"amount": str(dispute.requested_usd)})
    with pytest.raises(disputes.DisputeRefused, match="CJ a déjà décidé ce litige \\(remboursé par cj\\)"):
        disputes.cancel_dispute(dispute, by="owner")
    dispute.refresh_from_db()
    assert dispute.state == CJDispute.State.REFUNDED and dispute.credit_usd == dispute.requested_usd
