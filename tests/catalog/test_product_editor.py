"""KAMRI's product editor and the catalogue's bulk actions: safe HTML, both languages on the storefront, the
supplier's original beside the shop's texts, images, option names, fixed prices, the journal."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString

from kamri.catalog import bulk, rules
from kamri.catalog.models import Category, Product, ProductImage
from kamri.catalog.pricing import PricingRule
from kamri.catalog.texts import record_supplier_text, render_description, sanitize_html
from kamri.core.models import AdminAction
from kamri.orders import checkout
from tests import factories

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<p onclick="steal()">Bon <strong>produit</strong></p><script>alert(1)</script>'
    '<img src="x" onerror="alert(2)"><a href="javascript:alert(3)">lien</a>'
    '<a href="https://exemple.fr/guide">guide</a><iframe src="https://evil.example"></iframe>'
    '<style>body{display:none}</style><a href="data:text/html,<script>alert(4)</script>">data</a>'
)


def test_the_sanitizer_keeps_formatting_and_drops_scripts_handlers_and_javascript_links():
    clean = sanitize_html(HOSTILE)
    assert "<strong>produit</strong>" in clean and 'href="https://exemple.fr/guide"' in clean
    for bad in (
        "<script",
        "alert(1)",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<img",
        "<style",
        "data:",
    ):
        assert bad not in clean, bad
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_plain_text_descriptions_keep_their_lines_and_are_escaped():
    rendered = render_description("Ligne 1\nLigne <2>")
    assert str(rendered) == "<p>Ligne 1<br>Ligne &lt;2&gt;</p>" and isinstance(rendered, SafeString)


def test_a_plain_english_description_shows_as_paragraphs_not_as_tags(client):
    product = factories.product(title="Lampe")
    product.description_en = "A foldable lamp."
    product.save()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("storefront:product", args=[product.slug])).content.decode()
    assert '<div class="desc"><p>A foldable lamp.</p></div>' in page


def test_the_storefront_renders_only_sanitized_html_even_for_a_row_written_elsewhere(client):
    product = factories.product(title="Lampe")
    Product.objects.filter(pk=product.pk).update(description=HOSTILE)  # the raw admin, an old import…
    page = client.get(reverse("storefront:product", args=[product.slug])).content.decode()
    assert "<strong>produit</strong>" in page
    assert "alert(1)" not in page and "onerror" not in page and "javascript:alert" not in page


def _editor_post(product, **overrides) -> dict:
    variant = product.variants.first()
    data = {
        "title": product.title,
        "description": product.description,
        "title_en": "",
        "description_en": "",
        "seo_title": "",
        "seo_description": "",
        "seo_title_en": "",
        "seo_description_en": "",
        "status": product.status,
        "category": "",
        f"price_{variant.pk}": "10,00",
        f"compare_{variant.pk}": "",
    }
    data.update(overrides)
    return data


def test_the_editor_saves_both_languages_images_options_and_the_storefront_shows_each(staff_client, client):
    product = factories.product(title="Lamp", price="10.00")
    ProductImage.objects.create(product=product, url="https://img.example/b.jpg", position=1)
    product.image_url = "https://img.example/a.jpg"
    product.save()
    url = reverse("catalog:product_edit", args=[product.pk])
    assert staff_client.get(url).status_code == 200
    data = _editor_post(
        product,
        title="Lampe de bureau",
        description="<p>Une <em>belle</em> lampe.</p><script>alert(1)</script>",
        title_en="Desk lamp",
        description_en="<p>A <em>fine</em> lamp.</p>",
        seo_title="Lampe de bureau LED",
        seo_description="Lampe LED pour le bureau.",
        opt0_fr="Modèle",
        opt0_en="Model",
        opt0v0_fr="Grand",
        opt0v0_en="Large",
        new_image_url="https://img.example/c.webp",
    )
    data["image_url"] = ["https://img.example/a.jpg", "https://img.example/b.jpg"]
    data["image_position"] = ["2", "1"]  # b first
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    product.refresh_from_db()
    assert product.title == "Lampe de bureau" and product.title_en == "Desk lamp"
    assert "<script" not in product.description and "<em>belle</em>" in product.description
    assert product.image_url == "https://img.example/b.jpg"
    assert list(product.images.values_list("url", flat=True)) == [
        "https://img.example/a.jpg",
        "https://img.example/c.webp",
    ]
    assert product.texts_edited_at is not None
    variant = product.variants.get()
    assert variant.price == Decimal("10.00") and variant.price_fixed

    storefront = reverse("storefront:product", args=[product.slug])
    french = client.get(storefront).content.decode()
    assert "Lampe de bureau" in french and "<em>belle</em>" in french and "Modèle :" in french
    assert "Grand" in french and "<title>Lampe de bureau LED" in french
    assert 'content="Lampe LED pour le bureau."' in french
    with translation.override("en"):
        client.post(reverse("set_language"), {"language": "en", "next": storefront})
        english = client.get(storefront).content.decode()
    assert "Desk lamp" in english and "<em>fine</em>" in english and "Model :" in english
    assert "Large" in english and "Lampe de bureau" not in english
    journal = AdminAction.objects.get(action="catalog:product_edit")
    assert journal.outcome == "ok" and journal.target == "Produit « Lampe de bureau »"


def test_english_falls_back_to_the_supplier_original_then_to_french(client):
    product = factories.product(title="Lampe")
    record_supplier_text(product, title="Lamp", description="Made of metal.")
    product.refresh_from_db()
    product.title, product.texts_edited_at = "Lampe en métal", product.created_at
    product.save()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("storefront:product", args=[product.slug])).content.decode()
    assert "<h1>Lamp</h1>" in page and "Made of metal." in page


def test_a_description_typed_without_the_toolbar_is_escaped_once(staff_client, client):
    product = factories.product(title="Plaid")
    url = reverse("catalog:product_edit", args=[product.pk])
    assert (
        staff_client.post(url, _editor_post(product, description="Noir & blanc\ntaille < 2 m")).status_code
        == 302
    )
    page = client.get(reverse("storefront:product", args=[product.slug])).content.decode()
    assert "<p>Noir &amp; blanc<br>taille &lt; 2 m</p>" in page


def test_a_refused_image_address_keeps_everything_typed_and_is_journaled(staff_client):
    product = factories.product(title="Lampe")
    url = reverse("catalog:product_edit", args=[product.pk])
    for bad in ("javascript:alert(1)", "https://img.example/page.html", "ftp://img.example/a.jpg"):
        response = staff_client.post(url, _editor_post(product, title="Nouveau titre", new_image_url=bad))
        assert response.status_code == 200
        page = response.content.decode()
        assert "pas été enregistré" in page and 'value="Nouveau titre"' in page
    product.refresh_from_db()
    assert product.title == "Lampe" and product.texts_edited_at is None
    assert AdminAction.objects.filter(action="catalog:product_edit", outcome="refused").count() == 3


def test_a_wrong_price_says_why_under_its_field_and_saves_nothing(staff_client):
    product = factories.product(title="Lampe", price="10.00")
    variant = product.variants.get()
    url = reverse("catalog:product_edit", args=[product.pk])
    for typed, said in (
        ("abc", "Saisissez un prix, par exemple 12,50."),
        ("-5", "Un prix positif ou zéro, par exemple 12,50."),
        ("99999999999", "Un prix de 10 chiffres au plus avant la virgule, par exemple 12,50."),
    ):
        page = staff_client.post(
            url, _editor_post(product, **{f"price_{variant.pk}": typed})
        ).content.decode()
        assert f'id="id_price_{variant.pk}_error">{said}</div>' in page, typed  # the aria-describedby target
    variant.refresh_from_db()
    assert variant.price == Decimal("10.00")


def test_a_fixed_price_is_what_the_cart_and_checkout_charge():
    product = factories.product(price="10.00")
    variant = product.variants.get()
    variant.cost, variant.cost_currency = Decimal("4.00"), "EUR"
    variant.save()
    variant.price, variant.price_fixed = Decimal("17.50"), True
    variant.save()
    assert (
        rules.reprice([variant], PricingRule(margin_percent=Decimal("60"))) == 0
    )  # fixed: the rule skips it
    quote = checkout.quote({variant.pk: 2})
    assert quote.lines[0].unit_price == Decimal("17.50") and quote.subtotal == Decimal("35.00")


def test_a_rule_priced_variant_follows_the_one_formula():
    product = factories.product(price="10.00")
    variant = product.variants.get()
    variant.cost, variant.cost_currency = Decimal("4.00"), "EUR"
    variant.save()
    assert rules.reprice([variant], PricingRule(margin_percent=Decimal("100"), rounding="99")) == 1
    variant.refresh_from_db()
    assert variant.price == Decimal("8.99")


def test_bulk_status_and_category_name_the_products_in_the_journal(staff_client):
    lamp, bag = factories.product(title="Lampe"), factories.product(title="Sac")
    kitchen = Category.objects.create(name="Cuisine")
    listing = reverse("catalog:product_list")
    response = staff_client.post(
        reverse("catalog:product_bulk"),
        {"action": "status", "status": "inactive", "ids": [lamp.pk, bag.pk], "next": listing},
    )
    assert response.status_code == 302 and response["Location"] == listing
    assert set(Product.objects.values_list("status", flat=True)) == {"inactive"}
    staff_client.post(
        reverse("catalog:product_bulk"), {"action": "category", "category": kitchen.pk, "ids": [lamp.pk]}
    )
    lamp.refresh_from_db()
    bag.refresh_from_db()
    assert lamp.category == kitchen and bag.category is None
    rows = list(AdminAction.objects.filter(action="catalog:product_bulk").order_by("pk"))
    assert rows[0].message == "Statut « Inactif » pour 2 produits : « Lampe », « Sac »."
    assert rows[1].message == "Catégorie « Cuisine » pour 1 produit : « Lampe »."
    assert rows[0].target == "« Lampe », « Sac » · statut"


def test_bulk_without_selection_or_with_a_bad_choice_changes_nothing(staff_client):
    lamp = factories.product(title="Lampe")
    staff_client.post(reverse("catalog:product_bulk"), {"action": "status", "status": "inactive"})
    staff_client.post(
        reverse("catalog:product_bulk"), {"action": "status", "status": "nope", "ids": [lamp.pk]}
    )
    staff_client.post(reverse("catalog:product_bulk"), {"action": "rule", "ids": [lamp.pk]})
    lamp.refresh_from_db()
    assert lamp.status == "active"
    outcomes = list(AdminAction.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["warning", "refused", "refused"]


def test_a_bulk_rule_leaves_the_shops_own_products_and_says_so():
    lamp = factories.product(title="Lampe")
    outcome = bulk.set_rule([lamp.pk], PricingRule(margin_percent=Decimal("50")))
    assert not outcome.complete and "sans règle de prix fournisseur" in outcome.message
    assert outcome.names == "« Lampe »"
    assert lamp.variants.get().price == Decimal("10.00")


def test_supplier_text_follows_until_edited_then_raises_the_notice():
    product = factories.product(title="Lamp")
    product.description = ""  # as an import starts
    record_supplier_text(product, title="Lamp", description="Old text.")
    product.refresh_from_db()
    record_supplier_text(product, title="Lamp v2", description="New text.")
    product.refresh_from_db()
    assert product.title == "Lamp v2" and product.description == "New text."  # never edited: follows
    assert not product.supplier_text_notice
    product.title, product.description, product.texts_edited_at = "Lampe", "Texte FR.", product.updated_at
    product.save()
    record_supplier_text(product, title="Lamp v2", description="Newer text.")
    product.refresh_from_db()
    assert product.title == "Lampe" and product.description == "Texte FR."
    assert product.supplier_description == "Newer text." and product.supplier_text_notice
