"""Small builders for test data (plain functions, no factory library)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client

from kamri.catalog.models import Category, Product, Variant
from kamri.orders.models import Order, OrderLine

_seq = itertools.count(1)
STAFF_PASSWORD = "correct-horse-battery-9"


def staff_user(username: str = "staff", *, is_staff: bool = True, role: str = "owner"):
    """A staff account (an owner unless told otherwise: the Équipe's roles), or a customer with is_staff=False."""
    from kamri.core.models import StaffMember

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username, defaults={"is_staff": is_staff})
    user.is_staff = is_staff
    user.set_password(STAFF_PASSWORD)
    user.save()
    if is_staff:
        StaffMember.objects.update_or_create(user=user, defaults={"role": role})
    return user


def logged_in_client(
    username: str = "staff",
    *,
    role: str = "owner",
    crashes_as_500: bool = False,
    client: Client | None = None,
) -> Client:
    """A test client logged in as a staff member with this role: the one way the tests enter the admin.

    crashes_as_500: a crash comes back as a 500 response to count, instead of an exception in the test.
    """
    client = client or Client(raise_request_exception=not crashes_as_500)
    client.force_login(staff_user(username, role=role))
    return client


def product(
    *,
    title: str | None = None,
    status: str = Product.Status.ACTIVE,
    source: str = Product.Source.OWN,
    category: Category | None = None,
    variants: int = 1,
    price: str = "10.00",
    stock: int = 5,
) -> Product:
    n = next(_seq)
    item = Product.objects.create(
        title=title or f"Produit {n}",
        status=status,
        source=source,
        category=category,
        description="Un produit.",
    )
    for index in range(variants):
        Variant.objects.create(
            product=item,
            sku=f"SKU-{n}-{index}",
            options={"Taille": f"T{index}"},
            price=Decimal(price),
            stock=stock,
        )
    return item


def order(
    *,
    status: str = Order.Status.PENDING,
    country: str = "FR",
    customer: str = "Client Test",
    lines: int = 1,
    paid: bool = False,
) -> Order:
    from django.utils import timezone

    created = Order.objects.create(
        customer_name=customer,
        email="client@example.fr",
        phone="+33612345678",
        country=country,
        city="Paris",
        zip_code="75001",
        address1="1 rue de Rivoli",
        status=status,
        paid_at=timezone.now() if paid else None,
    )
    for _ in range(lines):
        variant = product().variants.first()
        OrderLine.objects.create(
            order=created,
            variant=variant,
            title=str(variant),
            sku=variant.sku,
            unit_price=variant.price,
            quantity=2,
        )
    created.subtotal = created.total = sum(line.line_total for line in created.lines.all())
    created.save()
    return created


def _filled(text: str, length: int) -> str:
    """`text` repeated to exactly `length` characters, never ending in a space (forms strip it)."""
    value = (f"{text} " * length)[:length]
    return value[:-1] + "x" if value.endswith(" ") else value


def address_at_limits(base: dict[str, str]) -> dict[str, str]:
    """`base` with every field as long as kamri.orders.limits allows; the postcode keeps its country's format."""
    from kamri.orders.limits import ADDRESS_MAX_LENGTHS as LIMITS

    domain = "@example.com"
    return {
        **base,
        "customer_name": _filled(base["customer_name"], LIMITS["customer_name"]),
        "email": "m" * (LIMITS["email"] - len(domain)) + domain,
        "phone": (base["phone"] + " 9999")[: LIMITS["phone"]],
        "address1": _filled(base["address1"], LIMITS["address1"]),
        "address2": _filled("Building B, floor 4", LIMITS["address2"]),
        "city": _filled(base["city"], LIMITS["city"]),
        "province": _filled(base["province"], LIMITS["province"]),
    }
