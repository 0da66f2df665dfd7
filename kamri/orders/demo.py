"""A few demo orders of own products, so a newcomer's dashboard is not empty."""

from __future__ import annotations

import secrets
from datetime import timedelta

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kamri.catalog.models import Variant
from kamri.orders.models import Order, OrderEvent, OrderLine, PaymentSettings
from kamri.orders.vat import included_vat, rate_for

_CUSTOMERS = [
    (
        "Camille Martin",
        "camille.martin@example.fr",
        "+33612345678",
        "FR",
        "Île-de-France",
        "Paris",
        "75011",
        "12 rue Oberkampf",
        Order.Status.DELIVERED,
        9,
    ),
    (
        "Lucas Bernard",
        "lucas.bernard@example.fr",
        "+33687654321",
        "FR",
        "Auvergne-Rhône-Alpes",
        "Lyon",
        "69002",
        "4 quai Saint-Antoine",
        Order.Status.SHIPPED,
        4,
    ),
    (
        "Emma Weber",
        "emma.weber@example.de",
        "+4915112345678",
        "DE",
        "Berlin",
        "Berlin",
        "10115",
        "Invalidenstraße 44",
        Order.Status.CONFIRMED,
        1,
    ),
    (
        "Noah Dubois",
        "noah.dubois@example.be",
        "+32470123456",
        "BE",
        "Bruxelles",
        "Bruxelles",
        "1000",
        "Rue Neuve",
        Order.Status.PENDING,
        0,
    ),
]


# The Benelux carriers want the house number apart from the street (kamri.orders.countries).
_HOUSE_NUMBERS = {"noah.dubois@example.be": "21"}


@transaction.atomic
def load_demo_orders() -> int:
    variants = list(Variant.objects.stocked().order_by("id")[:6])
    if not variants:
        return 0
    now = timezone.now()
    for index, (
        name,
        email,
        phone,
        country,
        province,
        city,
        zip_code,
        address,
        status,
        days_ago,
    ) in enumerate(_CUSTOMERS):
        picked = [variants[index % len(variants)], variants[(index + 2) % len(variants)]]
        order = Order.objects.create(
            customer_name=name,
            email=email,
            phone=phone,
            country=country,
            province=province,
            city=city,
            zip_code=zip_code,
            address1=address,
            house_number=_HOUSE_NUMBERS.get(email, ""),
            status=status,
            currency=settings.KAMRI_STORE_CURRENCY,
            paid_at=None if status == Order.Status.PENDING else now - timedelta(days=days_ago),
        )
        subtotal = 0
        for quantity, variant in enumerate(picked, start=1):
            OrderLine.objects.create(
                order=order,
                variant=variant,
                title=str(variant),
                sku=variant.sku,
                unit_price=variant.price,
                quantity=quantity,
            )
            subtotal += variant.price * quantity
        order.subtotal = order.total = subtotal
        order.vat_rate = rate_for(country)
        order.vat_total = included_vat(order.total, order.vat_rate)
        order.save(update_fields=["subtotal", "total", "vat_rate", "vat_total"])
        Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=days_ago, hours=2))
        OrderEvent.objects.create(order=order, type="demo", message="Commande de démonstration créée.")
    return len(_CUSTOMERS)


def prepare_demo_payments(*, api_base: str) -> list[str]:
    """`make run`: the Paiements page gets localstripe's test keys when no Stripe key is saved yet."""
    row = PaymentSettings.load()
    if row.secret_key_encrypted:
        return []
    row.set_secret_key("sk_test_kamri_demo_localstripe")
    row.publishable_key = "pk_test_kamri_demo_localstripe"
    row.set_webhook_secret(f"whsec_{secrets.token_urlsafe(24)}")
    row.save()
    return [f"Stripe : clés de test de localstripe enregistrées ({api_base})."]


def register_local_webhook(*, api_base: str, public_url: str) -> None:
    """localstripe keeps its webhook list in memory: tell it, at each start, where and with which secret to sign."""
    secret = PaymentSettings.load().webhook_secret
    httpx.post(
        f"{api_base}/_config/webhooks/kamri",
        data={"url": f"{public_url}/webhooks/stripe/", "secret": secret},
        timeout=10,
    ).raise_for_status()
