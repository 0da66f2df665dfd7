"""The EU standard VAT rates and the default shipping list, saved so the Livraison page can edit them."""

from django.db import migrations

from kamri.orders.shipping import DEFAULT_RULES  # the one default list
from kamri.orders.vat import DEFAULT_RATES  # the one table of default rates



def seed(apps, schema_editor):
    VatRate = apps.get_model("orders", "VatRate")
    ShippingRule = apps.get_model("orders", "ShippingRule")
    for country, rate in DEFAULT_RATES.items():
        VatRate.objects.get_or_create(country=country, defaults={"rate": rate})
    if not ShippingRule.objects.exists():
        for fields in DEFAULT_RULES:
            ShippingRule.objects.create(**fields)


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_checkout_vat_shipping_invoices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
