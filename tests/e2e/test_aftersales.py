"""After-sales end to end in a real browser: a late parcel reported "non reçu" with a photo, the CJ dispute,
CJ's refund to the balance, the customer's refund and e-mails, and the Rapport de marge.

The sandbox's control API only plays CJ's warehouse (ship, its calendar) and CJ's dispute desk (refund)."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from kamri.aftersales.models import CustomerRequest
from kamri.cj.models import CJApiCall, CJDispute, CJOrder
from kamri.orders.models import Order, Refund
from tests.aftersales.helpers import FR_ADDRESS, photo, ship, sync_orders
from tests.cj.helpers import control, import_cj_products, stocked_variant
from tests.conftest import wait_for
from tests.e2e.conftest import SCREENSHOTS, log_in

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"aftersales_{name}.png"), full_page=True)


def _checkout(page, live_server) -> Order:
    (product,) = import_cj_products(1)
    variant = stocked_variant(product)
    page.goto(f"{live_server.url}/produit/{product.slug}/")
    page.locator(f".variants label:has(input[value='{variant.pk}'])").click()
    page.click("#add-to-cart")
    page.click("#go-checkout")
    for name in ("customer_name", "email", "phone", "city", "zip_code", "address1"):
        page.fill(f"#id_{name}", FR_ADDRESS[name])
    page.select_option("#id_country", "FR")
    if page.locator("#id_province").count():
        page.fill("#id_province", FR_ADDRESS["province"])
    page.click("#place-order")
    page.click("#pay")
    return Order.objects.get(number=page.locator("#order-number").inner_text())


def _files(tmp_path):
    good = tmp_path / "colis-vide.png"
    good.write_bytes(photo().read())
    bad = tmp_path / "facture.jpg"
    bad.write_bytes(b"%PDF-1.4 this is not an image")
    return good, bad


def test_late_parcel_reported_disputed_refunded_by_cj_then_to_the_customer(
    page, live_server, staff, cj_account, cj_sandbox, huey_consumer, tmp_path
):
    order = _checkout(page, live_server)
    row = wait_for(lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).first())
    wait_for(lambda: CJOrder.objects.get(pk=row.pk).paid_at)
    ship(cj_sandbox, row, days_ago=70)  # CJ's warehouse shipped it 70 days ago; France is late after 60
    good, bad = _files(tmp_path)

    # The customer reports it from the private order page.
    page.goto(f"{live_server.url}/commande/{order.access_key}/")
    page.click("#report-problem")
    expect(page.locator("h1")).to_have_text("Signaler un problème")
    page.check("#kind-not_received")
    page.fill("#id_message", "Mon colis n'est jamais arrivé.")
    page.set_input_files("#id_photos", str(bad))
    page.click("#send-report")
    expect(page.locator("#report-error")).to_contain_text("n'est pas une photo")
    _shot(page, "1_refused_upload")
    page.check("#kind-not_received")
    page.fill("#id_message", "Mon colis n'est jamais arrivé.")
    page.set_input_files("#id_photos", str(good))
    page.click("#send-report")
    expect(page.locator("#sav-requests")).to_contain_text("Colis non reçu")
    expect(page.locator("#sav-requests")).to_contain_text("Nouvelle")
    expect(page.locator("#sav-requests img")).to_have_count(1)
    _shot(page, "2_order_page_request")
    request = CustomerRequest.objects.get(order=order)
    wait_for(lambda: [m for m in mail.outbox if "bien reçu votre demande" in m.subject])

    # The owner opens the CJ dispute from Retours et litiges.
    page.context.clear_cookies()
    log_in(page, live_server.url, staff.username)
    page.goto(f"{live_server.url}/admin/cj/")
    assert page.locator("a[href='/admin/cj/retours/']").count() >= 1  # in the CJ menu
    page.goto(f"{live_server.url}/admin/cj/retours/")
    expect(page.locator("#requests")).to_contain_text(request.reference)
    _shot(page, "3_list")
    page.click(f"#request-{request.pk} a")
    expect(page.locator("#late-from")).to_contain_text("en retard")
    expect(page.locator("#request-photos img")).to_have_count(1)
    page.click("#btn-open-dispute")
    expect(page.locator("#dispute-form")).to_be_visible()
    expect(page.locator("#reason-id option:checked")).to_contain_text("not received")
    assert len(page.locator("#dispute-message").input_value()) <= 500
    _shot(page, "4_dispute_form")
    page.click("#btn-send-dispute")
    expect(page.locator(".messages")).to_contain_text("Litige ouvert chez CJ")
    expect(page.locator("#request-status")).to_have_text("En litige chez CJ")
    dispute = CJDispute.objects.get(request=request)
    assert dispute.dispute_id.startswith("SH") and dispute.business_dispute_id.startswith("KAMRI-")
    page.goto(f"{live_server.url}/admin/cj/retours/{request.pk}/litige/")  # a retry never opens a second one
    expect(page.locator("#dispute-refused")).to_contain_text("déjà en cours")
    assert CJApiCall.objects.filter(endpoint="disputes/create").count() == 1

    # CJ's agents refund to the balance; the sync brings it into the timeline.
    control(cj_sandbox, f"disputes/{dispute.dispute_id}/refund", {"amount": str(dispute.requested_usd)})
    page.goto(f"{live_server.url}/admin/cj/retours/{request.pk}/")
    page.click("#btn-sync-disputes")
    expect(page.locator(f"#dispute-{dispute.pk}")).to_contain_text("Remboursé par CJ")
    expect(page.locator("#timeline")).to_contain_text("sur le solde CJ")

    # The customer is refunded (demo provider) and e-mailed.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#btn-refund")
    expect(page.locator(".messages")).to_contain_text("Remboursement de")
    expect(page.locator("#request-status")).to_have_text("Remboursée")
    _shot(page, "5_detail_refunded")
    assert Refund.objects.filter(order=order, status=Refund.Status.SUCCEEDED).count() == 1
    wait_for(lambda: [m for m in mail.outbox if "remboursement" in m.subject.lower()])

    # The margin report shows CJ's credit beside the customer's refund.
    page.goto(f"{live_server.url}/admin/cj/rapport/")
    expect(page.locator("[data-sales='cj-credits']")).to_contain_text("1 litige")
    expect(page.locator("[data-sales='refunds']")).to_be_visible()
    _shot(page, "6_margin_report")

    page.goto(f"{live_server.url}/commande/{order.access_key}/")
    expect(page.locator("#sav-requests")).to_contain_text("Remboursée")


def _late_parcel_reported(cj_sandbox, capture):
    """A CJ order shipped 70 days ago (late for CJ, to France) and its customer's « Colis non reçu »."""
    from kamri.aftersales import services as aftersales
    from tests.aftersales.helpers import placed_order

    order, row = placed_order(cj_sandbox, capture)
    ship(cj_sandbox, row, days_ago=70)
    request = aftersales.create_request(
        order, kind="not_received", message="Rien reçu", lines={line.pk: 1 for line in order.lines.all()},
        uploads=[], request_key=f"e2e-{order.pk}",
    )  # fmt: skip
    return row, request


