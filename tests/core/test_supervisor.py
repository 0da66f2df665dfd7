"""`make run`'s supervisor: a dead child is started again with a message; the others keep running."""

from __future__ import annotations

import os
import signal
import sys
import time

from kamri.core.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_child_is_restarted_with_a_message_and_the_others_keep_running():
    messages: list[str] = []
    web, worker = Child("web", SLEEPER), Child("worker", SLEEPER)
    supervisor = Supervisor([web, worker], say=messages.append)
    supervisor.start_all()
    try:
        web_pid, worker_pid = web.process.pid, worker.process.pid
        os.killpg(worker_pid, signal.SIGKILL)
        worker.process.wait()
        supervisor.check_once()
        assert _wait(lambda: (supervisor.check_once(), worker.alive)[1])
        assert worker.process.pid != worker_pid and worker.restarts == 1
        assert web.alive and web.process.pid == web_pid  # the web server was not stopped
        assert messages[0].startswith("worker s'est arrêté (code -9) ; redémarrage")
        assert messages[-1] == "worker redémarré (redémarrage n° 1)."
    finally:
        supervisor.terminate()
    assert not web.alive and not worker.alive


def test_a_child_that_keeps_dying_is_restarted_after_a_growing_pause():
    messages: list[str] = []
    crasher = Child("crasher", [sys.executable, "-c", "raise SystemExit(3)"])
    supervisor = Supervisor([crasher], say=messages.append)
    supervisor.start_all()
    try:
        crasher.process.wait()
        supervisor.check_once()
        assert crasher.backoff == 1.0 and crasher.restart_at is not None
        assert messages == ["crasher s'est arrêté (code 3) ; redémarrage dans 1 s."]
        assert _wait(lambda: (supervisor.check_once(), crasher.restarts == 1)[1], timeout=5)
        crasher.process.wait()
        supervisor.check_once()
        assert crasher.backoff == 2.0
    finally:
        supervisor.terminate()


def test_run_shop_supervises_every_child_it_builds():
    from kamri.shop.management.commands.run_shop import Command

    children = Command()._children(8600, no_sandbox=False)
    names = [child.name for child in children]
    assert {"web", "worker"} <= set(names)
    assert all(isinstance(child, Child) for child in children)


def test_make_run_serves_with_gunicorn_and_a_quiet_console():
    from django.conf import settings

    from kamri.shop.management.commands.run_shop import Command

    web = next(child for child in Command()._children(8600, no_sandbox=True) if child.name == "web")
    assert web.command[0].endswith("gunicorn") and "kamri.wsgi:application" in web.command
    assert "--access-logfile" not in web.command  # no line per request
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE  # static files by the app
    assert settings.LOGGING["loggers"]["django.request"]["level"] == "ERROR"  # a 404 is not console noise
