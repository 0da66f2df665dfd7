"""The CJ code → exception table (every documented code), and the French user messages."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

import pytest

from kamri.cj.client.errors import (
    CJAuthError,
    CJAuthThrottled,
    CJDuplicateOrder,
    CJError,
    CJInsufficientBalance,
    CJInvalidRequest,
    CJLogisticsError,
    CJNotFound,
    CJOrderNotFound,
    CJProductNotFound,
    CJQuotaExhausted,
    CJRateLimited,
    CJUnavailable,
    CJVariantNotFound,
    CJWebhookConfigError,
    error_for,
    format_delay_fr,
    seconds_until_quota_reset,
)

TABLE: list[tuple[int, type[CJError]]] = [
    (1600001, CJAuthError),
    (1600002, CJAuthError),
    (1600003, CJAuthError),
    (1600004, CJAuthError),
    (1600005, CJAuthError),
    (1600006, CJAuthError),
    (1600007, CJAuthError),
    (1600008, CJAuthError),
    (1601000, CJAuthError),
    (1600200, CJRateLimited),
    (1600201, CJQuotaExhausted),
    (16900500, CJQuotaExhausted),
    (429, CJQuotaExhausted),
    (1602001, CJProductNotFound),
    (1602002, CJProductNotFound),
    (1602000, CJVariantNotFound),
    (1602003, CJVariantNotFound),
    (1603100, CJOrderNotFound),
    (1600100, CJInvalidRequest),
    (1600300, CJInvalidRequest),
    (16900202, CJInvalidRequest),
    (16900203, CJInvalidRequest),
    (16900204, CJInvalidRequest),
    (16900205, CJInvalidRequest),
    (16900403, CJInvalidRequest),
    (1603000, CJInvalidRequest),
    (1603001, CJInvalidRequest),
    (1603002, CJInvalidRequest),
    (1603003, CJDuplicateOrder),
    (1604000, CJInsufficientBalance),
    (1604001, CJInsufficientBalance),
    (1605000, CJLogisticsError),
    (1605001, CJLogisticsError),
    (1605002, CJLogisticsError),
    (1607004, CJLogisticsError),
    (1606000, CJWebhookConfigError),
    (1606001, CJWebhookConfigError),
    (1607000, CJWebhookConfigError),
    (1607001, CJWebhookConfigError),
    (1607002, CJWebhookConfigError),
    (1607003, CJWebhookConfigError),
    (1600000, CJUnavailable),
]


@pytest.mark.parametrize(("code", "cls"), TABLE)
def test_every_code_maps_to_its_class(code: int, cls: type[CJError]) -> None:
    err = error_for(code, "whatever CJ says", "req-1", 200, "product/query")
    assert type(err) is cls
    assert err.code == code
    assert err.message == "whatever CJ says"
    assert err.request_id == "req-1"
    assert err.http_status == 200
    assert err.endpoint == "product/query"
    assert err.user_message  # always some French text
    assert err.retryable is (cls in (CJRateLimited, CJUnavailable))


def test_message_never_decides_the_class() -> None:
    err = error_for(1603003, "Too much request, QPS limit", None, 200, "shopping/order/createOrderV2")
    assert type(err) is CJDuplicateOrder
    err = error_for(
        1600000, "The product has been added to My Products.", None, 200, "product/addToMyProduct"
    )
    assert type(err) is CJUnavailable


def test_1600300_on_order_lookup_is_order_not_found() -> None:
    assert type(error_for(1600300, "order not found", None, 200, "shopping/order/getOrderDetail")) is (
        CJOrderNotFound
    )
    assert type(error_for(1600300, "x", None, 200, "/api2.0/v1/shopping/order/getOrderDetail?orderId=1")) is (
        CJOrderNotFound
    )
    assert type(error_for(1600300, "Param error", None, 200, "product/listV2")) is CJInvalidRequest
    assert isinstance(error_for(1603100, "", None, 200, "x"), CJNotFound)


def test_http_statuses() -> None:
    assert type(error_for(1600200, "Too Many Requests", None, 429, "product/listV2")) is CJRateLimited
    assert type(error_for(None, "", None, 429, "product/listV2")) is CJRateLimited
    assert type(error_for(429, "Insufficient API points", None, 429, "product/listV2")) is CJQuotaExhausted
    assert (
        type(error_for(16900500, "Insufficient API points", None, 200, "product/listV2")) is CJQuotaExhausted
    )
    for status in (500, 502, 503, 504):
        err = error_for(None, "", None, status, "product/query")
        assert type(err) is CJUnavailable and err.retryable
    assert type(error_for(None, "", None, 401, "setting/get")) is CJAuthError
    assert type(error_for(None, "", None, 404, "nope")) is CJInvalidRequest
    assert type(error_for(9999999, "new code", None, 200, "x")) is CJError
    assert error_for(9999999, "new code", None, 200, "x").retryable is False


def test_get_access_token_too_soon_is_auth_throttled() -> None:
    for code, status in ((None, 429), (1600200, 429), (1600200, 200)):
        err = error_for(
            code,
            "Too much request, QPS limit is 1 time/300 seconds",
            None,
            status,
            "authentication/getAccessToken",
        )
        assert type(err) is CJAuthThrottled
        assert err.retry_after_s == 300
        assert err.retryable is False
        assert "5 minutes" in err.user_message
    # an invalid key on getAccessToken stays an auth error
    assert (
        type(error_for(1600005, "APIkey is wrong", None, 200, "authentication/getAccessToken")) is CJAuthError
    )


def test_quota_retry_after_until_0005_utc_next_day() -> None:
    now = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)
    err = error_for(16900500, "Insufficient API points", None, 200, "product/listV2", now=now)
    assert isinstance(err, CJQuotaExhausted)
    assert err.retry_after_s == 2 * 3600 + 5 * 60
    assert not err.retryable
    assert "00:05 UTC" in err.user_message and "2 h 05 min" in err.user_message
    assert seconds_until_quota_reset(datetime(2026, 3, 1, 0, 2, tzinfo=UTC)) == 180


def test_french_user_messages() -> None:
    assert error_for(1600001, "", None, 200, "x").user_message == "Clé API CJ invalide"
    rl = CJRateLimited("", retry_after_s=1.2)
    assert rl.user_message == "Trop de requêtes, réessayez dans 2 s"
    assert error_for(1604000, "", None, 200, "x").user_message == "Solde CJ insuffisant"
    assert (
        error_for(1602002, "", None, 200, "x").user_message
        == "Produit introuvable chez CJ (retiré ou hors vente)"
    )
    assert "https://" in error_for(1607002, "", None, 200, "x").user_message
    assert "indisponible" in CJUnavailable("boom").user_message
    assert error_for(1234567, "", None, 200, "x").user_message.endswith("(code 1234567)")
    assert CJAuthThrottled(retry_after_s=250).user_message.endswith("dans 4 min 10 s")
    assert format_delay_fr(59.2) == "1 min" and format_delay_fr(3600) == "1 h 00 min"


def test_str_has_code_request_id_and_errors_pickle() -> None:
    err = error_for(1603003, "Order exist", "rid-9", 200, "shopping/order/createOrderV2")
    text = str(err)
    assert "1603003" in text and "rid-9" in text and "createOrderV2" in text
    again = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own data
    assert type(again) is CJDuplicateOrder and again.code == 1603003 and again.request_id == "rid-9"
    q = pickle.loads(pickle.dumps(CJQuotaExhausted("x", retry_after_s=10)))  # noqa: S301
    assert q.retry_after_s == 10


def test_user_messages_follow_the_language_active_when_read():
    from django.utils import translation

    invalid_key = error_for(1600001, "Invalid API key", None, 200, "authentication/getAccessToken")
    throttled = CJRateLimited(retry_after_s=3)
    assert invalid_key.user_message == "Clé API CJ invalide"
    with translation.override("en"):
        assert invalid_key.user_message == "Invalid CJ API key"
        assert throttled.user_message == "Too many requests, try again in 3 s"
        assert CJError(code=1234567).user_message == "Unexpected CJ error (code 1234567)"
    assert throttled.user_message == "Trop de requêtes, réessayez dans 3 s"
