"""Shipping rules, VAT of the delivery country, invoices numbered without gaps, and the margin that tells
the truth — with the amounts computed by hand in the tests."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from kamri.catalog.models import Product
from kamri.cj.models import CJOrder, CJSettings
from kamri.cj.reports import profit as profit_figures
from kamri.core.periods import default_period
from kamri.orders import checkout, refunds, services
from kamri.orders.checkout import ShippingAddress
from kamri.orders.invoice_pdf import render_invoice
from kamri.orders.invoices import issue_credit_note
from kamri.orders.models import Invoice, Order, Payment, ShippingRule, VatRate
from kamri.orders.shipping import delivery_window, marked_up, quote_shipping
from kamri.orders.vat import included_vat, rate_for
from tests import factories

pytestmark = pytest.mark.django_db


def address(country: str = "FR", **extra) -> ShippingAddress:
    zips = {"FR": "75011", "DE": "10115", "US": "94103", "BE": "1000"}
    return ShippingAddress(
        customer_name="Camille Martin",
        email="camille@example.fr",
        phone="+33612345678",
        country=country,
        city="Ville",
        address1="12 rue Oberkampf",
        zip_code=zips[country],
        province="CA" if country == "US" else "",
        house_number="12" if country == "BE" else "",  # the Benelux carriers want it apart
        **extra,
    )


def variant(price: str, source=Product.Source.OWN):
    return factories.product(price=price, stock=20, source=source).variants.get()


# --- VAT ------------------------------------------------------------------------------------------


def test_vat_is_the_delivery_countrys_and_none_outside_the_eu():
    assert rate_for("FR") == Decimal("20") and rate_for("DE") == Decimal("19") and rate_for("US") == 0
    VatRate.objects.filter(country="DE").update(rate=Decimal("7"))  # editable table
    assert rate_for("de") == Decimal("7")
    assert included_vat(Decimal("45.50"), Decimal("20")) == Decimal("7.58")  # 45.50 × 20 / 120 = 7.583
    assert included_vat(Decimal("60.00"), Decimal("19")) == Decimal("9.58")  # 60 × 19 / 119 = 9.579
    assert included_vat(Decimal("60.00"), Decimal("0")) == Decimal("0.00")


def test_a_german_address_applies_the_german_rate():
    item = variant("23.80")
    order = checkout.place_order(items={item.pk: 1}, address=address("DE"))
    assert order.vat_rate == Decimal("19.00")
    # 23.80 TTC, shipping 0 (own product: no carrier cost) → 23.80 × 19 / 119 = 3.80
    assert order.total == Decimal("23.80") and order.vat_total == Decimal("3.80")
    us = checkout.place_order(items={item.pk: 1}, address=address("US"))
    assert us.vat_rate == 0 and us.vat_total == 0


# --- Shipping rules -------------------------------------------------------------------------------


def test_the_first_rule_that_applies_sets_the_price_and_country_lists_come_first():
    item = variant("20.00")
    ShippingRule.objects.create(zone="BE", position=1, kind="flat", amount=Decimal("4.90"))
    assert checkout.quote({item.pk: 1}, "BE").shipping == Decimal("4.90")
    assert checkout.quote({item.pk: 3}, "BE").shipping == Decimal("4.90")  # BE's own list: no free rule
    over = checkout.quote({item.pk: 3}, "FR")  # 60 € ≥ 50 €: the default list's first rule
    assert over.shipping == 0 and over.shipping_quote.rule == "Offerte dès 50,00\u00a0€"


def test_marked_up_rounds_up_to_ten_cents():
    assert marked_up(Decimal("4.14"), Decimal("10")) == Decimal("4.60")  # 4.554 → 4.60
    assert marked_up(Decimal("5.00"), Decimal("10")) == Decimal("5.50")  # exact stays
    assert marked_up(Decimal("0"), Decimal("10")) == Decimal("0.00")


def test_without_saved_rules_the_default_list_applies():
    ShippingRule.objects.all().delete()
    item = variant("20.00")
    assert checkout.quote({item.pk: 3}, "FR").shipping_quote.rule == "Offerte dès 50,00\u00a0€"
    below = checkout.quote({item.pk: 1}, "FR").shipping_quote
    assert below.rule == "Tarif du transporteur + 10 %"  # the admin's words, kept on the order
    assert below.shown == ""  # the customer never reads the shop's markup
    assert checkout.quote({item.pk: 3}, "FR").shipping_quote.shown == "Offerte dès 50,00\u00a0€"


def test_a_country_list_that_never_applies_is_a_clear_problem_not_a_free_delivery():
    ShippingRule.objects.create(zone="BE", position=1, kind="free_above", threshold=Decimal("100"))
    item = variant("20.00")
    shipping = quote_shipping([(item, 1)], "BE", Decimal("20.00"))
    assert (
        shipping.amount is None and "Aucun tarif de livraison n'est défini pour Belgique" in shipping.problem
    )
    with pytest.raises(checkout.CheckoutError) as refused:
        checkout.place_order(items={item.pk: 1}, address=address("BE"))
    assert refused.value.code == "shipping"


def test_delivery_window_adds_handling_then_transit(settings):
    settings.KAMRI_HANDLING_DAYS = 2
    assert delivery_window((8, 14), today=date(2026, 12, 2)) == (date(2026, 12, 12), date(2026, 12, 18))
    assert delivery_window(None) is None


# --- Invoices -------------------------------------------------------------------------------------


def _paid(country: str = "FR", price: str = "40.00"):
    order = checkout.place_order(items={variant(price).pk: 1}, address=address(country))
    services.mark_paid(order, provider="demo")
    return order


def test_invoices_are_numbered_without_gaps_and_a_rollback_gives_its_number_back():
    year = timezone.localdate().year
    first = _paid()
    order = checkout.place_order(items={variant("10.00").pk: 1}, address=address("FR"))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.mark_paid(order, provider="demo")
        raise RuntimeError("the payment's transaction fails after the invoice was numbered")
    assert not Invoice.objects.filter(order=order).exists()
    second = _paid()
    services.mark_paid(second, provider="demo")  # paying twice issues nothing more
    numbers = list(Invoice.objects.order_by("sequence").values_list("number", flat=True))
    assert numbers == [f"F-{year}-000001", f"F-{year}-000002"]
    assert first.invoices.get().total == first.total


def test_the_invoice_pdf_says_number_vat_and_total_with_accents_and_euro():
    order = _paid("FR", "45.50")
    invoice = order.invoices.get()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_invoice(invoice))).pages)
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    assert invoice.number in text and "Facture" in text
    assert "TVA 20 %" in text and "7,58 €" in text  # 45.50 × 20 / 120
    assert "Total TTC" in text and "45,50 €" in text and "Total HT" in text and "37,92 €" in text
    assert "SIRET" in text and "Facturé et livré à" in text and "Camille Martin" in text


def test_an_invoice_outside_france_is_in_english_and_states_the_export():
    order = _paid("US", "30.00")
    invoice = order.invoices.get()
    assert invoice.language == "en" and invoice.vat_total == 0
    text = PdfReader(io.BytesIO(render_invoice(invoice))).pages[0].extract_text()
    assert "Invoice" in text and "262 I" in text


def test_credit_notes_are_idempotent_and_never_exceed_the_invoice():
    order = _paid("FR", "40.00")
    note = issue_credit_note(order, amount=Decimal("12.00"), reference="re_1", reason="Article abîmé")
    assert note.number.startswith("AV-") and note.vat_total == Decimal("2.00")  # 12 × 20 / 120
    assert issue_credit_note(order, amount=Decimal("12.00"), reference="re_1") == note
    with pytest.raises(ValueError):
        issue_credit_note(order, amount=Decimal("40.00"), reference="re_2")
    text = PdfReader(io.BytesIO(render_invoice(note))).pages[0].extract_text()
    assert "Avoir" in text and order.invoices.get(kind="invoice").number in text
    assert "Remboursement effectué le" in text and "Paiement reçu" not in text  # a refund, not the payment


# --- The margin -------------------------------------------------------------------------------------


def _cj_sale(country: str, price: str, goods_usd: str, postage_usd: str):
    item = variant(price, source=Product.Source.CJ)
    order = checkout.place_order(items={item.pk: 1}, address=address(country))
    services.mark_paid(order, provider="demo")
    CJOrder.objects.create(
        order=order,
        order_number=order.number,
        state=CJOrder.State.PLACED,
        product_amount_usd=Decimal(goods_usd),
        postage_amount_usd=Decimal(postage_usd),
    )
    return order


def test_the_rapport_de_marge_equals_the_hand_computation(settings):
    settings.KAMRI_PAYMENT_FEE_PERCENT, settings.KAMRI_PAYMENT_FEE_FIXED = Decimal("1.5"), Decimal("0.25")
    CJSettings.objects.update_or_create(pk=CJSettings.load().pk, defaults={"usd_rate": Decimal("0.92")})
    ShippingRule.objects.create(zone="FR", position=1, kind="flat", amount=Decimal("5.50"))
    ShippingRule.objects.create(zone="US", position=1, kind="flat", amount=Decimal("6.60"))
    fr = _cj_sale("FR", "40.00", goods_usd="12.00", postage_usd="4.50")
    de = _cj_sale("DE", "60.00", goods_usd="20.00", postage_usd="5.00")  # ≥ 50 €: shipping offered
    us = _cj_sale("US", "30.00", goods_usd="9.00", postage_usd="6.00")
    assert (fr.total, de.total, us.total) == (Decimal("45.50"), Decimal("60.00"), Decimal("36.60"))

    rows = {row.number: row for row in profit_figures.profit_report(default_period()).rows}
    # FR: 45.50 TTC, VAT 45.50×20/120 = 7.58 → 37.92 HT; goods 12×0.92 = 11.04, freight 4.50×0.92 = 4.14;
    #     fee 45.50×1.5 % + 0.25 = 0.9325 → 0.93; profit 37.92 − 11.04 − 4.14 − 0.93 = 21.81;
    #     shipping charged 5.50 − 5.50×20/120 (0.92) = 4.58 HT, against 4.14 paid to CJ.
    row = rows[fr.number]
    assert (row.revenue_ttc, row.vat, row.revenue) == (Decimal("45.50"), Decimal("7.58"), Decimal("37.92"))
    assert (row.goods, row.shipping, row.fees, row.profit) == (
        Decimal("11.04"), Decimal("4.14"), Decimal("0.93"), Decimal("21.81")
    )  # fmt: skip
    assert row.shipping_charged == Decimal("4.58")
    # DE: 60.00 TTC at 19 %: VAT 9.58 → 50.42; 18.40 + 4.60 CJ; fee 0.90 + 0.25 = 1.15; profit 26.27.
    row = rows[de.number]
    assert (row.vat, row.revenue, row.fees, row.profit) == (
        Decimal("9.58"), Decimal("50.42"), Decimal("1.15"), Decimal("26.27")
    )  # fmt: skip
    assert row.shipping_charged == 0
    # US: no VAT; 36.60 − 8.28 − 5.52 − (0.549 + 0.25 → 0.80) = 22.00; shipping 6.60 charged, 5.52 paid.
    row = rows[us.number]
    assert (row.vat, row.revenue, row.fees, row.profit) == (
        Decimal("0.00"), Decimal("36.60"), Decimal("0.80"), Decimal("22.00")
    )  # fmt: skip
    assert (row.shipping_charged, row.shipping) == (Decimal("6.60"), Decimal("5.52"))
    totals = profit_figures.profit_report(default_period()).totals
    assert (totals.revenue, totals.vat, totals.fees, totals.profit) == (
        Decimal("124.94"), Decimal("17.16"), Decimal("2.88"), Decimal("70.08")
    )  # fmt: skip
    assert totals.margin_percent == Decimal("56.1")  # 70.08 / 124.94 = 56.09 %
    assert totals.refunds == 0

    # Refunds come off the margin net of the order's VAT, in the order's row (the order's period).
    for order in (fr, us):
        Payment.objects.create(
            order=order, provider="demo", reference=f"demo-{order.number}", status="succeeded",
            amount=order.total, currency=order.currency, confirmed_at=timezone.now(),
        )  # fmt: skip
    refunds.refund(fr, amount=Decimal("7.99"), by="admin", request_key="hand-fr", notify=False)
    refunds.refund(us, amount=Decimal("5.00"), by="admin", request_key="hand-us", notify=False)
    report = profit_figures.profit_report(default_period())
    rows = {row.number: row for row in report.rows}
    # FR: 7.99 TTC at 20 %: VAT 7.99×20/120 = 1.3316 → 1.33, so 6.66 HT; profit 21.81 − 6.66 = 15.15.
    assert (rows[fr.number].refunds, rows[fr.number].profit) == (Decimal("6.66"), Decimal("15.15"))
    # US: no VAT, the whole 5.00; profit 22.00 − 5.00 = 17.00. DE: not refunded, unchanged.
    assert (rows[us.number].refunds, rows[us.number].profit) == (Decimal("5.00"), Decimal("17.00"))
    assert (rows[de.number].refunds, rows[de.number].profit) == (Decimal("0.00"), Decimal("26.27"))
    totals = report.totals
    # 15.15 + 26.27 + 17.00 = 58.42 ; 58.42 / 124.94 = 46.76 %
    assert (totals.refunds, totals.profit) == (Decimal("11.66"), Decimal("58.42"))
    assert totals.margin_percent == Decimal("46.8")
    assert report.refunds == profit_figures.Sales(2, Decimal("12.99"))  # the cash given back, TTC, beside


# --- Admin pages ------------------------------------------------------------------------------------


def test_the_admin_downloads_the_invoice_from_the_order_and_strangers_cannot(staff_client, client):
    order = _paid("FR", "45.50")
    invoice = order.invoices.get()
    page = staff_client.get(f"/admin/commandes/{order.number}/").content.decode()
    assert f"/admin/commandes/{order.number}/facture/{invoice.number}.pdf" in page and "TVA incluse" in page
    response = staff_client.get(f"/admin/commandes/{order.number}/facture/{invoice.number}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert invoice.number in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    client.logout()
    assert client.get(f"/admin/commandes/{order.number}/facture/{invoice.number}.pdf").status_code == 302
    # the customer's link needs the order's secret key
    assert client.get(f"/commande/{order.access_key}/facture/{invoice.number}.pdf").status_code == 200
    assert client.get(f"/commande/wrong-key/facture/{invoice.number}.pdf").status_code == 404


def test_cj_orders_page_flags_an_order_past_its_delivery_promise(staff_client):
    late = _paid("FR", "20.00")
    Order.objects.filter(pk=late.pk).update(delivery_min=date(2026, 1, 2), delivery_max=date(2026, 1, 9))
    on_time = _paid("FR", "20.00")
    CJOrder.objects.create(order=late, order_number=late.number, state=CJOrder.State.PLACED)
    CJOrder.objects.create(order=on_time, order_number=on_time.number, state=CJOrder.State.PLACED)
    html = staff_client.get("/admin/cj/commandes/").content.decode()
    assert html.count("late-promise") == 1 and "Livraison promise au 09/01/2026 dépassée" in html


def test_a_bad_rule_or_rate_is_a_french_message_and_nothing_is_saved(staff_client):
    response = staff_client.post(
        "/admin/livraison/regles/ajouter/",
        {
            "zone": "FR",
            "position": "1",
            "kind": "flat",
            "amount": "-3",
            "markup_percent": "0",
            "threshold": "0",
        },
    )
    assert response.status_code == 400 and "Indiquez un nombre positif ou zéro." in response.content.decode()
    assert not ShippingRule.objects.filter(zone="FR").exists()
    response = staff_client.post("/admin/livraison/tva/", {"DE": "abc"})
    assert response.status_code == 400 and VatRate.objects.get(country="DE").rate == Decimal("19")
    for out_of_range in ("150", "-5"):  # the limits' message once crashed the page ("incomplete format")
        response = staff_client.post("/admin/livraison/tva/", {"DE": out_of_range})
        assert response.status_code == 400 and "Un taux entre 0 et 50 %." in response.content.decode()
        assert VatRate.objects.get(country="DE").rate == Decimal("19")


def test_an_order_line_keeps_the_options_in_the_customers_words():
    """The cart says « Couleur : Blanc »; the order line (payment page, invoice, e-mails, admin) used to say
    « — White », the supplier's value."""
    from django.utils import translation

    product = factories.product(title="Coque marbre", price="10.00")
    item = product.variants.get()
    item.options = {"Color": "White"}
    item.save()
    product.option_labels = {
        "names": {"Color": {"fr": "Couleur", "en": "Colour"}},
        "values": {"Color": {"White": {"fr": "Blanc", "en": "White"}}},
    }
    product.save()
    order = checkout.place_order(items={item.pk: 1}, address=address("FR"))
    assert order.lines.get().title == "Coque marbre — Blanc"
    with translation.override("en"):
        english = checkout.place_order(items={item.pk: 1}, address=address("FR"))
    assert english.lines.get().title.endswith("— White")


def test_the_shipping_zone_list_is_sorted_as_the_checkouts_accents_ignored():
    from kamri.orders.forms_shipping import zone_choices

    names = [name for _code, name in zone_choices()[2:]]
    assert names.index("Émirats arabes unis") < names.index("Espagne") < names.index("États-Unis")
    assert names.index("Suède") < names.index("Suisse")
