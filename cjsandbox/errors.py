"""CJ business errors raised by handlers and turned into CJ envelopes by the server."""

from __future__ import annotations

from typing import Any

MESSAGES = {
    1600000: "System busy, please contact CJ IT",
    1600001: "Invalid API key or access token",
    1600002: "access token cannot be empty",
    1600003: "Invalid Refresh token",
    1600100: "Interface is offline",
    1600101: "Interface not found",
    1600200: "Too Many Requests, QPS limit is 1 time/1second",
    1600300: "Param error",
    1602000: "Variant not found",
    1602001: "Product not found",
    1602002: "Product removed from shelves",
    1602003: "Variant removed from shelves",
    1603000: "Order create fail",
    1603001: "order confirm fail",
    1603002: "order delete fail",
    1603003: "Order exist, please do not duplicate create",
    1603100: "Order not found, please check the CJ order id",
    1603101: "Order pay fail",
    1604000: "Balance is insufficient",
    1605000: "Logistic not found",
    1605001: "Logistic invalid, please use freight calculate",
    1605002: "country code not found",
    1606010: "Product webhook is disabled",
    1606011: "Subscription limit exceeded",
    1606001: "Webhook url check failed, please make sure the url answers POST JSON with HTTP 200 in 3 seconds",
    1607003: "Http Status must be 200",
    1607001: "Callback url can not use localhost or 127.0.0.1",
    1607002: "Callback url must start with https://",
    16900202: "Request method '{}' not supported",
    16900203: "Content type not supported[{}]",
    16900204: "Required request body is missing",
    16900205: "The request parameter is not in a correct JSON format",
    16900403: "{} can not be empty",
    16900500: "Insufficient API points",
}


class ApiError(Exception):
    def __init__(self, code: int, message: str | None = None, *, http_status: int = 200, data: Any = None):
        super().__init__(code, message)
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, "Error")
        self.http_status = http_status
        self.data = data
        self.points_info: dict | None = None


def empty(name: str) -> ApiError:
    return ApiError(16900403, f"{name} can not be empty")


def param(message: str = "Param error") -> ApiError:
    return ApiError(1600300, message)
