"""A scripted fake CJ behind ``httpx.MockTransport``, a fake clock, and a client factory."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kamri.cj.client import CJClient, ListRecorder, MemoryTokenStore, NullRateLimiter, RetryPolicy

BASE_URL = "https://cj.test/api2.0/v1/"
API_KEY = "CJ4242421@api@0f1e2d3c4b5a69788796a5b4c3d2e1f0"

Handler = Callable[[httpx.Request], Any]


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
        self.sleeps: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def envelope(data: Any = None, code: int = 200, message: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "code": code,
        "result": code == 200,
        "message": message if message is not None else ("Success" if code == 200 else "error"),
        "data": data,
        "requestId": uuid.uuid4().hex,
        **extra,
    }


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(body).encode(), headers=headers)


@dataclass
class SeenRequest:
    method: str
    path: str
    params: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any
    content: bytes = b""

    def param(self, name: str) -> str | None:
        vals = [v for k, v in self.params if k == name]
        return vals[0] if vals else None

    def params_all(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]


@dataclass
class FakeCJ:
    clock: FakeClock
    access_ttl: timedelta = timedelta(days=15)
    refresh_ttl: timedelta = timedelta(days=180)
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    requests: list[SeenRequest] = field(default_factory=list)
    valid_access: set[str] = field(default_factory=set)
    valid_refresh: set[str] = field(default_factory=set)
    logins: int = 0
    refreshes: int = 0
    #: called before routing; return an httpx.Response to short-circuit (fault injection)
    inject: Callable[[SeenRequest], httpx.Response | None] | None = None
    login_response: Callable[[], httpx.Response] | None = None

    def on(self, method: str, path: str, handler: Handler | Any) -> None:
        self.routes[(method, path)] = handler if callable(handler) else (lambda _req, _v=handler: _v)

    def _tokens(self) -> dict[str, Any]:
        now = self.clock()
        access = f"API@CJ4242421@CJ:eyJ{uuid.uuid4().hex}"
        refresh = f"RT{uuid.uuid4().hex}{uuid.uuid4().hex}"
        self.valid_access.add(access)
        self.valid_refresh.add(refresh)
        tz = datetime.now().astimezone().tzinfo
        return {
            "openId": 1424608189734850560,
            "accessToken": access,
            "accessTokenExpiryDate": (now + self.access_ttl).astimezone(tz).isoformat(timespec="seconds"),
            "refreshToken": refresh,
            "refreshTokenExpiryDate": (now + self.refresh_ttl).isoformat(timespec="seconds"),
            "createDate": now.isoformat(timespec="seconds"),
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.split("/api2.0/v1/", 1)[1]
        body = json.loads(request.content) if request.content else None
        seen = SeenRequest(
            method=request.method,
            path=path,
            params=list(request.url.params.multi_items()),
            headers=dict(request.headers),
            body=body,
            content=request.content,
        )
        self.requests.append(seen)
        if self.inject is not None:
            forced = self.inject(seen)
            if forced is not None:
                return forced
        if path == "authentication/getAccessToken":
            self.logins += 1
            if self.login_response is not None:
                return self.login_response()
            if body != {"apiKey": API_KEY}:
                return json_response(envelope(None, 1600005, "APIkey is wrong, please check and try again"))
            return json_response(envelope(self._tokens()))
        if path == "authentication/refreshAccessToken":
            self.refreshes += 1
            if body["refreshToken"] not in self.valid_refresh:
                return json_response(envelope(None, 1600003, "Refresh token is failure"))
            data = self._tokens()
            del data["openId"]
            return json_response(envelope(data))
        token = request.headers.get("CJ-Access-Token")
        if not token:
            return json_response(envelope(None, 1600002, "access token cannot be empty"))
        if token not in self.valid_access:
            return json_response(envelope(None, 1600001, "Invalid API key or access token"))
        route = self.routes.get((request.method, path))
        if route is None:
            return json_response(envelope(None, 16900202, f"Request method '{request.method}' not supported"))
        out = route(request)
        if isinstance(out, httpx.Response):
            return out
        return json_response(envelope(out))

    def calls(self, path: str) -> list[SeenRequest]:
        return [r for r in self.requests if r.path == path]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cj(clock: FakeClock) -> FakeCJ:
    return FakeCJ(clock=clock)


@pytest.fixture
def recorder() -> ListRecorder:
    return ListRecorder()


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
def make_client(
    cj: FakeCJ, clock: FakeClock, recorder: ListRecorder, store: MemoryTokenStore
) -> Callable[..., CJClient]:
    def factory(**kw: Any) -> CJClient:
        base_url = kw.pop("base_url", BASE_URL)
        api_key = kw.pop("api_key", API_KEY)
        opts: dict[str, Any] = {
            "token_store": store,
            "limiter": NullRateLimiter(),
            "recorder": recorder,
            "account_key": "acct-1",
            "transport": httpx.MockTransport(cj.handler),
            "clock": clock,
            "sleep": clock.sleep,
            "retry": RetryPolicy(),
            "rng": random.Random(7),
        }
        opts.update(kw)
        return CJClient(base_url, api_key, **opts)

    return factory


@pytest.fixture
def client(make_client: Callable[..., CJClient]) -> CJClient:
    return make_client()