def test_delivered_parcel_is_explained_before_any_cj_call(
    admin_page, live_server, cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    row, request = _late_parcel_reported(cj_sandbox, django_capture_on_commit_callbacks)
    control(cj_sandbox, f"orders/{row.cj_order_id}/deliver")  # then the carrier says delivered
    sync_orders()
    admin_page.goto(f"{live_server.url}/admin/cj/retours/{request.pk}/")
    admin_page.click("#btn-open-dispute")
    expect(admin_page.locator("#dispute-refused")).to_contain_text("livré")
    _shot(admin_page, "7_refused_delivered")
    assert not CJApiCall.objects.filter(endpoint__startswith="disputes/").exists()


def test_an_undecided_dispute_is_cancelled_at_cj_from_its_request(
    admin_page, live_server, cj_account, cj_sandbox, django_capture_on_commit_callbacks
):
    from kamri.cj.orders import disputes

    _row, request = _late_parcel_reported(cj_sandbox, django_capture_on_commit_callbacks)
    draft = disputes.prepare(request)
    dispute = disputes.open_dispute(
        request, reason_id=draft.reason_id, expect_type=1, message=draft.message, by="owner"
    )

    page = admin_page
    page.goto(f"{live_server.url}/admin/cj/retours/{request.pk}/")
    expect(page.locator(f"#dispute-{dispute.pk}")).to_contain_text("En cours chez CJ")
    _shot(page, "8_dispute_open")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click(f"#btn-cancel-dispute-{dispute.pk}")
    expect(page.locator(".messages")).to_contain_text("annulé chez CJ")
    assert asked and "Annuler ce litige chez CJ" in asked[0]
    expect(page.locator(f"#dispute-{dispute.pk}")).to_contain_text("Annulé")
    expect(page.locator("#request-status")).to_have_text("Nouvelle")
    expect(page.locator(f"#btn-cancel-dispute-{dispute.pk}")).to_have_count(0)
    expect(page.locator("#btn-open-dispute")).to_be_visible()  # the request can be handled again
    _shot(page, "9_dispute_cancelled")
    assert CJApiCall.objects.filter(endpoint="disputes/cancel").count() == 1
