""" "Nouvelles variantes CJ" in a real browser: import one variant CJ added, ignore another, see the catalogue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kamri.catalog.models import Variant
from kamri.cj.models import NewCJVariant
from kamri.cj.sync import price_sync
from tests.cj.helpers import cj_adds, control, imported_product
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.browser


def test_import_one_new_variant_and_ignore_another(admin_page, live_server, cj_account, cj_sandbox):
    page = admin_page
    link = imported_product(cj_sandbox)
    kept, dropped = cj_adds(link, 2)
    control(cj_sandbox, f"variants/{kept['vid']}/stock", {"countryCode": "US", "cjInventory": 42})
    price_sync.run(price_sync.start(enqueue=False).pk)  # the sync finds both, as it would after CJ added them
    kept_row = NewCJVariant.objects.get(vid=kept["vid"])
    dropped_row = NewCJVariant.objects.get(vid=dropped["vid"])

    page.goto(f"{live_server.url}/admin/cj/prix/")
    page.get_by_role("link", name="Voir les variantes ajoutées par CJ").click()
    expect(page.locator("h1")).to_have_text("Nouvelles variantes CJ")
    expect(page.locator("#tab-new")).to_contain_text("2")
    expect(page.locator(f"#new-variant-{kept_row.pk}")).to_contain_text(kept["sku"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "new_variants_list.png"), full_page=True)

    page.locator(f"#new-variant-{kept_row.pk}").get_by_role("button", name="Importer").click()
    expect(page.locator(".messages")).to_contain_text(f"Variante {kept['sku']} importée dans")
    expect(page.locator(f"#new-variant-{kept_row.pk}")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "new_variants_imported.png"), full_page=True)

    page.locator(f"#new-variant-{dropped_row.pk}").get_by_role("button", name="Ignorer").click()
    expect(page.locator(".messages")).to_contain_text("1 variante ignorée")
    expect(page.locator(".empty")).to_contain_text("Aucune nouvelle variante CJ.")

    page.locator("#tab-ignored").click()
    expect(page.locator(f"#new-variant-{dropped_row.pk}")).to_contain_text(dropped["sku"])
    expect(page.get_by_role("button", name="Rouvrir la sélection")).to_be_visible()

    page.goto(f"{live_server.url}/admin/catalogue/{link.product_id}/")
    variants = page.locator("table.data").first
    expect(variants).to_contain_text(kept["sku"])
    expect(variants).not_to_contain_text(dropped["sku"])
    variant = Variant.objects.get(sku=kept["sku"])
    assert variant.product_id == link.product_id and variant.options == kept["options"]
    assert variant.stock >= 42 and variant.cj_link.vid == kept["vid"]
    assert not Variant.objects.filter(sku=dropped["sku"]).exists()

    page.goto(f"{live_server.url}/admin/cj/nouvelles-variantes/?statut=imported")
    expect(page.locator(f"#new-variant-{kept_row.pk}")).to_be_visible()  # the final screenshot
