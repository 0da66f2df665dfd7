"""Shared builders for storefront tests."""

from __future__ import annotations

import html

from kamri.catalog.models import Variant

ADDRESS = {
    "customer_name": "Camille Martin",
    "email": "camille@example.fr",
    "phone": "+33 6 12 34 56 78",
    "country": "FR",
    "province": "Île-de-France",
    "city": "Paris",
    "zip_code": "75011",
    "address1": "12 rue Oberkampf",
    "address2": "3e étage",
}


def add(client, variant: Variant, quantity: int = 1, *, follow: bool = False, **extra):
    return client.post(
        "/panier/ajouter/", {"variant": variant.pk, "quantity": quantity, **extra}, follow=follow
    )


def text(response) -> str:
    """The page's HTML with entities decoded (French apostrophes come out as &#x27;)."""
    return html.unescape(response.content.decode())


def cart_of(client) -> dict[str, int]:
    return dict(client.session.get("kamri_cart", {}))
