"""In a real browser, with localstripe as Stripe: a customer pays by card (Stripe.js, localstripe's), the signed
webhook confirms, the e-mail goes, CJ gets the order; a declined card; the admin's Paiements page, a cancel that
reaches the CJ sandbox, a refund of an order paid at CJ, a held order released."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from kamri.cj.models import CJOrder, CJSettings
from kamri.orders.demo import register_local_webhook
from kamri.orders.models import Hold, Order, PaymentSettings
from tests.cj.helpers import US_ADDRESS, import_cj_products, sandbox_orders, stocked_variant, unpaid_order
from tests.conftest import LOCALSTRIPE_SECRET_KEY, wait_for
from tests.e2e.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"stripe_{name}.png"), full_page=True)


@pytest.fixture
def shop(localstripe, live_server, cj_account, huey_consumer):
    """KAMRI as `make run` ships it: localstripe signs its webhooks to this server, CJ orders go at once."""
    register_local_webhook(api_base=localstripe.url, public_url=live_server.url)
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(order_delay_minutes=0)
    (product,) = import_cj_products(1)
    return stocked_variant(product)


def _order(variant) -> Order:
    return unpaid_order([variant])


def _pay(page, live_server, order: Order, number: str, *, shot: str = "") -> None:
    page.goto(f"{live_server.url}/commande/{order.access_key}/paiement/")
    for field, value in (
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "30"),
        ("cvc", "123"),
        ("postal_code", "94103"),
    ):
        page.fill(f"#card-element input[placeholder={field}]", value)
    if shot:
        _shot(page, shot)
    page.click("#pay")


def test_customer_pays_by_card_webhook_confirms_email_sent_cj_order_placed(page, live_server, shop):
    order = _order(shop)
    _pay(page, live_server, order, "4242424242424242", shot="0_card_form")
    expect(page.locator("h1")).to_have_text("Merci pour votre commande !", timeout=60_000)
    expect(page.locator("#order-number")).to_have_text(order.number)
    _shot(page, "1_thanks")
    row = wait_for(
        lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).first(), timeout=90
    )
    (at_cj,) = [o for o in sandbox_orders(_sandbox()) if o["orderNumber"] == order.number]
    assert row.cj_order_id
    # ... and paid at CJ by KAMRI itself (the default Automatique mode), with no control-API call
    assert row.paid_at is not None and row.paid_amount_usd > 0
    assert at_cj["status"] not in ("CREATED", "UNPAID", "IN_CART")
    wait_for(lambda: any(order.number in m.subject for m in mail.outbox))
    (confirmation,) = [m for m in mail.outbox if order.number in m.subject]
    assert confirmation.subject == f"KAMRI — confirmation de votre commande {order.number}"
    assert confirmation.alternatives and "<html" in confirmation.alternatives[0][0]
    order.refresh_from_db()
    assert order.events.filter(type="email_confirmation").exists()


def _sandbox():
    from types import SimpleNamespace

    from django.conf import settings

    return SimpleNamespace(root_url=settings.CJ_SANDBOX_URL.split("/api2.0/")[0])


def test_a_declined_card_shows_the_french_message_and_no_cj_order(page, live_server, shop):
    order = _order(shop)
    _pay(page, live_server, order, "4000000000000002")
    expect(page.locator("#card-error")).to_contain_text("Votre carte a été refusée")
    _shot(page, "2_declined")
    order.refresh_from_db()
    assert not order.is_paid
    assert not CJOrder.objects.filter(order=order).exists()


def test_admin_saves_and_tests_the_stripe_keys_masked(admin_page, live_server, localstripe):
    page = admin_page
    page.goto(f"{live_server.url}/admin/paiements/")
    expect(page.locator("h1")).to_have_text("Paiements")
    expect(page.locator("#masked-secret")).to_have_text("••••••••0001")
    assert LOCALSTRIPE_SECRET_KEY not in page.content()
    page.fill("#id_hold_amount_above", "250,00")
    page.click("#btn-save")
    expect(page.locator(".messages")).to_contain_text("Réglages de paiement enregistrés.")
    assert PaymentSettings.load().hold_amount_above == Decimal("250.00")
    page.click("#btn-test")
    expect(page.locator("#last-check")).to_contain_text("Réussi")
    _shot(page, "3_paiements")
    page.fill("#id_secret_key", "pas-une-cle")
    page.click("#btn-test")
    expect(page.locator("body")).to_contain_text("La clé secrète doit commencer par « sk_ »")
    assert PaymentSettings.load().secret_key == LOCALSTRIPE_SECRET_KEY  # a test saves nothing


def _paid_by_card(page, live_server, variant, *, address: dict | None = None) -> Order:
    order = unpaid_order([variant], address=address)
    _pay(page, live_server, order, "4242424242424242")
    expect(page.locator("h1")).to_have_text("Merci pour votre commande !", timeout=60_000)
    return order


def test_admin_cancels_an_order_created_at_cj_deleted_there_and_refunded(admin_page, live_server, shop):
    CJSettings.objects.filter(pk=CJSettings.load().pk).update(payment_mode=CJSettings.PaymentMode.MANUAL)
    page = admin_page
    order = _paid_by_card(page, live_server, shop)
    wait_for(  # created at CJ, waiting in "À payer chez CJ" (manual payment mode)
        lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.TO_PAY).exists(),
        timeout=90,
    )
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#cancel-order")
    expect(page.locator("body")).to_contain_text("Commande annulée. Remboursement de")
    expect(page.locator("#refunds")).to_contain_text("re_")
    _shot(page, "4_cancelled")
    (at_cj,) = [o for o in sandbox_orders(_sandbox()) if o["orderNumber"] == order.number]
    assert at_cj["deleted"] is True
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_admin_refunds_an_order_paid_at_cj_which_stays_and_the_page_says_how_to_claim(
    admin_page, live_server, shop
):
    # the default payment mode (Automatique) pays the CJ order from the balance right after its creation
    page = admin_page
    order = _paid_by_card(page, live_server, shop)
    row = wait_for(
        lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).first(), timeout=90
    )
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    expect(page.locator("#cancel-order")).to_be_disabled()  # paid at CJ: said before any click
    expect(page.locator("#cancel-refused")).to_contain_text("déjà payée chez CJ")
    _shot(page, "5a_cancel_refused_before_the_click")
    page.click("#refund-submit")
    expect(page.locator("body")).to_contain_text("Remboursement de")
    expect(page.locator("body")).to_contain_text("ouvrez un litige")
    expect(page.locator("#refunded-total")).to_contain_text(str(order.total).replace(".", ","))
    _shot(page, "5_refunded_paid_at_cj")
    row.refresh_from_db()
    assert row.state == CJOrder.State.PLACED


def test_a_held_order_goes_to_cj_only_after_liberer_and_once(admin_page, live_server, shop):
    rules = PaymentSettings.load()
    rules.hold_amount_above = Decimal("1.00")
    rules.save()
    page = admin_page
    order = _paid_by_card(page, live_server, shop)
    wait_for(lambda: Hold.objects.filter(order=order).exists())
    assert not CJOrder.objects.filter(order=order).exists()
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    expect(page.locator("#holds")).to_contain_text("Montant élevé")
    _shot(page, "6_held")
    page.click("#release-amount")
    expect(page.locator("body")).to_contain_text("Retenue levée")
    wait_for(lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).exists(), timeout=90)
    assert CJOrder.objects.filter(order=order).count() == 1
    assert len([o for o in sandbox_orders(_sandbox()) if o["orderNumber"] == order.number]) == 1


def test_an_order_with_a_flagged_address_is_held_corrected_on_its_page_then_released(
    admin_page, live_server, shop
):
    page = admin_page
    order = _paid_by_card(page, live_server, shop, address={**US_ADDRESS, "phone": "", "zip_code": "ABC"})
    wait_for(lambda: Hold.objects.filter(order=order, reason=Hold.Reason.ADDRESS).exists())
    assert not CJOrder.objects.filter(order=order).exists()
    page.goto(f"{live_server.url}/admin/commandes/{order.number}/")
    expect(page.locator("#holds")).to_contain_text("Adresse signalée")
    expect(page.locator("#holds")).to_contain_text("Téléphone manquant")
    page.click("#release-address")  # still flagged: refused, with what to do
    expect(page.locator("body")).to_contain_text("L'adresse est toujours signalée")
    expect(page.locator("body")).to_contain_text("Corrigez-la puis libérez.")
    assert not CJOrder.objects.filter(order=order).exists()
    page.fill("#id_phone", "+1 415 555 0199")
    page.fill("#id_zip_code", "94103")
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "7_held_address_corrected")
    page.click("#btn-save-address")
    expect(page.locator("body")).to_contain_text("Adresse enregistrée")
    page.click("#release-address")
    expect(page.locator("body")).to_contain_text("Retenue levée : Adresse signalée")
    wait_for(lambda: CJOrder.objects.filter(order=order, state=CJOrder.State.PLACED).exists(), timeout=90)
    assert CJOrder.objects.filter(order=order).count() == 1
    (at_cj,) = [o for o in sandbox_orders(_sandbox()) if o["orderNumber"] == order.number]
    assert at_cj["shipping"]["shippingPhone"] == "+1 415 555 0199"
    page.reload()
    expect(page.locator("body")).to_contain_text("Adresse de livraison corrigée")
    expect(page.locator(".timeline")).to_contain_text("Facture")  # every journal badge in French
    _shot(page, "8_address_hold_released")
