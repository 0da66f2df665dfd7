"""createOrderV2's customs fields, checked as CJ checks them (cjsandbox/declarations.py, docs/sandbox.md)."""

from __future__ import annotations

import pytest

from .conftest import order_body

CREATE = "shopping/order/createOrderV2"
NETHERLANDS = {
    "shippingCountryCode": "NL",
    "shippingCountry": "Netherlands",
    "shippingProvince": "Amsterdam",
    "shippingCity": "Amsterdam",
    "shippingZip": "1012 AB",
}
BRAZIL = {
    "shippingCountryCode": "BR",
    "shippingCountry": "Brazil",
    "shippingProvince": "SP",
    "shippingCity": "São Paulo",
    "shippingZip": "01310-100",
}
FRANCE = {
    "shippingCountryCode": "FR",
    "shippingCountry": "France",
    "shippingProvince": "Paris",
    "shippingCity": "Paris",
    "shippingZip": "75011",
}


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (NETHERLANDS, 16900403, "houseNumber can not be empty"),
        ({**NETHERLANDS, "houseNumber": "  "}, 16900403, "houseNumber can not be empty"),
        (BRAZIL, 16900403, "taxId can not be empty"),
        ({**FRANCE, "iossType": 4}, 1600300, "iossType must be 1, 2 or 3"),
        ({**FRANCE, "iossType": 2}, 16900403, "iossNumber can not be empty"),
        (
            {**FRANCE, "iossType": 2, "iossNumber": "IM12345"},
            1600300,
            "iossNumber is not a valid IOSS number",
        ),
        ({**FRANCE, "iossType": 3}, 16900403, "iossNumber can not be empty"),
        ({**FRANCE, "iossType": 3, "iossNumber": "IM2500012345"}, 1600300, "iossNumber must be CJ-IOSS"),
    ],
)
def test_refused_as_cj_refuses_them(cj, server, extra, code, message):
    answer = cj.post(
        CREATE, order_body(server, f"customs-{code}-{len(extra)}-{extra.get('iossType')}", **extra)
    )
    assert answer["code"] == code
    assert message in answer["message"]
    assert answer["result"] is False


@pytest.mark.parametrize(
    ("extra", "declared"),
    [
        ({**NETHERLANDS, "houseNumber": "12"}, {"iossType": None, "iossNumber": None}),
        ({**BRAZIL, "taxId": "12345678909"}, {"iossType": None, "iossNumber": None}),
        ({**FRANCE, "iossType": 1}, {"iossType": 1, "iossNumber": None}),
        (
            {**FRANCE, "iossType": 2, "iossNumber": "IM2500012345"},
            {"iossType": 2, "iossNumber": "IM2500012345"},
        ),
        ({**FRANCE, "iossType": 3, "iossNumber": "CJ-IOSS"}, {"iossType": 3, "iossNumber": "CJ-IOSS"}),
    ],
)
def test_accepted_and_kept_on_the_order(cj, control, server, extra, declared):
    number = f"customs-ok-{extra['shippingCountryCode']}-{extra.get('iossType')}"
    answer = cj.post(CREATE, order_body(server, number, **extra))
    assert answer["code"] == 200, answer
    kept = control.get(f"orders/{answer['data']['orderId']}")["order"]
    assert kept["ioss"] == declared
    assert kept["shipping"]["houseNumber"] == extra.get("houseNumber")
    assert kept["shipping"]["taxId"] == extra.get("taxId")
