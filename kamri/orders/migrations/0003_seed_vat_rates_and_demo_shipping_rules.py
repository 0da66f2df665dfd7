"""The EU standard VAT rates and the default shipping list: free above 50, else the carrier's rate + 10 %,
else (the carrier cannot be asked) a 6.90 flat rate."""

from decimal import Decimal

from django.db import migrations

from kamri.orders.vat import DEFAULT_RATES  # the one table of default rates



def seed(apps, schema_editor):
    VatRate = apps.get_model("orders", "VatRate")
    ShippingRule = apps.get_model("orders", "ShippingRule")
    for country, rate in DEFAULT_RATES.items():
        VatRate.objects.get_or_create(country=country, defaults={"rate": rate})
    if not ShippingRule.objects.exists():
        ShippingRule.objects.create(zone="*", position=1, kind="free_above", threshold=Decimal("50"))
        ShippingRule.objects.create(zone="*", position=2, kind="quote", markup_percent=Decimal("10"))
        ShippingRule.objects.create(zone="*", position=3, kind="flat", amount=Decimal("6.90"))


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_checkout_vat_shipping_invoices")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
