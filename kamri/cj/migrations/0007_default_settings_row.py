import secrets

from django.db import migrations


def create_settings_row(apps, schema_editor):
    """The settings singleton exists from the start, so no page ever creates it on a GET."""
    settings_model = apps.get_model("cj", "CJSettings")
    if not settings_model.objects.filter(pk=1).exists():
        settings_model.objects.create(pk=1, webhook_secret=secrets.token_urlsafe(24))


class Migration(migrations.Migration):
    dependencies = [("cj", "0006_product_link_description")]

    operations = [migrations.RunPython(create_settings_row, migrations.RunPython.noop)]
