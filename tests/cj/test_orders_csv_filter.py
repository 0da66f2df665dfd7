"""Issue 16 point 3: the Commandes CJ page and its CSV export read the filters through one selector, so for each
filter the CSV holds exactly the page's rows (before, "À payer chez CJ" gave the CSV only state=to_pay rows and
left out the orders whose payment is in progress)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from kamri.cj.models import CJOrder
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    specs = [
        # state, CJ status, shop status, customer, track
        ("placed", "SHIPPED", Order.Status.CONFIRMED, "Alice Martin", "LP001FR"),
        ("placed", "DELIVERED", Order.Status.CONFIRMED, "Bruno Petit", "LP002FR"),
        ("to_pay", "UNPAID", Order.Status.CONFIRMED, "Chloé Durand", ""),
        ("paying", "UNPAID", Order.Status.CONFIRMED, "Denis Leroy", ""),
        ("needs_attention", "", Order.Status.PENDING, "Émile Moreau", ""),
        ("cancelled", "CANCELLED", Order.Status.CANCELLED, "Fanny Simon", ""),
        ("failed", "", Order.Status.CONFIRMED, "Alice Roux", ""),
    ]
    made = []
    for state, remote, store, customer, track in specs:
        order = factories.order(status=store, customer=customer, paid=True, lines=0)
        made.append(
            CJOrder.objects.create(
                order=order,
                order_number=f"KM{order.pk}",
                state=state,
                cj_status=remote,
                track_number=track,
            )
        )
    return made


def _page_numbers(staff_client, params: dict) -> list[str]:
    response = staff_client.get(reverse("cj:orders"), params)
    assert response.status_code == 200
    return [row.order_number for row in response.context["page"].object_list]


def _csv_numbers(staff_client, params: dict) -> list[str]:
    response = staff_client.get(reverse("cj:orders_csv"), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(body), delimiter=";"))
    column = header.index("numero_cj")
    return [line[column] for line in lines]


FILTERS = [
    {},
    {"state": "placed"},
    {"state": "to_pay"},
    {"state": "needs_attention"},
    {"state": "cancelled"},
    {"state": "not-a-state"},
    {"cj_status": "UNPAID"},
    {"cj_status": "SHIPPED"},
    {"status": Order.Status.PENDING},
    {"status": "NOPE"},
    {"q": "alice"},
    {"q": "LP002"},
    {"q": "  alice  "},
    {"q": "alice", "state": "placed"},
    {"state": "to_pay", "cj_status": "UNPAID", "status": Order.Status.CONFIRMED},
]


@pytest.mark.parametrize(
    "params", FILTERS, ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items())
)
def test_the_csv_holds_exactly_the_pages_rows(staff_client, rows, params):
    page = _page_numbers(staff_client, params)
    assert _csv_numbers(staff_client, params) == page


def test_the_filters_select_what_they_say(staff_client, rows):
    by_state = {row.state: row.order_number for row in rows}
    assert set(_page_numbers(staff_client, {"state": "to_pay"})) == {by_state["to_pay"], by_state["paying"]}
    assert len(_page_numbers(staff_client, {"q": "alice"})) == 2
    assert len(_page_numbers(staff_client, {"state": "not-a-state"})) == len(rows)
