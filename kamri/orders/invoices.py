"""Invoices and credit notes: numbered without gaps per year, issued when an order is paid.

The number is taken from `InvoiceSequence`, whose row stays locked until the transaction that issues the
invoice commits: two payments at once get consecutive numbers, and a rolled-back payment gives its number
back. Amounts are frozen on the Invoice; the PDF is drawn from it and the order's (immutable) lines.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from kamri.orders.models import Order
from kamri.orders.models_billing import Invoice, InvoiceSequence
from kamri.orders.vat import included_vat

PREFIX = {Invoice.Kind.INVOICE: "F", Invoice.Kind.CREDIT_NOTE: "AV"}
# Invoices are in French for French-speaking destinations, in English elsewhere.
FRENCH_SPEAKING = frozenset({"FR", "BE", "LU", "MC", "CH", "SN", "CI", "MA", "TN"})


def invoice_language(order: Order) -> str:
    return "fr" if order.country.upper() in FRENCH_SPEAKING else "en"


def _next_number(year: int, kind: str) -> int:
    """The next number of the year for this kind; the caller's transaction holds the row's lock."""
    try:
        with transaction.atomic():
            InvoiceSequence.objects.get_or_create(year=year, kind=kind)
    except IntegrityError:  # created by a concurrent first invoice of the year: it exists now
        pass
    sequence = InvoiceSequence.objects.select_for_update().get(year=year, kind=kind)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def _issue(order: Order, *, kind: str, total: Decimal, reason: str = "", reference: str = "") -> Invoice:
    assert transaction.get_connection().in_atomic_block, "issue inside the payment's transaction"
    now = timezone.now()
    year = timezone.localtime(now).year
    sequence = _next_number(year, kind)
    return Invoice.objects.create(
        order=order,
        kind=kind,
        number=f"{PREFIX[kind]}-{year}-{sequence:06d}",
        year=year,
        sequence=sequence,
        issued_at=now,
        language=invoice_language(order),
        currency=order.currency,
        total=total,
        vat_rate=order.vat_rate,
        vat_total=included_vat(total, order.vat_rate),
        reason=reason[:200],
        reference=reference[:100],
    )


def issue_invoice(order: Order) -> Invoice:
    """The order's invoice (one per order: asking again returns it). Call inside the payment's transaction."""
    existing = order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if existing is not None:
        return existing
    return _issue(order, kind=Invoice.Kind.INVOICE, total=order.total)


def issue_credit_note(order: Order, *, amount: Decimal, reference: str, reason: str = "") -> Invoice:
    """A credit note for a refund of `amount` (TTC), once per refund `reference` (idempotent)."""
    if not reference:
        raise ValueError("a credit note needs the refund's reference")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        existing = locked.invoices.filter(kind=Invoice.Kind.CREDIT_NOTE, reference=reference).first()
        if existing is not None:
            return existing
        invoice = locked.invoices.filter(kind=Invoice.Kind.INVOICE).first()
        if invoice is None:
            raise ValueError("no invoice to credit: the order was never paid")
        credited = sum(
            (note.total for note in locked.invoices.filter(kind=Invoice.Kind.CREDIT_NOTE)), Decimal("0")
        )
        if amount <= 0 or credited + amount > invoice.total:
            raise ValueError("a credit note cannot exceed what the invoice still holds")
        return _issue(locked, kind=Invoice.Kind.CREDIT_NOTE, total=amount, reason=reason, reference=reference)
