"""`make run`: set up once, then run web server, Huey worker and CJ sandbox together in the foreground."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kamri.catalog.demo import load_demo_catalog
from kamri.cj.connection.demo import prepare_demo_connection, sandbox_command_args
from kamri.core.services.setup import ensure_admin, set_flag_once
from kamri.core.supervisor import Child, Supervisor
from kamri.orders.demo import load_demo_orders, prepare_demo_payments, register_local_webhook

SANDBOX_PORT = int(os.environ.get("CJ_SANDBOX_PORT", "8765"))
LOCALSTRIPE_PORT = int(os.environ.get("LOCALSTRIPE_PORT", "8420"))


class Command(BaseCommand):
    help = "Migrate, load demo data once, create the admin, then run web + worker + CJ sandbox (Ctrl-C stops all)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--no-sandbox", action="store_true", help="do not start the CJ sandbox")
        parser.add_argument(
            "--no-localstripe", action="store_true", help="do not start localstripe (fake Stripe)"
        )

    def handle(self, *args, port: int, no_sandbox: bool, no_localstripe: bool = False, **options):
        # Webhook URLs and e-mail links must point at this server, and Configuration offer this sandbox.
        os.environ.setdefault("KAMRI_PUBLIC_URL", f"http://127.0.0.1:{port}")
        os.environ.setdefault("CJ_SANDBOX_URL", f"http://127.0.0.1:{SANDBOX_PORT}/api2.0/v1/")
        os.environ.setdefault("LOG_LEVEL", "WARNING")  # a quiet console: warnings and errors, not every step
        settings.KAMRI_PUBLIC_URL = os.environ["KAMRI_PUBLIC_URL"].rstrip("/")
        settings.CJ_SANDBOX_URL = os.environ["CJ_SANDBOX_URL"]
        self.localstripe = not no_localstripe
        if self.localstripe:  # card payments against localstripe; the children read these at start
            os.environ.setdefault("KAMRI_STRIPE_API_BASE", f"http://127.0.0.1:{LOCALSTRIPE_PORT}")
            os.environ.setdefault("KAMRI_PAYMENT_PROVIDER", "stripe")
            settings.KAMRI_STRIPE_API_BASE = os.environ["KAMRI_STRIPE_API_BASE"]
        if not os.environ.get("EMAIL_URL"):
            os.environ.setdefault("KAMRI_EMAIL_FILE_PATH", str(Path(settings.VAR_DIR) / "mails"))
            self.stdout.write(
                f"E-mails : écrits dans {os.environ['KAMRI_EMAIL_FILE_PATH']} (un fichier par envoi)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self._load_demo_data()
        for line in self._prepare_integrations(no_sandbox):
            self.stdout.write(line)
        if self.localstripe:
            for line in prepare_demo_payments(api_base=settings.KAMRI_STRIPE_API_BASE):
                self.stdout.write(line)
        login = ensure_admin(password=os.environ.get("KAMRI_ADMIN_PASSWORD") or None)
        supervisor = Supervisor(self._children(port, no_sandbox), say=self.stderr.write)
        supervisor.start_all()
        if self.localstripe:
            self._register_localstripe_webhook()
        self._print_banner(port, login)
        sys.exit(supervisor.run())

    def _load_demo_data(self) -> None:
        if set_flag_once("demo-data-loaded"):
            products = load_demo_catalog()
            orders = load_demo_orders()
            self.stdout.write(f"Données de démonstration chargées : {products} produits, {orders} commandes.")

    def _prepare_integrations(self, no_sandbox: bool) -> list[str]:
        """The CJ connection of the demo, configured before the processes start (kamri.cj.connection.demo)."""
        if no_sandbox:
            return []
        return prepare_demo_connection(sandbox_url=f"http://127.0.0.1:{SANDBOX_PORT}")

    def _commands(self, port: int, no_sandbox: bool) -> list[tuple[str, list[str]]]:
        python = sys.executable
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        commands = [
            ("web", self._web_command(port)),
            (
                "worker",
                [python, manage, "run_huey", "--quiet", "--flush-locks"],
            ),  # a killed worker left locks
        ]
        sandbox_args = self._sandbox_args()
        if not no_sandbox and sandbox_args:
            commands.insert(0, ("cj-sandbox", [python, "-m", "cjsandbox", *sandbox_args]))
        if getattr(self, "localstripe", False):
            commands.insert(
                0,
                (
                    "localstripe",
                    [python, "-m", "kamri.orders.localstripe_local", "--port", str(LOCALSTRIPE_PORT)],
                ),
            )
        return commands

    def _register_localstripe_webhook(self) -> None:
        """localstripe keeps its webhooks in memory: tell it where to sign them to, once it listens."""
        for _attempt in range(50):
            try:
                register_local_webhook(
                    api_base=settings.KAMRI_STRIPE_API_BASE, public_url=settings.KAMRI_PUBLIC_URL
                )
                return
            except Exception:
                time.sleep(0.2)
        self.stderr.write("localstripe ne répond pas : les paiements par carte ne seront pas confirmés.")

    @staticmethod
    def _web_command(port: int) -> list[str]:
        """The production server (gunicorn; static files by WhiteNoise inside the app): `make run` is the
        first production run. No access log: the console shows the banner, warnings and errors."""
        return [
            str(Path(sys.executable).with_name("gunicorn")),
            "kamri.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            os.environ.get("WEB_CONCURRENCY", "2"),
            "--threads",
            "4",
            "--log-level",
            "warning",
            "--graceful-timeout",
            "5",
        ]

    def _sandbox_args(self) -> list[str]:
        if not (Path(settings.BASE_DIR) / "cjsandbox" / "__main__.py").exists():
            return []
        return sandbox_command_args(port=SANDBOX_PORT)

    def _children(self, port: int, no_sandbox: bool) -> list[Child]:
        # let the sandbox bind its port before the shop's first call
        return [
            Child(
                name,
                command,
                cwd=str(settings.BASE_DIR),
                start_pause=1.0 if name in ("cj-sandbox", "localstripe") else 0.0,
            )
            for name, command in self._commands(port, no_sandbox)
        ]

    def _print_banner(self, port: int, login) -> None:
        url = f"http://127.0.0.1:{port}"
        password = login.password or "(inchangé — définissez KAMRI_ADMIN_PASSWORD pour le changer)"
        self.stdout.write(
            self.style.SUCCESS(
                "\n"
                "  KAMRI est prêt.\n"
                f"  Boutique        : {url}/\n"
                f"  Administration  : {url}/admin/\n"
                f"  Identifiant     : {login.username}\n"
                f"  Mot de passe    : {password}\n"
                "  Ctrl-C arrête tout.\n"
            )
        )
