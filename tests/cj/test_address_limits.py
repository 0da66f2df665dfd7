"""CJ's createOrderV2 field lengths: caught before any CJ call, in French, and fixable from the admin."""

from __future__ import annotations

import httpx
import pytest
from django.urls import reverse

from kamri.cj.forms import AddressForm
from kamri.cj.models import CJApiCall, CJOrder
from kamri.cj.orders import placement as orders
from tests import factories
from tests.cj.helpers import (
    US_ADDRESS,
    cj_row,
    import_cj_products,
    paid_order,
    sandbox_orders,
    stocked_variant,
)

pytestmark = pytest.mark.django_db

CREATE = "shopping/order/createOrderV2"
# An order written before the checkout knew CJ's limits (or edited since): each column holds it, CJ does not.
OLD_ORDER_ADDRESS = {
    **US_ADDRESS,
    "customer_name": ("Jane Alexandra Montgomery-Fitzgerald " * 4)[:120],
    "city": "San Francisco, California, United States of America",  # 51
}


def _create_calls_received(sandbox) -> int:
    """createOrderV2 calls as the sandbox saw them over HTTP (not KAMRI's own log)."""
    stats = httpx.get(f"{sandbox.root_url}/_sandbox/stats", timeout=10).json()["endpoints"]
    return stats.get(CREATE, {}).get("calls", 0)


def _address_form(order, **changes) -> dict:
    return {**{name: getattr(order, name) for name in AddressForm.Meta.fields}, **changes}


def test_an_address_too_long_for_cj_waits_in_a_traiter_with_french_reasons_and_no_create_call(
    no_address_hold, cj_account, cj_sandbox, staff_client, django_capture_on_commit_callbacks
):
    (product,) = import_cj_products(1)
    order = paid_order(
        [stocked_variant(product)], address=OLD_ORDER_ADDRESS, capture=django_capture_on_commit_callbacks
    )
    row = orders.place(cj_row(order).pk)

    assert row.state == CJOrder.State.NEEDS_ATTENTION
    assert row.reasons == [
        "« Client » trop long pour CJ : 120 caractères pour 50 au maximum.",
        "« Ville » trop long pour CJ : 51 caractères pour 50 au maximum.",
    ]
    assert _create_calls_received(cj_sandbox) == 0
    assert not CJApiCall.objects.filter(endpoint=CREATE).exists()
    assert sandbox_orders(cj_sandbox) == []
    page = staff_client.get(reverse("cj:order_detail", args=[row.pk])).content.decode()
    assert "trop long pour CJ : 120 caractères pour 50 au maximum" in page

    # the admin's correction form holds the same limits…
    url = reverse("cj:order_address", args=[row.pk])
    response = staff_client.post(url, _address_form(order, city="San Francisco"))
    assert response.status_code == 200
    assert response.context["form"].errors["customer_name"] == [
        "CJ n'accepte pas plus de 50 caractères ici (120 saisis)."
    ]
    order.refresh_from_db()
    assert len(order.customer_name) == 120  # nothing saved

    # …and once they hold, "Renvoyer" places the order
    response = staff_client.post(
        url, _address_form(order, customer_name="Jane Montgomery", city="San Francisco")
    )
    assert response.status_code == 302
    assert orders.resubmit(row, by="admin")
    row = orders.place(row.pk)
    assert row.state == CJOrder.State.PLACED, row.reasons
    assert _create_calls_received(cj_sandbox) == 1
    (placed,) = sandbox_orders(cj_sandbox)
    assert placed["shipping"]["shippingCustomerName"] == "Jane Montgomery"


def test_an_address_at_every_cj_limit_is_placed(cj_account, cj_sandbox, django_capture_on_commit_callbacks):
    (product,) = import_cj_products(1)
    at_limits = factories.address_at_limits(US_ADDRESS)
    order = paid_order(
        [stocked_variant(product)], address=at_limits, capture=django_capture_on_commit_callbacks
    )
    row = orders.place(cj_row(order).pk)
    assert row.state == CJOrder.State.PLACED, row.reasons
    (placed,) = sandbox_orders(cj_sandbox)
    assert placed["shipping"]["shippingAddress"] == at_limits["address1"]
    assert placed["shipping"]["shippingCustomerName"] == at_limits["customer_name"]
