"""The session cart: add, update, remove; prices and stock always come from the database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kamri.catalog.models import Product, Variant
from tests import factories
from tests.storefront.helpers import add, cart_of, text

pytestmark = pytest.mark.django_db


def test_add_several_variants_and_see_them_in_the_cart(client):
    shirt = factories.product(title="Chemise en lin", variants=2, price="39.90", stock=5)
    mug = factories.product(title="Tasse en grès", price="12.50", stock=3)
    small, large = shirt.variants.all()
    cup = mug.variants.get()

    response = add(client, small, 2)
    assert response.status_code == 302 and response.url == "/panier/"
    add(client, large)
    add(client, cup, 1)
    add(client, cup, 1)  # adds on top

    assert cart_of(client) == {str(small.pk): 2, str(large.pk): 1, str(cup.pk): 2}
    page = client.get("/panier/")
    html = text(page)
    assert page.status_code == 200
    assert "Chemise en lin" in html and "Tasse en grès" in html
    assert "144,70" in html  # 2×39,90 + 39,90 + 2×12,50
    assert 'id="cart-count">5<' in html


def test_header_shows_the_cart_count_on_every_shop_page(client):
    item = factories.product(stock=5)
    assert 'id="cart-count">0<' in text(client.get("/"))
    add(client, item.variants.get(), 3)
    assert 'id="cart-count">3<' in text(client.get("/"))
    assert 'id="cart-count">3<' in text(client.get(f"/produit/{item.slug}/"))


def test_update_and_remove(client):
    item = factories.product(stock=10)
    variant = item.variants.get()
    add(client, variant, 1)
    client.post("/panier/modifier/", {"variant": variant.pk, "quantity": 4})
    assert cart_of(client) == {str(variant.pk): 4}
    client.post("/panier/modifier/", {"variant": variant.pk, "quantity": 0})
    assert cart_of(client) == {}
    add(client, variant, 2)
    response = client.post("/panier/retirer/", {"variant": variant.pk}, follow=True)
    assert cart_of(client) == {}
    assert "Votre panier est vide" in text(response)


def test_quantity_is_capped_by_stock(client):
    variant = factories.product(stock=3).variants.get()
    response = add(client, variant, 50)
    assert cart_of(client) == {str(variant.pk): 3}
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("limitée à 3" in message for message in messages)
    client.post("/panier/modifier/", {"variant": variant.pk, "quantity": 7})
    assert cart_of(client) == {str(variant.pk): 3}


def test_a_posted_price_is_ignored(client):
    variant = factories.product(price="25.00", stock=5).variants.get()
    add(client, variant, 2, price="0.01", unit_price="0.01", total="0.02")
    assert cart_of(client) == {str(variant.pk): 2}  # only the id and the quantity are kept
    html = text(client.get("/panier/"))
    assert "50,00" in html and "0,01" not in html and "0,02" not in html


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stock": 0}, "Cet article est épuisé."),
        ({"is_active": False}, "Cet article n'est plus disponible."),
    ],
)
def test_out_of_stock_and_inactive_variants_are_refused(client, change, message):
    variant = factories.product(stock=4).variants.get()
    for field, value in change.items():
        setattr(variant, field, value)
    variant.save()
    response = add(client, variant, 1, follow=True)
    assert cart_of(client) == {}
    assert message in text(response)


def test_a_product_taken_offline_cannot_be_added(client):
    item = factories.product(stock=4, status=Product.Status.DRAFT)
    response = add(client, item.variants.get(), 1, follow=True)
    assert cart_of(client) == {}
    assert "plus disponible" in text(response)


def test_a_line_that_became_unavailable_blocks_checkout_with_a_clear_message(client):
    variant = factories.product(stock=4).variants.get()
    add(client, variant, 2)
    variant.stock = 0
    variant.save()
    html = text(client.get("/panier/"))
    assert "Cet article est épuisé." in html
    assert "Retirez ou corrigez les articles indisponibles" in html
    response = client.get("/commander/")
    assert response.status_code == 302 and response.url == "/panier/"


def test_prices_are_re_read_when_they_change(client):
    variant = factories.product(price="10.00", stock=4).variants.get()
    add(client, variant, 1)
    variant.price = Decimal("12.00")
    variant.save()
    assert "12,00" in text(client.get("/panier/"))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"variant": "abc", "quantity": "1"},
        {"variant": "999999", "quantity": "1"},
        {"variant": "1", "quantity": "-3"},
        {"variant": "1", "quantity": "x"},
        {"variant": "1", "quantity": "100000000000000000000"},
    ],
)
def test_garbage_never_gives_a_server_error(client, data):
    for url in ("/panier/ajouter/", "/panier/modifier/", "/panier/retirer/"):
        response = client.post(url, data)
        assert response.status_code == 302
    assert client.get("/panier/").status_code == 200


def test_a_tampered_session_is_ignored(client):
    session = client.session
    session["kamri_cart"] = {"abc": "x", "999999": 2, "1": -4}
    session.save()
    response = client.get("/panier/")
    assert response.status_code == 200
    assert client.get("/commander/").status_code == 302


def test_cart_pages_only_accept_post_for_changes(client):
    assert client.get("/panier/ajouter/").status_code == 405


def test_product_page_buy_box(client):
    item = factories.product(title="Plaid en laine", variants=2, stock=3)
    first, second = item.variants.all()
    Variant.objects.filter(pk=first.pk).update(stock=0)
    html = text(client.get(f"/produit/{item.slug}/"))
    assert 'action="/panier/ajouter/"' in html and "Ajouter au panier" in html
    assert f'value="{second.pk}" checked' in html  # the first variant in stock is preselected
    assert 'name="quantity"' in html and 'max="3"' in html
    sold_out = factories.product(title="Bol", stock=0)
    html = text(client.get(f"/produit/{sold_out.slug}/"))
    assert "Cet article est actuellement épuisé." in html and 'id="add-to-cart"' not in html


def test_next_never_redirects_off_site(client):
    variant = factories.product(stock=0).variants.get()
    response = add(client, variant, 1, next="https://evil.example/")
    assert response.url == "/panier/"
    response = add(client, variant, 1, next="/produit/x/")
    assert response.url == "/produit/x/"
