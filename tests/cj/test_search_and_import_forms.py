"""Produits and Détails as the owner meets them (sandbox over real HTTP)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kamri.cj.services import catalog
from tests import factories

pytestmark = pytest.mark.django_db

PHONE_CASES = catalog.SearchFilters(keyword="phone case", country="US")


@pytest.fixture
def staff_client(client):
    client.force_login(factories.staff_user())
    return client


def _pid() -> str:
    return catalog.search(PHONE_CASES).page.items[0].pid


# --- CJ description ------------------------------------------------------------------------------------------


def test_cj_description_keeps_its_lines_and_no_html(cj_account, staff_client):
    pid = _pid()
    details = catalog.product_details(pid)
    assert "<p>" in details.product.description  # CJ sends HTML
    page = staff_client.get(reverse("cj:product_detail", args=[pid])).content.decode()
    block = re.search(r'id="cj-description"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "Product information:<br>" in block and f"{details.product.name}<br>" in block
    assert "<b>" not in block and "&lt;" not in block
    assert "Product information:Easy" not in block and "Product information:High" not in block
