"""Defects a shop owner hit in a day of use (issue 20, part 8): each test failed before its fix."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kamri.catalog.models import Category, Product
from tests import factories

pytestmark = pytest.mark.django_db


def _row(staff_client, product):
    page = staff_client.get(reverse("catalog:product_list")).context["page"]
    return next(p for p in page if p.pk == product.pk)


def test_catalogue_margin_is_the_range_of_the_variants_margins(staff_client):
    from kamri.cj.models import CJSettings

    CJSettings.objects.update_or_create(pk=1, defaults={"usd_rate": Decimal("1.00")})
    item = factories.product(title="Deux variantes", source=Product.Source.CJ, variants=2)
    cheap, dear = item.variants.order_by("id")
    cheap.price, cheap.cost, cheap.cost_currency = Decimal("10.00"), Decimal("2.00"), "USD"
    dear.price, dear.cost, dear.cost_currency = Decimal("30.00"), Decimal("20.00"), "USD"
    cheap.save()
    dear.save()
    row = _row(staff_client, item)
    # before: lowest price − highest cost = −10, a figure no variant has
    assert (row.margin_min, row.margin_max) == (Decimal("8.00"), Decimal("10.00"))
    html = staff_client.get(reverse("catalog:product_list")).content.decode()
    assert "8,00\u00a0€ – 10,00\u00a0€" in html


def test_catalogue_cost_is_shown_in_the_store_currency_like_the_price(staff_client):
    from kamri.cj.models import CJSettings

    CJSettings.objects.update_or_create(pk=1, defaults={"usd_rate": Decimal("0.50")})
    item = factories.product(title="Coût en dollars", source=Product.Source.CJ, price="9.99")
    item.variants.update(cost=Decimal("4.00"), cost_currency="USD")
    html = staff_client.get(reverse("catalog:product_list")).content.decode()
    assert "4,00\u00a0$" not in html and "2,00\u00a0€" in html


def _tree():
    zeta = Category.objects.create(name="Zeta", position=0)
    alpha = Category.objects.create(name="Alpha", position=1)
    Category.objects.create(name="Enfant de Zeta", parent=zeta)
    Category.objects.create(name="Enfant d'Alpha", parent=alpha)
    return ["Zeta", "Zeta › Enfant de Zeta", "Alpha", "Alpha › Enfant d'Alpha"]


def test_category_filter_lists_categories_in_tree_order(staff_client):
    expected = _tree()
    categories = staff_client.get(reverse("catalog:product_list")).context["categories"]
    assert [category.path for category in categories] == expected


def _rendered_options(bound_field) -> list[str]:
    """The labels of the select as the page shows it (the widget's own choices, not the field's)."""
    import html
    import re

    return [html.unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", str(bound_field))][
        1:
    ]


def test_import_form_category_select_is_in_tree_order():
    from kamri.cj.forms import ImportForm

    expected = _tree()
    labels = [str(label) for _value, label in ImportForm().fields["category"].choices][1:]
    assert labels == expected
    # The rendered select too: the widget kept the id order although the field's choices were right.
    assert _rendered_options(ImportForm()["category"]) == expected


def test_the_editor_and_the_bulk_action_render_their_category_select_in_tree_order():
    from kamri.catalog.forms import BulkForm, ProductEditForm

    expected = _tree()
    item = factories.product(title="Un produit")
    editor = ProductEditForm(product=item, variants=list(item.variants.all()), rule=None)
    assert _rendered_options(editor["category"]) == expected
    assert _rendered_options(BulkForm()["category"]) == expected


def test_orders_list_counts_items_not_lines(staff_client):
    order = factories.order(lines=2)  # two lines of 2 each
    page = staff_client.get(reverse("orders:order_list")).context["page"]
    assert next(o for o in page if o.pk == order.pk).item_count == 4


def test_storefront_never_shows_the_supplier_stock_figure(client):
    plenty = factories.product(title="Beaucoup", stock=2753)
    few = factories.product(title="Peu", stock=3)
    html = client.get(reverse("storefront:product", args=[plenty.slug])).content.decode()
    assert "2753" not in html and "2\u202f753" not in html and "En stock" in html
    html = client.get(reverse("storefront:product", args=[few.slug])).content.decode()
    assert "Plus que 3 en stock" in html


def test_storefront_says_des_only_when_the_variants_prices_differ(client):
    factories.product(title="Prix unique", variants=2, price="12.00")
    ranged = factories.product(title="Deux prix", variants=2, price="12.00")
    last = ranged.variants.order_by("id").last()
    last.price = Decimal("15.00")
    last.save()
    html = client.get(reverse("storefront:home")).content.decode()
    single_tile = html[html.index("Prix unique") :][:400]
    ranged_tile = html[html.index("Deux prix") :][:400]
    assert "dès" not in single_tile and "dès" in ranged_tile


def test_storefront_categories_count_only_what_customers_can_buy(client):
    shown = Category.objects.create(name="Maison")
    kitchen = Category.objects.create(name="Cuisine", parent=shown)
    hidden = Category.objects.create(name="Archives")
    factories.product(category=kitchen)
    factories.product(category=shown)
    factories.product(category=shown, status=Product.Status.INACTIVE)
    factories.product(category=hidden, status=Product.Status.INACTIVE)
    no_variant = factories.product(category=hidden)
    no_variant.variants.update(is_active=False)
    categories = client.get(reverse("storefront:home")).context["categories"]
    assert [(c.name, c.product_count) for c in categories] == [("Maison", 2)]


def test_storefront_variant_chips_name_their_option(client):
    item = factories.product(title="T-shirt", variants=2)
    html = client.get(reverse("storefront:product", args=[item.slug])).content.decode()
    assert '<span class="opt-name">Taille :</span> T0' in html


def test_cj_order_address_form_reads_in_address_order_with_a_country_list():
    from django import forms

    from kamri.cj.forms import AddressForm

    order = factories.order(country="FR")
    form = AddressForm(instance=order)
    assert list(form.fields) == [
        "customer_name",
        "email",
        "phone",
        "address1",
        "address2",
        "zip_code",
        "city",
        "province",
        "country",
        "house_number",  # Benelux carriers want it apart; customs need the tax number (kamri.orders.countries)
        "tax_id",
        "declare_without_ioss",  # an EU parcel: the IOSS choice for this order
    ]
    assert isinstance(form.fields["country"].widget, forms.Select)
    assert ("FR", "France") in form.fields["country"].choices
    data = {name: getattr(order, name) for name in AddressForm.Meta.fields} | {"country": "ZZ"}
    refused = AddressForm(data, instance=order)
    assert not refused.is_valid() and refused.errors["country"] == ["Choisissez le pays dans la liste."]


def test_decimal_inputs_use_the_active_languages_decimal_mark():
    from django.utils import translation

    from kamri.cj.forms import ImportForm

    form = ImportForm(initial={"margin_percent": Decimal("60.00"), "compare_at_multiplier": Decimal("1.5")})
    with translation.override("fr"):
        html = str(form["margin_percent"]) + str(form["compare_at_multiplier"])
        assert 'value="60,00"' in html and 'value="1,5"' in html and 'inputmode="decimal"' in html
        typed = ImportForm(
            {"margin_percent": "60,5", "rounding": "99", "status": "active", "compare_at_multiplier": "1,5"}
        )
        assert typed.is_valid(), typed.errors
        assert typed.cleaned_data["margin_percent"] == Decimal("60.5")
    with translation.override("en"):
        assert 'value="60.00"' in str(form["margin_percent"])


def test_stocks_are_grouped_and_money_follows_the_language():
    from django.utils import translation

    from kamri.core.templatetags.kamri import grouped, money

    with translation.override("fr"):
        assert grouped(106274) == "106\u202f274" and money(Decimal("1234.5"), "EUR") == "1\u202f234,50\u00a0€"
    with translation.override("en"):
        assert grouped(106274) == "106,274" and money(Decimal("1234.5"), "EUR") == "€1,234.50"


def test_catalogue_stock_column_is_grouped(staff_client):
    factories.product(title="Grand stock", stock=106274)
    html = staff_client.get(reverse("catalog:product_list")).content.decode()
    assert "106\u202f274" in html


def test_catalogue_query_count_does_not_grow_with_the_products(staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(reverse("catalog:product_list"))
        return len(queries)

    factories.product(variants=2)
    few = count()
    for _ in range(10):
        factories.product(variants=2)
    assert count() == few  # before: one settings read per variant (the USD rate)
