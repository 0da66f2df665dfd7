"""The invoice as a PDF (fpdf2), in the invoice's language, with a Unicode font (accents, €)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from kamri.core.templatetags.kamri import money
from kamri.orders.countries import country_name
from kamri.orders.models_billing import Invoice
from kamri.orders.vat import EU_COUNTRIES

FONTS = Path(__file__).resolve().parent / "fonts"


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    return pdf


def _vat_mention(invoice: Invoice) -> str:
    country = invoice.order.country.upper()
    if country not in EU_COUNTRIES:
        return _("TVA non applicable : livraison hors de l'Union européenne (article 262 I du CGI).")
    if country != "FR":
        return _("TVA du pays de livraison (%(country)s), régime du guichet unique (OSS).") % {
            "country": country_name(country)
        }
    return ""


def invoice_response(invoice: Invoice) -> HttpResponse:
    """The PDF as a download (customer's order page and the admin's order page share it)."""
    response = HttpResponse(render_invoice(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_invoice(invoice: Invoice) -> bytes:
    with translation.override(invoice.language):
        return bytes(_draw(invoice).output())


def _draw(invoice: Invoice) -> FPDF:
    order = invoice.order
    currency = invoice.currency
    pdf = _pdf()
    width = pdf.epw
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(width / 2, 8, settings.KAMRI_SELLER_NAME)
    title = _("Facture") if invoice.kind == Invoice.Kind.INVOICE else _("Avoir")
    pdf.cell(width / 2, 8, f"{title} {invoice.number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    issued = formats.date_format(timezone.localtime(invoice.issued_at), "DATE_FORMAT")
    seller = [
        settings.KAMRI_SELLER_ADDRESS,
        _("SIRET : %(siret)s") % {"siret": settings.KAMRI_SELLER_SIRET},
        _("N° de TVA intracommunautaire : %(vat)s") % {"vat": settings.KAMRI_SELLER_VAT_NUMBER},
    ]
    facts = [
        _("Date : %(date)s") % {"date": issued},
        _("Commande : %(number)s") % {"number": order.number},
    ]
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        original = order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
        facts.append(_("Sur la facture : %(number)s") % {"number": original.number if original else "—"})
    for index in range(max(len(seller), len(facts))):
        pdf.cell(width / 2, 5, seller[index] if index < len(seller) else "")
        pdf.cell(
            width / 2, 5, facts[index] if index < len(facts) else "", align="R", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(6)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width, 6, _("Facturé et livré à"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    for text in (
        order.customer_name,
        order.street_line,
        order.address2,
        f"{order.zip_code} {order.city}".strip(),
        country_name(order.country),
    ):
        if text:
            pdf.cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    if invoice.kind == Invoice.Kind.INVOICE:
        _lines_table(pdf, invoice)
    else:
        pdf.multi_cell(width, 6, _("Remboursement : %(reason)s") % {"reason": invoice.reason or "—"})
    pdf.ln(3)
    rate = f"{invoice.vat_rate.normalize():f}".replace(".", ",")
    for label, amount, bold in (
        (_("Total HT"), invoice.net_total, False),
        (_("TVA %(rate)s %%") % {"rate": rate}, invoice.vat_total, False),
        (_("Total TTC"), invoice.total, True),
    ):
        pdf.set_font("DejaVu", "B" if bold else "", 10)
        pdf.cell(width - 40, 6, label, align="R")
        pdf.cell(40, 6, money(amount, currency), align="R", new_x="LMARGIN", new_y="NEXT")
    mention = _vat_mention(invoice)
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 8)
    if mention:
        pdf.multi_cell(width, 4, mention, new_x="LMARGIN", new_y="NEXT")
    if invoice.kind == Invoice.Kind.INVOICE:
        closing = _(
            "%(name)s, %(address)s. Paiement reçu le %(date)s : aucun escompte pour paiement anticipé."
        )
        day = order.paid_at or invoice.issued_at
    else:  # a credit note: the refund, not the payment
        closing = _("%(name)s, %(address)s. Remboursement effectué le %(date)s.")
        day = invoice.issued_at
    pdf.multi_cell(
        width,
        4,
        closing
        % {
            "name": settings.KAMRI_SELLER_NAME,
            "address": settings.KAMRI_SELLER_ADDRESS,
            "date": formats.date_format(timezone.localtime(day), "DATE_FORMAT"),
        },
    )
    return pdf


def _lines_table(pdf: FPDF, invoice: Invoice) -> None:
    order, currency = invoice.order, invoice.currency
    widths = (pdf.epw - 95, 15, 45, 35)
    pdf.set_font("DejaVu", "B", 9)
    for label, w, align in zip(
        (_("Article"), _("Qté"), _("Prix unitaire TTC"), _("Total TTC")), widths, "LRRR", strict=True
    ):
        pdf.cell(w, 7, label, border="B", align=align)
    pdf.ln()
    pdf.set_font("DejaVu", "", 9)
    rows = [(line.title, str(line.quantity), money(line.unit_price, currency), money(line.line_total, currency))
            for line in order.lines.all()]  # fmt: skip
    shipping = money(order.shipping_total, currency) if order.shipping_total else _("Offerte")
    rows.append((_("Livraison"), "1", shipping, shipping))
    for row in rows:
        title = row[0] if len(row[0]) <= 70 else row[0][:69] + "…"
        for text, w, align in zip((title, *row[1:]), widths, "LRRR", strict=True):
            pdf.cell(w, 6, text, align=align)
        pdf.ln()
