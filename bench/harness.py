"""Real-process harness for the reliability benches and tests: a throw-away database, the CJ sandbox,
gunicorn (N workers) and Huey consumers (M processes), started as subprocesses with one environment.

    with Stack("r1", tier="advanced") as stack:      # temp SQLite file, or a fresh PostgreSQL database
        stack.start_sandbox()                        # python -m cjsandbox on a free 127.0.0.1 port
        stack.op("setup")                            # migrate, CJ account against the sandbox, openId
        stack.start_web(workers=2)                   # gunicorn kamri.wsgi on a pre-bound 127.0.0.1 socket
        stack.start_consumers(2)                     # manage.py run_huey ×2
        stack.kill("consumer-1")                     # SIGKILL, as an OOM killer would
    # every process is killed, the database dropped, the temp directory removed — also on failure

The database follows the caller's environment, like CI: `DATABASE_URL=postgres://…` gives a fresh database
`kamri_bench_<pid>_<n>` on that server (dropped at the end); otherwise a SQLite file in the temp directory.
`REDIS_URL` set → Huey, the cache, the locks and the CJ limiter use Redis (a unique Huey name per stack).

Work inside Django (seeding, counting, sweeping) runs in short child processes with the same environment:
`python bench/harness.py op <name> '<json>'` (see OPS at the end); the caller never opens the database
itself, so the same code serves pytest (whose own Django points at its test database) and the benches.
Everything listens on 127.0.0.1 only and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(__file__).resolve()
API_KEY = "CJ8080808@api@c0ffee00c0ffee00c0ffee00c0ffee00"
TIER_CAP = {"free": 1, "plus": 2, "prime": 4, "advanced": 6}
_stack_numbers = itertools.count(1)


class HarnessError(RuntimeError):
    pass


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2, what: str = ""):
    """Poll until predicate() is truthy; TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what or 'condition'} not met within {timeout:.0f} s")
        time.sleep(interval)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


# --- the stack ----------------------------------------------------------------------------------------------


