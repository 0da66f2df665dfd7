"""KAMRI settings: everything comes from environment variables with safe defaults.

The README's configuration table lists every variable read here.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("KAMRI_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _kept_secret(filename: str, make) -> str:
    """A development secret generated once and kept under var/ so restarts keep sessions."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _kept_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "huey.contrib.djhuey",
    "kamri.core",
    "kamri.catalog",
    "kamri.orders",
    "kamri.dashboard",
    "kamri.storefront",
    "kamri.legal",
    "kamri.aftersales",
    "kamri.cj",
    "kamri.shop",  # make run: the whole shop put together (imports every app, imported by none)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kamri.core.middleware.RejectNullBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kamri.core.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kamri.core.middleware.StaffOnlyAdminMiddleware",
    "kamri.core.middleware.AdminAuditMiddleware",
]

ROOT_URLCONF = "kamri.urls"
WSGI_APPLICATION = "kamri.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kamri.core.context_processors.shell",
                "kamri.storefront.context_processors.shop_frame",
            ],
        },
    },
]

# --- Database: SQLite (WAL, immediate transactions) by default, PostgreSQL via DATABASE_URL.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kamri.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    # Tests use a file too (not shared-cache memory), so the live server, workers and webhooks lock as in production.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_kamri.sqlite3")}
# Persistent connections on both engines: reopening SQLite per request (WAL pragmas, and a checkpoint when the
# last connection closes) cost more than the request itself.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background jobs: Huey on SQLite by default, Redis when REDIS_URL is given.
REDIS_URL = env.str("REDIS_URL", default="")
# Every key KAMRI writes to Redis (locks, the CJ rate limiter, the cache) starts with this prefix.
KAMRI_REDIS_PREFIX = env.str("KAMRI_REDIS_PREFIX", default="kamri")
HUEY_IMMEDIATE = env.bool("HUEY_IMMEDIATE", default=False)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": env.str("HUEY_NAME", default="kamri"),
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": env.int("HUEY_WORKERS", default=2), "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env.str("HUEY_NAME", default="kamri"),
        "filename": env.str("HUEY_SQLITE_PATH", default=str(VAR_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        # SQLite cannot wake the consumer, which polls: an idle consumer looks at least once a second (Huey's
        # default backs off to 10 s), so a webhook is processed within about a second, not ten.
        "consumer": {
            "workers": env.int("HUEY_WORKERS", default=2),
            "worker_type": "thread",
            "max_delay": env.float("HUEY_MAX_POLL_DELAY", default=1.0),
        },
    }

# --- Cache: Redis when available (shared by every process), else the database.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kamri.core.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": KAMRI_REDIS_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kamri_cache"}
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "core:login"

# --- i18n: French first, English available. Source strings are French, so French needs no catalogue.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language, everywhere (kamri/formats/<lang>/formats.py): 02/12/2026 14:05 · 2 Dec 2026, 14:05.
FORMAT_MODULE_PATH = ["kamri.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security defaults (HSTS and secure cookies only when TLS is on).
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
KAMRI_TLS = env.bool("KAMRI_TLS", default=False)
if KAMRI_TLS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- E-mail: console in development, SMTP via EMAIL_URL.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# `make run` writes e-mails as files under var/ (one file per message) instead of flooding the console.
if env.str("KAMRI_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("KAMRI_EMAIL_FILE_PATH")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="KAMRI <boutique@kamri.local>")

# --- KAMRI itself.
KAMRI_PUBLIC_URL = env.str("KAMRI_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
KAMRI_STORE_CURRENCY = env.str("KAMRI_STORE_CURRENCY", default="EUR").upper()
KAMRI_STORE_NAME = env.str("KAMRI_STORE_NAME", default="KAMRI")
# The seller as invoices name it (legal mentions): set them for a real shop.
KAMRI_SELLER_NAME = env.str("KAMRI_SELLER_NAME", default="KAMRI SAS")
KAMRI_SELLER_ADDRESS = env.str("KAMRI_SELLER_ADDRESS", default="10 rue de la Paix, 75002 Paris, France")
KAMRI_SELLER_SIRET = env.str("KAMRI_SELLER_SIRET", default="000 000 000 00000")
KAMRI_SELLER_VAT_NUMBER = env.str("KAMRI_SELLER_VAT_NUMBER", default="FR00000000000")
# Days the supplier takes to prepare a parcel before the carrier's transit days (the delivery window).
KAMRI_HANDLING_DAYS = env.int("KAMRI_HANDLING_DAYS", default=2)
# A payment's fee when the provider does not say it: percent of the amount + a fixed part (store currency).
KAMRI_PAYMENT_FEE_PERCENT = Decimal(env.str("KAMRI_PAYMENT_FEE_PERCENT", default="1.5"))
KAMRI_PAYMENT_FEE_FIXED = Decimal(env.str("KAMRI_PAYMENT_FEE_FIXED", default="0.25"))
# Fernet keys (comma-separated, newest first) for secrets at rest; generated once in development.
# kamri.core.checks reports a generated key under `check --deploy` (one copy of var/ lost = every secret lost).
KAMRI_ENCRYPTION_KEYS_GENERATED = not env.list("KAMRI_ENCRYPTION_KEYS", default=[])
KAMRI_ENCRYPTION_KEYS = env.list("KAMRI_ENCRYPTION_KEYS", default=[]) or [
    _kept_secret(
        "fernet.key", lambda: __import__("cryptography.fernet").fernet.Fernet.generate_key().decode()
    )
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "kamri.core.logging.RedactSecretsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # A 404 or a refused form is handled (the visitor reads a French page): not console noise; 5xx stay errors.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# --- CJ Dropshipping.
CJ_SANDBOX_URL = env.str("CJ_SANDBOX_URL", default="http://127.0.0.1:8765/api2.0/v1/")
CJ_PRODUCTION_URL = "https://developers.cjdropshipping.com/api2.0/v1/"
# Development only: let the Configuration page point KAMRI at a local or plain-http CJ address (another sandbox).
KAMRI_CJ_ALLOW_LOCAL_URLS = env.bool("KAMRI_CJ_ALLOW_LOCAL_URLS", default=False)
CJ_TIMEOUT_SECONDS = env.float("CJ_TIMEOUT_SECONDS", default=15.0)
# Bounded retries with exponential backoff and jitter for retryable CJ failures (network, 5xx, rate limit).
CJ_RETRY_ATTEMPTS = env.int("CJ_RETRY_ATTEMPTS", default=4)
CJ_RETRY_BASE_DELAY = env.float("CJ_RETRY_BASE_DELAY", default=0.5)
CJ_RETRY_MAX_DELAY = env.float("CJ_RETRY_MAX_DELAY", default=8.0)
# Tests only (tests/settings.py): one limiter rate for every account instead of the tier's. At CJ's 6 calls/s the
# suite waited ~2 s per test; tests of the limits run their own sandbox and stacks at the real rates. Never read
# from the environment, so no deployment can set it.
CJ_LIMITER_QPS_FOR_TESTS: float | None = None
CJ_ORDER_SYNC_MINUTES = env.int("CJ_ORDER_SYNC_MINUTES", default=30)
# A running job that saved no progress for this long was cut by a worker kill: the sweeper resumes or closes it.
KAMRI_JOB_STALE_MINUTES = env.int("KAMRI_JOB_STALE_MINUTES", default=10)
CJ_API_LOG_RETENTION_DAYS = env.int("CJ_API_LOG_RETENTION_DAYS", default=14)
# After-sales (kamri.aftersales): customers' photos live outside the web root, served only through views.
KAMRI_AFTERSALES_DIR = Path(env.str("KAMRI_AFTERSALES_DIR", default=str(VAR_DIR / "aftersales")))
KAMRI_AFTERSALES_MAX_PHOTOS = env.int("KAMRI_AFTERSALES_MAX_PHOTOS", default=5)
KAMRI_AFTERSALES_MAX_PHOTO_MB = env.int("KAMRI_AFTERSALES_MAX_PHOTO_MB", default=5)
# "Pas de nouvelles du transporteur depuis N jours": the e-mail to the customer of a parcel silent this long.
KAMRI_NO_CARRIER_NEWS_DAYS = env.int("KAMRI_NO_CARRIER_NEWS_DAYS", default=7)
# Payment provider of the checkout ("demo" confirms at once; see kamri/orders/payments.py).
KAMRI_PAYMENT_PROVIDER = env.str("KAMRI_PAYMENT_PROVIDER", default="demo")
# Stock taken by an unpaid order is held this long, then released (the order is cancelled).
KAMRI_STOCK_RESERVATION_MINUTES = env.int("KAMRI_STOCK_RESERVATION_MINUTES", default=30)
# Orders one visitor (client address, see KAMRI_PROXY_COUNT) may place per window.
KAMRI_CHECKOUT_MAX_ORDERS = env.int("KAMRI_CHECKOUT_MAX_ORDERS", default=10)
KAMRI_CHECKOUT_WINDOW_MINUTES = env.int("KAMRI_CHECKOUT_WINDOW_MINUTES", default=15)
# The demo provider lets anyone "pay": refused under production settings (KAMRI_TLS=1) unless allowed here.
KAMRI_ALLOW_DEMO_PAYMENTS = env.bool("KAMRI_ALLOW_DEMO_PAYMENTS", default=not KAMRI_TLS)
# Stripe: empty API base = the real Stripe; `make run` and the tests point it at localstripe (http://127.0.0.1:…).
KAMRI_STRIPE_API_BASE = env.str("KAMRI_STRIPE_API_BASE", default="").rstrip("/")
KAMRI_STRIPE_TIMEOUT_SECONDS = env.float("KAMRI_STRIPE_TIMEOUT_SECONDS", default=15.0)
KAMRI_STRIPE_RETRIES = env.int("KAMRI_STRIPE_RETRIES", default=2)

# ======================================================================================================
# --- Security (R4): login throttling, content security policy. Documented in docs/security.md.
# The defaults above (cookies, HSTS, X-Frame-Options, Referrer-Policy, nosniff) belong to the same story.
# ======================================================================================================
from datetime import timedelta  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["axes", "csp"]
# The CSP header is written right after the security middleware; Axes must come last (its documentation).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out (username, IP) before the password is checked
    "django.contrib.auth.backends.ModelBackend",
    "kamri.core.backends.OwnersMayUseTheRawAdmin",  # an invited owner uses Données brutes too (no superuser)
]

# Login throttling (django-axes): 5 failures of one username from one IP lock it for 15 minutes.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = env.bool("AXES_VERBOSE", default=False)  # no start-up banner per process on the console
AXES_LOCKOUT_CALLABLE = "kamri.core.security.lockout_response"  # the login page, in French, status 429
# The client IP is REMOTE_ADDR unless KAMRI_PROXY_COUNT trusted proxies add X-Forwarded-For in front of us:
# a spoofed X-Forwarded-For must not buy an attacker fresh attempts.
KAMRI_PROXY_COUNT = env.int("KAMRI_PROXY_COUNT", default=0)
if KAMRI_PROXY_COUNT > 0:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = KAMRI_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)


def _image_sources() -> list[str]:
    """Product images come from CJ's CDN (https) in production and from the sandbox (any local port) in the demo
    (never under KAMRI_TLS: kamri.core.checks reports a plain-http or local image source there)."""
    sources = [SELF, "data:", "https:"]
    sandbox = urlsplit(CJ_SANDBOX_URL)
    if sandbox.scheme == "http" and sandbox.hostname and not KAMRI_TLS:
        host = f"[{sandbox.hostname}]" if ":" in sandbox.hostname else sandbox.hostname
        sources.append(f"http://{host}:*")
    sources += env.list("KAMRI_CSP_IMG_SRC", default=[])
    return sources


def _stripe_sources() -> dict[str, list[str]]:
    """Exactly Stripe's origins (its CSP documentation) in production, the local localstripe in the demo."""
    if KAMRI_STRIPE_API_BASE:
        local = f"{urlsplit(KAMRI_STRIPE_API_BASE).scheme}://{urlsplit(KAMRI_STRIPE_API_BASE).netloc}"
        return {"script": [local], "connect": [local], "frame": []}
    return {
        "script": ["https://js.stripe.com", "https://*.js.stripe.com"],
        "connect": ["https://api.stripe.com"],
        "frame": ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"],
    }


_STRIPE_CSP = _stripe_sources()

# Content Security Policy (django-csp 4): scripts only from our own static files or carrying the request's
# nonce; inline style attributes are allowed (templates and SVG charts use them; styles cannot run code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_STRIPE_CSP["script"]],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": _image_sources(),
        "font-src": [SELF],
        "connect-src": [SELF, *_STRIPE_CSP["connect"]],
        "frame-src": [SELF, *_STRIPE_CSP["frame"]],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *env.list("KAMRI_CSP_FORM_ACTION", default=[])],
    },
}
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# --- End of the security section. ----------------------------------------------------------------------
