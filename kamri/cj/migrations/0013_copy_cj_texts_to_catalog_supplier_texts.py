"""CJ's original texts, kept so far only on the CJ link, copied to the product (kamri.catalog.texts keeps them
there beside the shop's own)."""

from django.db import migrations


def copy_texts(apps, schema_editor):
    Link = apps.get_model("cj", "CJProductLink")
    Product = apps.get_model("catalog", "Product")
    for link in Link.objects.only("product_id", "cj_name", "cj_description").iterator():
        Product.objects.filter(pk=link.product_id).update(
            supplier_title=link.cj_name[:500], supplier_description=link.cj_description
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cj", "0012_ioss_settings_and_per_order_choice"),
        ("catalog", "0002_product_editor_texts_seo_options_fixed_price"),
    ]

    operations = [migrations.RunPython(copy_texts, migrations.RunPython.noop)]