class Stack:
    """One isolated KAMRI deployment made of real processes. Use as a context manager."""

    def __init__(
        self,
        name: str = "bench",
        *,
        tier: str = "advanced",
        database_url: str | None = None,
        redis_url: str | None = None,
        retry_scale: float | None = 0.05,
        cj_retry_base: float = 0.05,
        cj_retry_max: float = 0.5,
        cj_timeout: float = 5.0,
        sandbox_products: int = 300,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.name, self.tier, self.sandbox_products = name, tier, sandbox_products
        self.number = next(_stack_numbers)
        self.tag = f"{os.getpid()}_{self.number}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"kamri-{name}-"))
        (self.tmp / "logs").mkdir()
        (self.tmp / "var").mkdir()
        base_db = os.environ.get("DATABASE_URL", "") if database_url is None else database_url
        self.redis_url = os.environ.get("REDIS_URL", "") if redis_url is None else redis_url
        self.pg_admin: str | None = None
        self.pg_name: str | None = None
        if base_db.startswith(("postgres://", "postgresql://")):
            parts = urlsplit(base_db)
            self.pg_name = f"kamri_bench_{self.tag}"
            self.pg_admin = urlunsplit(parts._replace(path="/postgres"))
            self.database_url = urlunsplit(parts._replace(path=f"/{self.pg_name}"))
            host = parts.hostname or ""
            if host not in ("127.0.0.1", "localhost", "::1"):
                raise HarnessError(f"the harness only uses a local PostgreSQL, not {host}")
        else:
            self.database_url = f"sqlite:///{self.tmp / 'kamri.sqlite3'}"
        self.huey_name = f"kamri-bench-{self.tag}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.sandbox_root = ""
        self.web_url = ""
        self.webhook_secret = ""
        self.open_id = ""
        self._web_socket: socket.socket | None = None
        self._consumer_numbers = itertools.count(1)
        self.env = self._environment(retry_scale, cj_retry_base, cj_retry_max, cj_timeout, extra_env or {})

    @property
    def backend(self) -> str:
        return ("postgresql" if self.pg_name else "sqlite") + ("+redis" if self.redis_url else "+huey-sqlite")

    def _environment(self, retry_scale, retry_base, retry_max, timeout, extra) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("KAMRI_", "HUEY_", "CJ_", "DJANGO_", "PYTEST_", "DATABASE_", "REDIS_"))
        }
        env.update(
            {
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
                "DJANGO_SETTINGS_MODULE": "kamri.settings",
                "KAMRI_VAR_DIR": str(self.tmp / "var"),
                "DATABASE_URL": self.database_url,
                "HUEY_NAME": self.huey_name,
                "KAMRI_REDIS_PREFIX": self.huey_name,  # its own locks, limiter slots and cache on a shared Redis
                "HUEY_SQLITE_PATH": str(self.tmp / "huey.sqlite3"),
                "HUEY_IMMEDIATE": "false",
                "HUEY_WORKERS": "2",
                "CJ_RETRY_BASE_DELAY": str(retry_base),
                "CJ_RETRY_MAX_DELAY": str(retry_max),
                "CJ_TIMEOUT_SECONDS": str(timeout),
                "LOG_LEVEL": "WARNING",
                "DEBUG": "false",
                "EMAIL_URL": "dummymail://",
            }
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        if retry_scale:
            env["KAMRI_BENCH_RETRY_SCALE"] = str(retry_scale)
        env.update(extra)
        return env

    # --- lifecycle ---------------------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            if self.pg_name:
                self._pg(f'CREATE DATABASE "{self.pg_name}"')
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop every process (TERM, then KILL), drop the database, forget Redis keys, remove the files."""
        for name in list(self.procs):
            self.stop(name)
        if self._web_socket is not None:
            self._web_socket.close()
            self._web_socket = None
        if self.pg_name:
            with contextlib.suppress(Exception):
                self._pg(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        if self.redis_url:
            with contextlib.suppress(Exception):
                import redis

                client = redis.Redis.from_url(self.redis_url)
                for key in client.scan_iter(match=f"*{self.huey_name}*", count=1000):
                    client.delete(key)
        if os.environ.get("KAMRI_BENCH_KEEP"):
            print(f"harness: kept {self.tmp}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)

    def _pg(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.pg_admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    # --- processes ---------------------------------------------------------------------------------------

    def spawn(self, name: str, argv: list[str], *, pass_fds: Iterable[int] = ()) -> subprocess.Popen:
        if name in self.procs and self.procs[name].poll() is None:
            raise HarnessError(f"{name} is already running")
        log = open(self.tmp / "logs" / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        try:
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: killpg reaches gunicorn's workers too
                pass_fds=tuple(pass_fds),
            )
        finally:
            log.close()
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> str:
        path = self.tmp / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def alive(self, name: str) -> bool:
        proc = self.procs.get(name)
        return proc is not None and proc.poll() is None

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Kill one process group (the process and its children) with `sig` and reap it."""
        proc = self.procs[name]
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)

    def stop(self, name: str, *, grace: float = 5.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
        # gunicorn workers or Huey threads left behind in the group: none may survive the stack
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)

    def start_sandbox(self, *, tier: str | None = None, timeout: float = 30) -> str:
        """`python -m cjsandbox` on a free port with one account of the stack's tier; returns its root URL."""
        self.spawn(
            "sandbox",
            [
                sys.executable,
                "-m",
                "cjsandbox",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--seed",
                "17",
                "--products",
                str(self.sandbox_products),
                "--account",
                f"{API_KEY}:{tier or self.tier}",
                "--allow-local-callbacks",
                "--webhook-retry-delay",
                "1",
                "--auth-interval",
                "0",
            ],
        )

        def bound() -> str:
            if not self.alive("sandbox"):
                raise HarnessError(f"the sandbox stopped:\n{self.log('sandbox')[-2000:]}")
            for line in self.log("sandbox").splitlines():
                if line.startswith("CJ sandbox on http://127.0.0.1:"):
                    return line.split(" on ", 1)[1].split("/api2.0", 1)[0]
            return ""

        self.sandbox_root = wait_until(bound, timeout=timeout, interval=0.05, what="sandbox start")
        return self.sandbox_root

    @property
    def sandbox_base_url(self) -> str:
        return f"{self.sandbox_root}/api2.0/v1/"

    def sandbox(self, method: str, path: str, body: dict | None = None, **params) -> dict:
        import httpx

        response = httpx.request(
            method, f"{self.sandbox_root}/_sandbox/{path}", json=body, params=params or None, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def sandbox_code_count(self, code: int, endpoint_suffix: str = "") -> int:
        stats = self.sandbox("GET", "stats")["endpoints"]
        return sum(
            int(entry["codes"].get(str(code), 0))
            for path, entry in stats.items()
            if path.endswith(endpoint_suffix)
        )

    def start_web(
        self,
        *,
        workers: int = 2,
        worker_class: str = "sync",
        threads: int = 1,
        app: str = "kamri.wsgi:application",
    ) -> str:
        """gunicorn on a socket bound here (no port race), `workers` processes; returns the base URL."""
        if self._web_socket is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
            sock.listen(512)
            sock.set_inheritable(True)
            self._web_socket = sock
            self.web_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            self.env["KAMRI_PUBLIC_URL"] = self.web_url
        fd = self._web_socket.fileno()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"fd://{fd}",
            "--workers",
            str(workers),
            "--worker-class",
            worker_class,
            "--timeout",
            "60",
            "--graceful-timeout",
            "3",
            "--backlog",
            "512",
            "--log-level",
            "warning",
        ]
        if worker_class == "gthread":
            argv += ["--threads", str(threads)]
        self.spawn("web", argv, pass_fds=[fd])
        import httpx

        def answering() -> bool:
            if not self.alive("web"):
                raise HarnessError(f"gunicorn stopped:\n{self.log('web')[-3000:]}")
            try:
                httpx.get(f"{self.web_url}/webhooks/cj/ping/", timeout=2)
            except httpx.HTTPError:
                return False
            return True

        wait_until(answering, timeout=60, interval=0.1, what="gunicorn start")
        return self.web_url

    def start_consumers(self, count: int = 1, *, threads: int = 2, periodic: bool = True) -> list[str]:
        """`count` Huey consumer processes (`threads` worker threads each); returns their names."""
        names = []
        for _ in range(count):
            name = f"consumer-{next(self._consumer_numbers)}"
            argv = [sys.executable, str(HARNESS), "consumer", "--workers", str(threads)]
            if not periodic:
                argv.append("--no-periodic")
            self.spawn(name, argv)
            names.append(name)
        for name in names:
            wait_until(
                lambda name=name: self._consumer_ready(name), timeout=60, interval=0.1, what=f"{name} start"
            )
        return names

    def _consumer_ready(self, name: str) -> bool:
        if not self.alive(name):
            raise HarnessError(f"{name} stopped:\n{self.log(name)[-3000:]}")
        return "harness-consumer-ready" in self.log(name)

    def consumers(self) -> list[str]:
        return [name for name in self.procs if name.startswith("consumer-") and self.alive(name)]

    # --- Django work in a child process ------------------------------------------------------------------

    def op(self, name: str, timeout: float = 300, **kwargs):
        """Run OPS[name](**kwargs) in a Django child process with this stack's environment; its JSON result."""
        args_file = self.tmp / f"op-{uuid.uuid4().hex}.json"
        args_file.write_text(json.dumps(kwargs))
        try:
            done = subprocess.run(
                [sys.executable, str(HARNESS), "op", name, str(args_file)],
                cwd=ROOT,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        finally:
            args_file.unlink(missing_ok=True)
        if done.returncode != 0:
            raise HarnessError(
                f"op {name} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-5000:]}"
            )
        out_file = done.stdout.strip().splitlines()[-1]
        return json.loads(Path(out_file).read_text())

    def setup(self, **kwargs) -> dict:
        info = self.op("setup", base_url=self.sandbox_base_url, api_key=API_KEY, tier=self.tier, **kwargs)
        self.webhook_secret, self.open_id = info["secret"], info["open_id"]
        return info

    @property
    def webhook_url(self) -> str:
        return f"{self.web_url}/webhooks/cj/{self.webhook_secret}/"

    def sign(self, body: bytes) -> str:
        import base64
        import hashlib
        import hmac

        return base64.b64encode(hmac.new(self.open_id.encode(), body, hashlib.sha256).digest()).decode()


# --- load generator ---------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    statuses: list[int] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def sent(self) -> int:
        return len(self.statuses)

    def count(self, status: int) -> int:
        return sum(1 for s in self.statuses if s == status)

    @property
    def server_errors(self) -> int:
        return sum(1 for s in self.statuses if s >= 500 or s == 0)

    def summary(self) -> dict:
        lat = self.latencies_ms
        return {
            "sent": self.sent,
            "ok": self.count(200),
            "5xx_or_failed": self.server_errors,
            "per_s": round(self.count(200) / self.wall_s, 1) if self.wall_s else 0.0,
            "p50_ms": round(percentile(lat, 50), 2),
            "p99_ms": round(percentile(lat, 99), 2),
            "mean_ms": round(statistics.fmean(lat), 2) if lat else 0.0,
            "wall_s": round(self.wall_s, 2),
        }


def post_bodies(
    url: str,
    bodies: list[tuple[bytes, dict[str, str]]],
    *,
    concurrency: int = 16,
    rate: float | None = None,
    timeout_s: float = 600,
    on_progress: Callable[[int], None] | None = None,
    retry_5xx: int = 0,
) -> LoadResult:
    """POST each (body, headers) once, from `concurrency` threads; open-loop at `rate` req/s when given.

    Bounded: each request times out after 10 s and the whole run after `timeout_s`. Only 127.0.0.1.
    `retry_5xx` re-sends a body answered 5xx (as CJ retries a failed push); the first status is kept.
    """
    import httpx

    if not url.startswith("http://127.0.0.1:"):
        raise HarnessError(f"load only targets 127.0.0.1, not {url}")
    result = LoadResult(statuses=[0] * len(bodies), latencies_ms=[0.0] * len(bodies))
    next_index = itertools.count()
    lock = threading.Lock()
    done_count = [0]
    started = time.perf_counter()
    deadline = started + timeout_s

    def worker() -> None:
        with httpx.Client(timeout=10.0) as client:
            while True:
                i = next(next_index)
                if i >= len(bodies) or time.perf_counter() > deadline:
                    return
                if rate:
                    wait = started + i / rate - time.perf_counter()
                    if wait > 0:
                        time.sleep(wait)
                body, headers = bodies[i]
                status, elapsed = 0, 0.0
                for attempt in range(retry_5xx + 1):
                    t0 = time.perf_counter()
                    try:
                        response = client.post(url, content=body, headers=headers)
                        code = response.status_code
                    except httpx.HTTPError as error:
                        code = 0
                        with lock:
                            result.errors.append(f"{type(error).__name__}: {error}")
                    if attempt == 0:
                        status, elapsed = code, (time.perf_counter() - t0) * 1000
                    if code and code < 500:
                        break
                    time.sleep(0.2)
                result.statuses[i], result.latencies_ms[i] = status, elapsed
                with lock:
                    done_count[0] += 1
                    if on_progress:
                        on_progress(done_count[0])

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.1, deadline - time.perf_counter() + 15))
    result.wall_s = time.perf_counter() - started
    sent = done_count[0]
    if sent < len(bodies):
        result.errors.append(f"only {sent}/{len(bodies)} requests sent before the time limit")
    return result


