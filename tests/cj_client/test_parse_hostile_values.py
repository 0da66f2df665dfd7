"""Finding 13.9: only http(s) URLs from CJ become links; impossible stock values are refused at parsing."""

from __future__ import annotations

import pytest

from kamri.cj.client import parse, webhooks


def _payload(type_: str, params):
    return webhooks.parse_webhook({"messageId": "m1", "type": type_, "params": params}).payload


HOSTILE_URLS = [
    "javascript:alert(1)",
    " JavaScript:alert(document.cookie)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x.png",
    "http://",
    "https://exa mple.com/",
    "https://example.com/\x00.png",
    "file:///etc/passwd",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_cj_urls_other_than_http_or_https_are_dropped(url):
    assert parse.parse_http_url(url) is None
    event = _payload("LOGISTIC", {"orderId": "1", "trackingUrl": url, "trackingNumber": "CJ1"})
    assert event.tracking_url is None
    assert _payload("ORDER", {"orderId": "1", "trackingUrl": url}).tracking_url is None
    assert parse.parse_order({"orderId": "1", "trackingUrl": url, "cjPayUrl": url}).tracking_url is None
    detail = parse.parse_product_detail(
        {"pid": "1", "bigImage": url, "productImageSet": [url, "https://cdn.cjdropshipping.com/a.jpg"]}
    )
    assert detail.images == ["https://cdn.cjdropshipping.com/a.jpg"]
    assert parse.parse_product_summary({"id": "1", "bigImage": url}).image is None


def test_http_and_https_urls_are_kept():
    assert parse.parse_http_url(" https://t.17track.net/en#nums=CJ1 ") == "https://t.17track.net/en#nums=CJ1"
    assert parse.parse_http_url("http://127.0.0.1:8765/img/a.png") == "http://127.0.0.1:8765/img/a.png"


@pytest.mark.parametrize("value", [-50003, "-1", 10**12, "1e30", "abc", 2.5, True])
def test_impossible_stock_values_are_refused(value):
    with pytest.raises(ValueError):
        _payload("STOCK", {"V1": [{"countryCode": "US", "storageNum": value}]})


def test_a_stock_message_is_read_per_variant_and_country():
    stock = _payload(
        "STOCK",
        {"V1": [{"countryCode": "us", "storageNum": 5}, {"countryCode": "CN", "storageNum": "7"}], "V2": []},
    )
    assert stock.by_variant == {"V1": {"US": 5, "CN": 7}, "V2": {}}
