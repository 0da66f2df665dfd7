"""Secrets never leak (repr, str, errors, call records, logs); the local limiter; no Django in the client."""

from __future__ import annotations

import ast
import dataclasses
import logging
import pathlib
import subprocess
import sys
import threading
import time
from collections.abc import Callable

import httpx
import pytest

from kamri.cj.client import CJClient, CJError, ListRecorder, LocalRateLimiter, MemoryTokenStore, RetryPolicy

from .conftest import API_KEY, FakeCJ, envelope, json_response

CLIENT_DIR = pathlib.Path(__file__).resolve().parents[2] / "kamri" / "cj" / "client"


def test_secrets_appear_nowhere(
    make_client: Callable[..., CJClient],
    cj: FakeCJ,
    recorder: ListRecorder,
    store: MemoryTokenStore,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    # CJ echoing secrets back in its message must not leak them either.
    cj.on("GET", "setting/get", {"openId": 1})
    client = make_client(retry=RetryPolicy(max_attempts=2))
    client.get_settings()
    tokens = store.load().tokens  # type: ignore[union-attr]
    assert tokens is not None
    secrets = [API_KEY, API_KEY.rsplit("@", 1)[1], tokens.access_token, tokens.refresh_token]

    cj.on(
        "GET",
        "shopping/pay/getBalance",
        lambda r: json_response(
            envelope(None, 1600000, f"busy key={API_KEY} token={r.headers['CJ-Access-Token']}"), 500
        ),
    )
    with pytest.raises(CJError) as exc:
        client.get_balance()

    def boom(req: object) -> None:
        raise httpx.ConnectError(f"cannot connect {API_KEY}")

    cj.inject = boom  # type: ignore[assignment]
    with pytest.raises(CJError) as exc2:
        client.get_settings()

    texts = [
        repr(client),
        str(client),
        repr(tokens),
        str(tokens),
        repr(store),
        str(exc.value),
        repr(exc.value),
        exc.value.message,
        exc.value.user_message,
        str(exc2.value),
        repr(exc2.value),
        caplog.text,
        *(repr(c) for c in recorder.calls),
        *(str(dataclasses.asdict(c)) for c in recorder.calls),
        repr(vars(client)),
    ]
    assert "***" in exc.value.message  # it was redacted, not dropped
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"secret leaked into: {text[:200]}"
    assert len(recorder.calls) >= 5 and {c.endpoint for c in recorder.calls} >= {
        "authentication/getAccessToken"
    }


def test_call_record_fields(client: CJClient, cj: FakeCJ, recorder: ListRecorder) -> None:
    cj.on("GET", "setting/get", lambda _r: json_response({**envelope({"openId": 1}), "requestId": "rid-42"}))
    client.get_settings()
    rec = recorder.calls[-1]
    assert rec.endpoint == "setting/get" and rec.method == "GET"
    assert rec.http_status == 200 and rec.cj_code == 200 and rec.request_id == "rid-42"
    assert rec.ok and rec.error is None and rec.attempt == 1
    assert rec.duration_ms >= 0 and rec.started_at.tzinfo is not None


def test_local_limiter_spaces_calls_per_account() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)

    lim = LocalRateLimiter(2.0, monotonic=lambda: now[0], sleep=sleep)
    lim.acquire("a")
    lim.acquire("a")
    lim.acquire("a")
    lim.acquire("b")  # another account is independent
    assert slept == [0.5, 1.0]
    with pytest.raises(TimeoutError):
        lim.acquire("a", timeout=0.1)
    now[0] = 10.0
    lim.penalize("a", 3.0)
    lim.acquire("a")
    assert slept[-1] == 3.0
    with pytest.raises(ValueError):
        LocalRateLimiter(0)


def test_local_limiter_is_thread_safe_in_real_time() -> None:
    lim = LocalRateLimiter(50.0)
    stamps: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            lim.acquire("acct")
            with lock:
                stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    assert len(stamps) == 40
    assert elapsed >= 39 / 50 - 0.02  # never faster than the rate
    assert elapsed < 3.0


def test_client_package_imports_no_django() -> None:
    for path in CLIENT_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), f"{path.name} imports django"
    code = "import sys, kamri.cj.client; assert 'django' not in sys.modules, 'django imported'"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=CLIENT_DIR.parents[2])


def test_client_repr_and_api_key_required() -> None:
    c = CJClient("https://cj.test/api2.0/v1", API_KEY)
    assert "redacted" in repr(c) and API_KEY not in repr(c)
    assert c.base_url == "https://cj.test/api2.0/v1/"
    with pytest.raises(ValueError):
        CJClient("https://cj.test/api2.0/v1", " ")


def test_credentials_fingerprint() -> None:
    from kamri.cj.client import credentials_fingerprint

    fp = credentials_fingerprint("https://cj.test/api2.0/v1/", API_KEY)
    assert fp == credentials_fingerprint("https://cj.test/api2.0/v1", API_KEY)
    assert fp != credentials_fingerprint("https://cj.test/api2.0/v1/", API_KEY + "x")
    assert fp != credentials_fingerprint("https://other.test/api2.0/v1/", API_KEY)
    assert API_KEY not in fp and API_KEY.rsplit("@", 1)[1] not in fp
    assert CJClient("https://cj.test/api2.0/v1", API_KEY).fingerprint == fp