# --- webhook storm scenario (R1) ----------------------------------------------------------------------------

ORDER_STATUSES = ["CREATED", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"]
COUNTRIES = ["US", "CN", "DE", "FR", "GB"]


@dataclass
class Storm:
    """A shuffled list of signed webhook bodies with duplicates, and the final state they must produce."""

    bodies: list[bytes]
    unique_ids: list[str]
    duplicates: int
    expected: dict


def build_storm(
    *, events: int, duplicate_share: float, seed: int, vids: list[str], orders: list[dict]
) -> Storm:
    """`events` bodies in total: unique STOCK / ORDER / LOGISTIC messages plus repeats of some of them.

    STOCK messages each set one (vid, warehouse) pair once, so the final stock is known whatever the order;
    ORDER statuses only move forward, so an order ends at the furthest status sent; LOGISTIC messages carry
    the parcel's history so far (as CJ does), so the timeline ends with the longest history, each step once.
    """
    rng = random.Random(seed)
    unique_count = round(events * (1 - duplicate_share))
    pairs = [(vid, country) for vid in vids for country in COUNTRIES]
    rng.shuffle(pairs)
    messages: list[dict] = []
    stock: dict[str, dict[str, int]] = {}
    order_final: dict[str, str] = {o["order_number"]: "CREATED" for o in orders}
    parcel_steps: dict[str, int] = {o["order_number"]: 0 for o in orders}
    logistic_sent: dict[str, int] = {o["order_number"]: 0 for o in orders}
    n_stock = min(len(pairs), round(unique_count * 0.6))
    n_orders = (unique_count - n_stock) * 6 // 10
    n_logistic = unique_count - n_stock - n_orders
    for vid, country in pairs[:n_stock]:
        units = rng.randint(0, 500)
        stock.setdefault(vid, {})[country] = units
        messages.append(
            _envelope(
                "STOCK",
                {
                    vid: [
                        {
                            "vid": vid,
                            "areaId": "1",
                            "areaEn": country,
                            "countryCode": country,
                            "storageNum": units,
                        }
                    ]
                },
            )
        )
    for _ in range(n_orders):
        order = rng.choice(orders)
        status = rng.choice(ORDER_STATUSES)
        if ORDER_STATUSES.index(status) > ORDER_STATUSES.index(order_final[order["order_number"]]):
            order_final[order["order_number"]] = status
        params = {
            "cjOrderId": int(order["cj_order_id"]),
            "orderNumber": order["order_number"],
            "orderStatus": status,
            "logisticName": "USPS+",
        }
        if status in ("SHIPPED", "DELIVERED"):
            params["trackNumber"] = order["track_number"]
        messages.append(_envelope("ORDER", params))
    for _ in range(n_logistic):
        order = rng.choice(orders)
        number = order["order_number"]
        logistic_sent[number] += 1
        steps = logistic_sent[number]  # this message carries the history so far: steps 1..n
        parcel_steps[number] = max(parcel_steps[number], steps)
        history = [
            {
                "status": min(step, 11),
                "activity": f"step {step}",
                "location": "SHENZHEN, CN",
                "eventTime": f"2026-01-{1 + step // 24:02d} {step % 24:02d}:00:00",
                "statusDesc": f"step {step}",
            }
            for step in range(1, steps + 1)
        ]
        messages.append(
            _envelope(
                "LOGISTIC",
                {
                    "orderId": int(order["cj_order_id"]),
                    "logisticName": "USPS+",
                    "trackingNumber": order["track_number"],
                    "trackingStatus": min(steps, 11),
                    "logisticsTrackEvents": json.dumps(history),
                },
            )
        )
    bodies = [json.dumps(m).encode() for m in messages]
    duplicates = events - len(bodies)
    bodies += [rng.choice(bodies) for _ in range(duplicates)]
    rng.shuffle(bodies)
    # The furthest ORDER status decides; a tracked parcel (LOGISTIC) does not move cj_status.
    expected = {
        "stock": stock,
        "cj_status": order_final,
        "parcel_steps": parcel_steps,
        "tracked": sorted(
            o["order_number"]
            for o in orders
            if order_final[o["order_number"]] in ("SHIPPED", "DELIVERED") or parcel_steps[o["order_number"]]
        ),
    }
    return Storm(bodies, [m["messageId"] for m in messages], duplicates, expected)


def _envelope(type_: str, params: dict) -> dict:
    return {"messageId": uuid.uuid4().hex, "type": type_, "messageType": "UPDATE", "params": params}


def webhook_storm(
    stack: Stack,
    *,
    events: int,
    duplicate_share: float = 0.2,
    vids: int,
    orders: int,
    concurrency: int = 8,
    kill_after: float | None = 0.35,
    settle_timeout: float = 120,
    seed: int = 1,
    manual_sweep: bool = True,
    say: Callable[[str], None] = lambda _line: None,
) -> dict:
    """R1 on a running stack (web + consumers): storm, SIGKILL one consumer mid-run, restart it, sweep, verify."""
    seeded = stack.op("seed_storm", vids=vids, orders=orders)
    storm = build_storm(
        events=events,
        duplicate_share=duplicate_share,
        seed=seed,
        vids=seeded["vids"],
        orders=seeded["orders"],
    )
    bodies = [(b, {"Content-Type": "application/json", "sign": stack.sign(b)}) for b in storm.bodies]
    killed: list[str] = []
    kill_at = int(len(bodies) * kill_after) if kill_after is not None else None

    def maybe_kill(done: int) -> None:
        if kill_at is not None and done >= kill_at and not killed:
            victim = stack.consumers()[0]
            killed.append(victim)
            threading.Thread(target=_kill_and_restart, args=(stack, victim), daemon=True).start()

    say(f"R1: {len(bodies)} webhooks ({storm.duplicates} repeats) at concurrency {concurrency}")
    load = post_bodies(stack.webhook_url, bodies, concurrency=concurrency, on_progress=maybe_kill)
    say(f"R1: posted in {load.wall_s:.1f} s ({load.summary()['per_s']}/s), statuses 200: {load.count(200)}")
    wait_until(lambda: len(stack.consumers()) >= 1 and not _restarting, timeout=60, what="consumer restart")
    # The killed consumer lost the jobs it held; the sweeper re-enqueues rows left pending (what the
    # periodic task does every minute, here with a shorter age so the test takes seconds).
    started = time.monotonic()
    sweeps = 0

    def settled() -> bool:
        nonlocal sweeps
        counts = stack.op("storm_counts")
        if counts["pending"] == 0 and counts["error_due"] == 0:
            return True
        if manual_sweep and time.monotonic() - started > 3:
            stack.op("sweep_webhooks", older_than_s=2)
            sweeps += 1
        return False

    wait_until(settled, timeout=settle_timeout, interval=1.0, what="every webhook processed")
    verdict = stack.op("verify_storm", unique_ids=storm.unique_ids, expected=storm.expected, timeout=600)
    verdict.update(
        {
            "events_sent": load.sent,
            "http_200": load.count(200),
            "http_5xx": load.server_errors,
            "unique_events": len(storm.unique_ids),
            "duplicates_sent": storm.duplicates,
            "consumer_killed": killed,
            "sweeps": sweeps,
            "settle_s": round(time.monotonic() - started, 1),
            "post_per_s": load.summary()["per_s"],
        }
    )
    return verdict


_restarting = False


def _kill_and_restart(stack: Stack, victim: str) -> None:
    global _restarting
    _restarting = True
    try:
        stack.kill(victim, signal.SIGKILL)
        stack.procs.pop(victim, None)
        time.sleep(0.5)
        stack.start_consumers(1)
    finally:
        _restarting = False


# --- CJ fault storm scenario (R2) ---------------------------------------------------------------------------

R2_FAULTS = {
    "seed": 5,
    "error_rate": 0.20,
    "timeout_rate": 0.05,
    "timeout_s": 1.0,
    "ghost_create_rate": 0.25,
    "rate_limit_storm_s": 2.0,
}


def fault_storm(
    stack: Stack,
    *,
    orders: int,
    products: int = 3,
    faults: dict | None = None,
    settle_timeout: float = 150,
    say: Callable[[str], None] = lambda _line: None,
) -> dict:
    """R2 on a running stack (consumers): imports, paid orders and a stock sync while CJ misbehaves."""
    faults = dict(R2_FAULTS if faults is None else faults)
    stack.sandbox("POST", "faults", faults)
    t0 = time.monotonic()
    imported = stack.op("import_products", count=products)
    say(f"R2: {len(imported['pids'])} products imported under faults ({imported['import_retries']} retried)")
    placed = stack.op("paid_orders", count=orders, seed=3)
    say(f"R2: {placed['paid']} paid orders queued")

    def all_placed() -> bool:
        counts = stack.op("order_counts")
        if counts["placed"] >= orders or counts["stuck"]:
            return True
        stack.op("sweep_orders")
        return False

    try:
        wait_until(all_placed, timeout=settle_timeout, interval=2.0, what="every CJ order placed")
    except TimeoutError as timeout:
        raise TimeoutError(f"{timeout} — {stack.op('order_counts')}") from None
    sync = stack.op("stock_sync_until_clean", tries=4)
    decisions = _fault_summary(stack)
    stack.sandbox("POST", "faults", {})
    verdict = stack.op("verify_orders", sandbox_root=stack.sandbox_root)
    cj_orders = stack.sandbox("GET", "orders")["orders"]
    numbers = [o.get("orderNumber") for o in cj_orders]
    verdict.update(
        {
            "orders_paid": placed["paid"],
            "cj_orders_at_sandbox": len(cj_orders),
            "cj_order_numbers_repeated": len(numbers) - len(set(numbers)),
            "stock_sync": sync,
            "imports": imported,
            "faults": faults,
            "fault_decisions": decisions,
            "wall_s": round(time.monotonic() - t0, 1),
        }
    )
    return verdict


def _fault_summary(stack: Stack) -> dict:
    log = stack.sandbox("GET", "faults").get("log", [])
    summary: dict[str, int] = {}
    for entry in log:
        kind = str(entry.get("fault") or "none")
        summary[kind] = summary.get(kind, 0) + 1
    return summary


# --- shared CJ limiter (several processes) --------------------------------------------------------------------


def limiter_run(stack: Stack, *, processes: int, calls: int, lead_s: float = 6.0) -> dict:
    """`processes` child processes make `calls` CJ reads in total through build_client, all starting at the
    same instant; the shared limiter must space them at the tier's rate with no 1600200 reaching them."""
    cap = TIER_CAP[stack.tier]
    before = stack.op("api_call_times")["max_id"]
    sandbox_1600200_before = stack.sandbox_code_count(1600200)
    start_at = time.time() + lead_s
    shares = [calls // processes + (1 if i < calls % processes else 0) for i in range(processes)]
    results: list[dict] = [{} for _ in shares]

    def run(i: int) -> None:
        results[i] = stack.op("cj_calls", calls=shares[i], start_at=start_at, timeout=calls / cap * 3 + 120)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(processes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(calls / cap * 3 + 150)
    if any(not r for r in results):
        raise HarnessError("a limiter worker did not finish")
    recorded = stack.op("api_call_times", since_id=before)
    times = recorded["times"]
    span = (max(times) - min(times)) if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span else 0.0
    window_max = max((_in_window(times, t, 1.0) for t in times), default=0)
    return {
        "processes": processes,
        "calls": sum(shares),
        "http_attempts": len(times),
        "tier": stack.tier,
        "cap_per_s": cap,
        "achieved_per_s": round(achieved, 3),
        "ratio": round(achieved / cap, 3),
        "rate_limited_errors": sum(r["rate_limited_errors"] for r in results),
        "other_errors": sum(r["other_errors"] for r in results),
        "sandbox_1600200_answers": stack.sandbox_code_count(1600200) - sandbox_1600200_before,
        "max_calls_in_any_1s": window_max,
        "wall_s": round(span, 2),
        "backend": stack.backend,
    }


def _in_window(times: list[float], start: float, width: float) -> int:
    return sum(1 for t in times if start <= t < start + width)


# --- scale-out scenario -------------------------------------------------------------------------------------


def scale_out(
    stack: Stack,
    *,
    orders: int,
    events: int,
    limiter_calls: int,
    products: int = 2,
    settle_timeout: float = 120,
    say: Callable[[str], None] = lambda _line: None,
) -> dict:
    """Web + consumers already running: imports, paid orders, a webhook storm and two more CJ callers at once;
    then: each order placed once, each webhook processed once, the CJ rate respected by all processes."""
    stack.op("import_products", count=products)
    first_call = stack.op("api_call_times")["max_id"]
    limiter: dict = {}
    side = threading.Thread(
        target=lambda: limiter.update(limiter_run(stack, processes=2, calls=limiter_calls, lead_s=3))
    )
    side.start()  # two more CJ callers compete with the consumers placing orders
    stack.op("paid_orders", count=orders, seed=9)
    storm = webhook_storm(
        stack, events=events, vids=max(10, events // 8), orders=8, kill_after=None, concurrency=8, say=say
    )
    side.join(limiter_calls / TIER_CAP[stack.tier] * 3 + 150)
    wait_until(
        lambda: stack.op("order_counts")["placed"] >= orders,
        timeout=settle_timeout,
        interval=1,
        what="orders placed",
    )
    placed = stack.op("verify_orders", sandbox_root=stack.sandbox_root)
    calls = stack.op("api_call_times", since_id=first_call)
    at_cj = stack.sandbox("GET", "orders")["orders"]
    times = calls["times"]
    achieved = (len(times) - 1) / (max(times) - min(times)) if len(times) > 1 else 0.0
    max_attempts = int(stack.env.get("CJ_RETRY_ATTEMPTS", 4))
    return {
        "backend": stack.backend,
        "web_workers": 2,
        "consumers": len(stack.consumers()),
        "orders_paid": orders,
        "cj_orders_placed": placed["cj_orders_placed"],
        "cj_orders_at_sandbox": len(at_cj),
        "orders_placed_twice": len(at_cj) - len({o["orderNumber"] for o in at_cj}),
        "placed_without_exactly_one_cj_order": placed["placed_without_exactly_one_cj_order"],
        "outbox_attempts": placed["outbox_attempts"],
        "webhooks": storm,
        "limiter_side_run": limiter,
        "cj_calls": len(times),
        "cj_calls_achieved_per_s": round(achieved, 3),
        "cap_per_s": TIER_CAP[stack.tier],
        "cj_1600200_answered": sum(1 for c in calls["codes"] if c == 1600200),
        "cj_1600200_reaching_callers": limiter.get("rate_limited_errors", 0)
        + sum(
            1
            for c, a in zip(calls["codes"], calls["attempts"], strict=True)
            if c == 1600200 and a >= max_attempts
        ),
        "max_calls_in_any_1s": max((_in_window(times, t, 1.0) for t in times), default=0),
    }


# --- receiver fuzz scenario (R3) ---------------------------------------------------------------------------


def fuzz_bodies(count: int, *, open_id: str, seed: int = 0) -> list[tuple[bytes, dict[str, str]]]:
    """`count` hypothesis-generated requests: random bytes, non-UTF-8, JSON of any shape, envelope-like
    objects with wrong field types, oversized bodies; signed right, signed wrong, or not signed."""
    import base64
    import hashlib
    import hmac

    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=40)
    )
    json_values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
        max_leaves=12,
    )
    envelope = st.fixed_dictionaries(
        {},
        optional={
            "messageId": st.one_of(st.text(max_size=120), st.integers(), st.none(), st.uuids().map(str)),
            "type": st.one_of(
                st.sampled_from(["ORDER", "LOGISTIC", "STOCK", "PRODUCT", "VARIANT", "ORDERSPLIT", "x", ""]),
                json_values,
            ),
            "messageType": st.one_of(
                st.sampled_from(["UPDATE", "INSERT", "DELETE", "ORDER_CONNNECTED"]), json_values
            ),
            "params": json_values,
            "openId": json_values,
        },
    )

    complete = st.fixed_dictionaries(
        {
            "messageId": st.one_of(st.uuids().map(str), st.text(min_size=1, max_size=40), st.integers()),
            "type": st.sampled_from(
                ["ORDER", "LOGISTIC", "STOCK", "PRODUCT", "VARIANT", "ORDERSPLIT", "NEW"]
            ),
            "params": json_values.filter(lambda v: v not in (None, "")),
        },
        optional={"messageType": st.sampled_from(["UPDATE", "INSERT", "DELETE", "ORDER_CONNNECTED"])},
    )

    def dumps(value) -> bytes:
        return json.dumps(value, allow_nan=True).encode()

    raw = st.one_of(
        complete.map(dumps),
        envelope.map(dumps),
        json_values.map(dumps),
        st.binary(max_size=300),
        st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(min_size=1, max_size=64).map(lambda b: b"\xff\xfe" + b),  # not UTF-8
        st.integers(min_value=256 * 1024 + 1, max_value=300 * 1024).map(lambda n: b"{" + b" " * n + b"}"),
        envelope.map(dumps).map(lambda b: b[:-1] if len(b) > 1 else b),  # truncated JSON
    )
    signing = st.sampled_from(["good", "good", "good", "bad", "none"])
    collected: list[tuple[bytes, dict[str, str]]] = []

    @hseed(seed)
    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(body=raw, how=signing)
    def collect(body: bytes, how: str) -> None:
        headers = {"Content-Type": "application/json"}
        if how == "good":
            digest = hmac.new(open_id.encode(), body, hashlib.sha256).digest()
            headers["sign"] = base64.b64encode(digest).decode()
        elif how == "bad":
            headers["sign"] = "bm90LXRoZS1zaWduYXR1cmU="
        collected.append((body, headers))

    for body in EDGE_BODIES:  # always in, whatever hypothesis draws
        digest = hmac.new(open_id.encode(), body, hashlib.sha256).digest()
        collected.append(
            (body, {"Content-Type": "application/json", "sign": base64.b64encode(digest).decode()})
        )
    while len(collected) < count:  # hypothesis may stop a little early; draw again with the next seed
        collect()
        seed += 1
    return collected[:count]


EDGE_BODIES = [
    b"",
    b"null",
    b"[]",
    b"\x00{",
    b'{"messageId":"nul\\u0000id","type":"STOCK","params":{"V1":[]}}',
    b'{"messageId":"nul-type","type":"ST\\u0000OCK","messageType":"UP\\u0000","params":{"x":1}}',
    b'{"messageId":"nul-param","type":"PRODUCT","params":{"pid":"\\u0000","productNameEn":"\\u0000"}}',
    b'{"messageId":"sur\\ud800","type":"STOCK","params":{"x":1}}',
    ('{"messageId":"long-upper","type":"' + "\u00df" * 20 + '","params":{"x":1}}').encode(),  # ß.upper() = SS
    ('{"type":"' + "\ufb03" * 20 + '"}').encode(),
    b'{"type":"\\udfff"}',
    b'{"messageId":"sur-type","type":"ST\\udfffOCK","messageType":"\\ud800","params":{"x":"\\ud800"}}',
    b"\xef\xbb\xbf" + b'{"messageId":"bom","type":"STOCK","params":{"x":1}}',
    b"\xc3\x28" + b'{"messageId":"bad-utf8"}',
    b'{"messageId":"' + b"x" * 300 + b'","type":"' + b"T" * 300 + b'","params":{"a":1}}',
    b'{"messageId":1e999,"type":"ORDER","params":{"cjOrderId":1e999}}',
    b'{"messageId":"deep","type":"STOCK","params":' + b"[" * 5000 + b"]" * 5000 + b"}",
    b"{" + b" " * (256 * 1024 - 2) + b"}",
    b"{" + b" " * (256 * 1024) + b"}",
]


def receiver_fuzz(
    stack: Stack, *, cases: int, concurrency: int = 8, say: Callable[[str], None] = lambda _line: None
) -> dict:
    """R3: post `cases` fuzzed bodies to the real receiver; no 5xx, and every answer matches what is stored."""
    bodies = fuzz_bodies(cases, open_id=stack.open_id)
    say(f"R3: {len(bodies)} fuzzed bodies at concurrency {concurrency}")
    checks_before = stack.op("fuzz_counts")["url_checks"]
    load = post_bodies(stack.webhook_url, bodies, concurrency=concurrency)
    statuses: dict[str, int] = {}
    for status in load.statuses:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    stored = stack.op("fuzz_counts")
    pages = stack.op("open_stored_pages")
    accepted = load.count(200)
    refused = load.count(400) + load.count(401)
    return {
        "fuzz_cases": load.sent,
        "fuzz_5xx": load.server_errors,
        "statuses": statuses,
        "oversized": sum(1 for body, _h in bodies if len(body) > 256 * 1024),
        "non_utf8": sum(1 for body, _h in bodies if not _is_utf8(body)),
        # an unsigned body without messageId is CJ's URL check: answered 200, counted, not an inbox row
        "accepted_vs_stored_mismatch": accepted
        - stored["accepted_rows"]
        - (stored["url_checks"] - checks_before),
        "refused_vs_rejected_mismatch": refused - stored["rejected_rows"],
        "stored": stored,
        "pages_opened": pages["opened"],
        "pages_5xx": pages["server_errors"],
        "pages_5xx_examples": pages["examples"],
        "errors": load.errors[:5],
        "wall_s": round(load.wall_s, 1),
    }


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# --- child-process side: consumer and ops ----------------------------------------------------------------


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamri.settings")
    import django

    django.setup()
    scale = float(os.environ.get("KAMRI_BENCH_RETRY_SCALE") or 0)
    if scale:
        # Compressed time: the outbox and webhook retry schedules (30 s … 1 h) shortened by `scale`, so a
        # test sees the retries of hours in seconds. The logic that decides to retry is unchanged.
        from kamri.cj.orders import placement as orders
        from kamri.cj.webhooks import webhook_processing

        orders.RETRY_DELAYS = [max(0.5, d * scale) for d in orders.RETRY_DELAYS]
        webhook_processing.RETRY_DELAYS = [max(0.5, d * scale) for d in webhook_processing.RETRY_DELAYS]


_baseline_ready = False


def baseline_app(environ, start_response):
    """Bare WSGI baseline for bench/webhook_ingest.py: verify the HMAC, parse, insert the same inbox row into
    the same database in one transaction — no Django request, middleware, URL routing or queue."""
    global _baseline_ready
    if not _baseline_ready:
        _django()
        _baseline_ready = True
    import base64
    import hashlib
    import hmac

    from django.db import IntegrityError, transaction
    from django.utils import timezone

    from kamri.cj.models import WebhookEvent

    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    open_id = os.environ["BENCH_OPEN_ID"].encode()
    expected = base64.b64encode(hmac.new(open_id, body, hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(environ.get("HTTP_SIGN", "").encode(), expected.encode()):
        start_response("401 Unauthorized", [("Content-Type", "application/json")])
        return [b'{"code":401}']
    text = body.decode()
    payload = json.loads(text)
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                message_id=str(payload["messageId"])[:100],
                type=str(payload["type"])[:20],
                message_type=str(payload.get("messageType") or "")[:30],
                raw_body=text,
                signature_valid=True,
                received_at=timezone.now(),
            )
    except IntegrityError:
        pass
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"code":200,"result":"success","message":"ok"}']


def _consumer_main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-periodic", action="store_true")
    args = parser.parse_args(argv)
    _django()
    from django.core.management import call_command

    print("harness-consumer-ready", flush=True)
    options = {"workers": args.workers, "worker_type": "thread", "initial_delay": 0.05, "max_delay": 0.5}
    if args.no_periodic:
        options["periodic"] = False
    call_command("run_huey", **options)
    return 0


def _op_main(name: str, args_file: str) -> int:
    _django()
    kwargs = json.loads(Path(args_file).read_text())
    result = OPS[name](**kwargs)
    out = Path(args_file).with_suffix(".out.json")
    out.write_text(json.dumps(result, default=str))
    print(out)
    return 0


def op_setup(*, base_url: str, api_key: str, tier: str, webhooks: bool = False) -> dict:
    from django.core.management import call_command

    from kamri.cj.connection import account as connection
    from kamri.cj.models import CJAccount, CJSettings
    from kamri.cj.webhooks import webhook_inbox

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    account = CJAccount(base_url=base_url, tier=tier)
    account.set_api_key(api_key)
    account.save()
    CJSettings.load()
    CJSettings.objects.update(order_delay_minutes=0)
    report = connection.check_credentials(api_key=api_key, base_url=base_url, tier=tier)
    if not report.connected:
        raise HarnessError(f"sandbox refused the account: {report.error}")
    conf = webhook_inbox.config(fresh=True)
    return {"secret": conf.secret, "open_id": conf.open_id}


def op_seed_storm(*, vids: int, orders: int) -> dict:
    """Linked variants (fake vids: STOCK webhooks only look them up) and paid, placed CJ orders."""
    from decimal import Decimal

    from django.utils import timezone

    from kamri.catalog.models import Product, Variant
    from kamri.cj.models import CJOrder, CJProductLink, CJVariantLink
    from kamri.orders.models import Order

    tag = uuid.uuid4().hex[:8].upper()
    per_product = 4
    vid_list = []
    for p in range((vids + per_product - 1) // per_product):
        product = Product.objects.create(
            title=f"Storm {tag} {p}", slug=f"storm-{tag.lower()}-{p}", status="active", source="cj"
        )
        link = CJProductLink.objects.create(
            product=product, pid=f"P{tag}{p:05d}", margin_percent=Decimal("50")
        )
        for v in range(per_product):
            if len(vid_list) >= vids:
                break
            vid = f"V{tag}{p:05d}{v}"
            variant = Variant.objects.create(product=product, sku=f"S-{vid}", price=Decimal("9.99"), stock=0)
            CJVariantLink.objects.create(variant=variant, product_link=link, vid=vid, cost_usd=Decimal("3"))
            vid_list.append(vid)
    order_list = []
    now = timezone.now()
    for i in range(orders):
        order = Order.objects.create(
            customer_name="Storm Test",
            email="storm@example.com",
            country="US",
            province="CA",
            city="San Francisco",
            zip_code="94103",
            address1="500 Howard St",
            status=Order.Status.CONFIRMED,
            paid_at=now,
            total=Decimal("9.99"),
        )
        cj_order_id = str(260101_1000_00000000 + int(tag, 16) % 10_000_000 * 100 + i)
        row = CJOrder.objects.create(
            order=order,
            order_number=order.number,
            cj_order_id=cj_order_id,
            state=CJOrder.State.PLACED,
            cj_status="CREATED",
            placed_at=now,
        )
        order_list.append(
            {"order_number": row.order_number, "cj_order_id": cj_order_id, "track_number": f"TRK{tag}{i:05d}"}
        )
    return {"vids": vid_list, "orders": order_list}


def op_storm_counts() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from kamri.cj.models import WebhookEvent

    by_status = dict(WebhookEvent.objects.values_list("status").annotate(n=Count("id")))
    error_due = WebhookEvent.objects.filter(
        status=WebhookEvent.Status.ERROR, next_attempt_at__isnull=False, next_attempt_at__lte=timezone.now()
    ).count()
    return {"pending": by_status.get("pending", 0), "error_due": error_due, "by_status": by_status}


def op_sweep_webhooks(*, older_than_s: float = 60) -> dict:
    from datetime import timedelta

    from kamri.cj.webhooks import webhook_processing

    return {"swept": webhook_processing.sweep(pending_older_than=timedelta(seconds=older_than_s))}


def op_verify_storm(*, unique_ids: list[str], expected: dict) -> dict:
    """Count stored / processed / duplicates / lost, attempts per event, and compare the final state."""
    from django.db.models import Count

    from kamri.cj.models import CJOrder, CJVariantLink, WebhookAttempt, WebhookEvent
    from kamri.orders.models import OrderEvent

    stored_ids = set(
        WebhookEvent.objects.exclude(status=WebhookEvent.Status.DUPLICATE)
        .filter(message_id__isnull=False)
        .values_list("message_id", flat=True)
    )
    by_status = dict(WebhookEvent.objects.values_list("status").annotate(n=Count("id")))
    lost = [mid for mid in unique_ids if mid not in stored_ids]
    ok_attempts = dict(WebhookAttempt.objects.filter(ok=True).values_list("event_id").annotate(n=Count("id")))
    processed_twice = sum(1 for n in ok_attempts.values() if n > 1)
    not_done = WebhookEvent.objects.filter(
        status__in=[WebhookEvent.Status.PENDING, WebhookEvent.Status.ERROR]
    ).count()
    errors = list(
        WebhookEvent.objects.filter(status=WebhookEvent.Status.ERROR).values_list("last_error", flat=True)[:5]
    )
    stock_wrong = []
    links = {link.vid: link for link in CJVariantLink.objects.filter(vid__in=list(expected["stock"]))}
    for vid, rows in expected["stock"].items():
        got = {k: int(v) for k, v in (links[vid].stock_by_country or {}).items()}
        if got != rows:
            stock_wrong.append({"vid": vid, "expected": rows, "got": got})
    rows = {row.order_number: row for row in CJOrder.objects.select_related("order")}
    status_wrong, parcel_wrong, tracking_wrong = [], [], []
    parcel_counts = dict(
        OrderEvent.objects.filter(type="parcel").values_list("order__number").annotate(n=Count("id"))
    )
    tracking_counts = dict(
        OrderEvent.objects.filter(type="tracking").values_list("order__number").annotate(n=Count("id"))
    )
    for number, status in expected["cj_status"].items():
        if rows[number].cj_status != status:
            status_wrong.append({"order": number, "expected": status, "got": rows[number].cj_status})
        if parcel_counts.get(number, 0) != expected["parcel_steps"][number]:
            parcel_wrong.append(
                {
                    "order": number,
                    "expected": expected["parcel_steps"][number],
                    "got": parcel_counts.get(number, 0),
                }
            )
        if tracking_counts.get(number, 0) != (1 if number in expected["tracked"] else 0):
            tracking_wrong.append({"order": number, "got": tracking_counts.get(number, 0)})
    lags = sorted(
        (processed - received).total_seconds() * 1000
        for received, processed in WebhookEvent.objects.filter(
            status__in=[WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED]
        ).values_list("received_at", "processed_at")
        if processed
    )
    return {
        # received → processed: the coalesced drain's promptness (the killed consumer's events wait for the sweeper)
        "lag_ms": {
            "p50": round(lags[len(lags) // 2], 1) if lags else None,
            "p90": round(lags[int(len(lags) * 0.9)], 1) if lags else None,
            "p99": round(lags[int(len(lags) * 0.99)], 1) if lags else None,
            "max": round(lags[-1], 1) if lags else None,
        },
        "events_stored": len(stored_ids & set(unique_ids)),
        "events_processed": by_status.get("processed", 0) + by_status.get("ignored", 0),
        "events_ignored": by_status.get("ignored", 0),
        "duplicates_stored": by_status.get("duplicate", 0),
        "rejected": by_status.get("rejected", 0),
        "lost": len(lost),
        "not_done": not_done,
        "errors": errors,
        "processed_twice": processed_twice,
        "stock_wrong": len(stock_wrong),
        "status_wrong": len(status_wrong),
        "parcel_steps_wrong": len(parcel_wrong),
        "tracking_events_wrong": len(tracking_wrong),
        "examples": (stock_wrong + status_wrong + parcel_wrong + tracking_wrong)[:5],
    }


def op_import_products(*, count: int, keyword: str = "phone case") -> dict:
    """The admin's import, against a CJ with faults; an import that fails is tried again (as an admin would)."""
    from kamri.cj.catalog import importing
    from kamri.cj.catalog import search as catalog
    from kamri.cj.client import CJError

    def attempt(fn, tries: int = 5):
        for i in range(tries):
            try:
                return fn(), i
            except CJError:
                if i == tries - 1:
                    raise
                time.sleep(0.5)

    page, retries = attempt(
        lambda: catalog.search(catalog.SearchFilters(keyword=keyword, country="US", size=20)).page
    )
    pids = []
    for item in page.items:
        outcome, tries = attempt(
            lambda pid=item.pid: importing.import_product(
                pid=pid, rule=importing.rule_from_settings(), status="active"
            )
        )
        retries += tries
        if outcome.product.variants.filter(stock__gt=20).exists():
            pids.append(item.pid)
        if len(pids) == count:
            break
    return {"pids": pids, "import_retries": retries}


def op_paid_orders(*, count: int, seed: int = 3) -> dict:
    """`count` store orders for the imported, stocked variants, paid with the demo provider (outbox rows)."""
    from decimal import Decimal

    from kamri.catalog.models import Variant
    from kamri.orders import services as order_services
    from kamri.orders.models import Order, OrderLine

    rng = random.Random(seed)
    variants = list(Variant.objects.filter(product__source="cj", stock__gt=20, cj_link__isnull=False)[:30])
    if not variants:
        raise HarnessError("no stocked CJ variant to order")
    for _ in range(count):
        variant = rng.choice(variants)
        order = Order.objects.create(
            customer_name="Jane Doe",
            email="jane@example.com",
            phone="+1 415 555 0134",
            country="US",
            province="CA",
            city="San Francisco",
            zip_code="94103",
            address1="500 Howard St",
            subtotal=variant.price,
            total=variant.price,
        )
        OrderLine.objects.create(
            order=order,
            variant=variant,
            title=str(variant),
            sku=variant.sku,
            unit_price=variant.price,
            quantity=1,
        )
        order_services.mark_paid(order, provider="demo")
    paid = Order.objects.filter(paid_at__isnull=False).exclude(email="storm@example.com").count()
    return {"paid": paid, "total": str(Decimal(count))}


def op_order_counts() -> dict:
    from django.db.models import Count

    from kamri.cj.models import CJOrder

    rows = CJOrder.objects.filter(split_from=None).exclude(order__email="storm@example.com")
    by_state = dict(rows.values_list("state").annotate(n=Count("id")))
    return {
        "placed": by_state.get("placed", 0),
        "stuck": by_state.get("needs_attention", 0) + by_state.get("failed", 0),
        "by_state": by_state,
        "waiting": [
            f"{row.order_number} {row.state}: {row.last_error}"
            for row in rows.exclude(state=CJOrder.State.PLACED)[:5]
        ],
    }


def op_sweep_orders() -> dict:
    """The periodic sweep, with the clock of the retries moved on: a payment CJ could not take waits a minute
    before the automatic mode tries again (RETRY_TRANSIENT); the storm plays that minute as passed, so a test
    of a few minutes sees several retries (as the webhook storm's sweep does with a shorter age)."""
    from django.utils import timezone

    from kamri.cj.models import CJOrder
    from kamri.cj.orders import placement as orders

    CJOrder.objects.filter(state=CJOrder.State.TO_PAY, next_attempt_at__gt=timezone.now()).update(
        next_attempt_at=timezone.now()
    )
    return {"swept": orders.sweep()}


def op_stock_sync_until_clean(*, tries: int = 4) -> dict:
    """The stock sync of the same run: rerun (as the schedule would) until one pass has no CJ error."""
    from kamri.cj.sync import stock_sync

    runs = []
    for _ in range(tries):
        job = stock_sync.run(stock_sync.start(enqueue=False).pk)
        runs.append({k: job.summary.get(k) for k in ("products", "changed", "errors", "rate_limited")})
        if not job.summary.get("errors"):
            break
    return {"runs": runs}


def op_verify_orders(*, sandbox_root: str) -> dict:
    """Store orders vs CJ orders, and imported variants' stock and cost vs the sandbox's own figures."""
    from collections import Counter
    from decimal import Decimal

    import httpx

    from kamri.cj.models import CJApiCall, CJOrder, CJOrderAttempt, CJSettings, CJVariantLink
    from kamri.cj.sync.catalog_sync import stock_from_rows
    from kamri.orders.models import Order

    storm = "storm@example.com"  # the R1 storm's placed orders exist only in KAMRI (fake CJ ids)
    rows = list(CJOrder.objects.filter(split_from=None).exclude(order__email=storm))
    remote = httpx.get(f"{sandbox_root}/_sandbox/orders", timeout=30).json()["orders"]
    remote_by_number = Counter(o.get("orderNumber") for o in remote)
    mismatched = [
        r.order_number for r in rows if r.state == "placed" and remote_by_number.get(r.order_number) != 1
    ]
    stock_wrong, cost_wrong = [], []
    countries = CJSettings.load().stock_countries
    links = CJVariantLink.objects.select_related("variant", "product_link").exclude(
        product_link__product__slug__startswith="storm-"
    )
    for link in links:
        detail = httpx.get(f"{sandbox_root}/_sandbox/products/{link.product_link.pid}", timeout=30).json()
        variants = {v["vid"]: v for v in (detail.get("product") or detail).get("variants", [])}
        remote_v = variants.get(link.vid)
        if remote_v is None:
            continue
        stock_rows = {
            cc: int(r["cjInventory"]) + int(r["factoryInventory"])
            for cc, r in (remote_v.get("stock") or {}).items()
        }
        if link.variant.stock != stock_from_rows(stock_rows, countries):
            stock_wrong.append({"vid": link.vid, "kamri": link.variant.stock, "cj": stock_rows})
        if link.cost_usd is not None and Decimal(str(remote_v.get("price"))) != link.cost_usd:
            cost_wrong.append({"vid": link.vid, "kamri": str(link.cost_usd), "cj": remote_v.get("price")})
    attempts = Counter(CJOrderAttempt.objects.values_list("outcome", flat=True))
    return {
        "store_orders_paid": Order.objects.filter(paid_at__isnull=False).exclude(email=storm).count(),
        "cj_order_rows": len(rows),
        "cj_orders_placed": sum(1 for r in rows if r.state == "placed"),
        "cj_orders_by_state": dict(Counter(r.state for r in rows)),
        "placed_without_exactly_one_cj_order": len(mismatched),
        "outbox_attempts": dict(attempts),
        "api_calls": CJApiCall.objects.count(),
        "api_calls_1600200": CJApiCall.objects.filter(cj_code=1600200).count(),
        "variants_checked": links.count(),
        "stock_wrong": len(stock_wrong),
        "cost_wrong": len(cost_wrong),
        "examples": (stock_wrong + cost_wrong)[:3],
    }


def op_api_call_times(*, since_id: int = 0) -> dict:
    """Start times of every CJ API call recorded by any process (the limiter's shared view), and codes."""
    from kamri.cj.models import CJApiCall

    calls = list(
        CJApiCall.objects.filter(pk__gt=since_id)
        .order_by("started_at")
        .values_list("started_at", "cj_code", "attempt")
    )
    return {
        "times": [c[0].timestamp() for c in calls],
        "codes": [c[1] for c in calls],
        "attempts": [c[2] for c in calls],
        "max_id": CJApiCall.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    }


def op_cj_calls(*, calls: int, start_at: float) -> dict:
    """One limiter-bench worker: `calls` CJ reads through build_client (shared limiter), from `start_at`."""
    from kamri.cj.client import CJRateLimited
    from kamri.cj.connection.account import build_client
    from kamri.cj.models import CJAccount

    account = CJAccount.objects.order_by("pk").first()
    client = build_client(api_key=account.api_key, base_url=account.base_url, tier=account.tier)
    time.sleep(max(0.0, start_at - time.time()))
    limited, other, stamps = 0, 0, []
    for _ in range(calls):
        try:
            client.get_balance()
        except CJRateLimited:
            limited += 1
        except Exception:
            other += 1
        stamps.append(time.time())
    return {"rate_limited_errors": limited, "other_errors": other, "done_at": stamps}


def op_fuzz_counts() -> dict:
    from django.db.models import Count

    from kamri.cj.models import CJSettings, WebhookEvent

    by_status = dict(WebhookEvent.objects.values_list("status").annotate(n=Count("id")))
    rejected = by_status.get("rejected", 0)
    return {
        "url_checks": CJSettings.load().webhook_url_checks,
        "by_status": by_status,
        "rejected_rows": rejected,
        "accepted_rows": sum(by_status.values()) - rejected,
    }


def op_open_stored_pages() -> dict:
    """Staff open the journal, every stored event's detail page and its raw-data page: no 5xx (finding 13.5)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from kamri.cj.models import WebhookEvent

    user, _created = get_user_model().objects.get_or_create(
        username="bench-pages", defaults={"is_staff": True, "is_active": True}
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    paths = [reverse("cj:webhook_log"), reverse("admin:cj_webhookevent_changelist")]
    for pk in WebhookEvent.objects.values_list("pk", flat=True):
        paths += [reverse("cj:webhook_detail", args=[pk]), reverse("admin:cj_webhookevent_change", args=[pk])]
    errors = []
    for path in paths:
        status = client.get(path).status_code
        if status >= 500:
            errors.append(f"{path} {status}")
    return {"opened": len(paths), "server_errors": len(errors), "examples": errors[:5]}


def op_count_ids(*, ids: list[str]) -> dict:
    """How many of these messageIds are stored, and whether any is stored twice (duplicates excluded)."""
    from django.db.models import Count

    from kamri.cj.models import WebhookEvent

    rows = dict(
        WebhookEvent.objects.filter(message_id__in=ids).values_list("message_id").annotate(n=Count("id"))
    )
    return {
        "stored": len(rows),
        "stored_twice": sum(1 for n in rows.values() if n > 1),
        "lost": len(set(ids) - set(rows)),
    }


def op_security_crawl() -> dict:
    """Every admin URL of the security crawl, anonymous GET and POST: each must send to the login page."""
    from django.test import Client
    from django.urls import reverse

    try:
        from tests.security.crawl import admin_routes
    except ImportError:  # older layout
        from tests.test_security_crawl import admin_routes

    login = reverse("core:login")
    client = Client(raise_request_exception=False)
    unprotected = []
    paths = [route.path for route in admin_routes()]
    for path in paths:
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            if not (response.status_code == 302 and response.url.startswith(login)):
                unprotected.append(f"{method.upper()} {path} {response.status_code}")
    return {"urls_crawled": len(paths), "unprotected": len(unprotected), "examples": unprotected[:5]}


OPS: dict[str, Callable[..., object]] = {
    "setup": op_setup,
    "seed_storm": op_seed_storm,
    "storm_counts": op_storm_counts,
    "sweep_webhooks": op_sweep_webhooks,
    "verify_storm": op_verify_storm,
    "import_products": op_import_products,
    "paid_orders": op_paid_orders,
    "order_counts": op_order_counts,
    "sweep_orders": op_sweep_orders,
    "stock_sync_until_clean": op_stock_sync_until_clean,
    "verify_orders": op_verify_orders,
    "api_call_times": op_api_call_times,
    "cj_calls": op_cj_calls,
    "fuzz_counts": op_fuzz_counts,
    "count_ids": op_count_ids,
    "open_stored_pages": op_open_stored_pages,
    "security_crawl": op_security_crawl,
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["consumer"]:
        return _consumer_main(argv[1:])
    if argv[:1] == ["op"] and len(argv) == 3:
        return _op_main(argv[1], argv[2])
    print(__doc__)
    print(
        "This module is the harness of bench/reliability.py, bench/webhook_ingest.py and bench/cj_limiter.py."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
