"""Tongxin settings: one file, every option from the environment, safe by default.

`.env.example` lists every variable. DEBUG is off unless the environment sets DEBUG=1
(development: `make run` and the test suite set it). With DEBUG off the product refuses to
start with a weak secret key (the development key, or one Django's deploy check calls weak) or
without allowed hosts.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-insecure-tongxin-secret-key-change-me"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def secret_key_is_weak(key: str) -> bool:
    """What `check --deploy` calls weak (security.W009), or the development key."""
    return (
        key == DEV_SECRET_KEY
        or len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )


# Off unless the environment says DEBUG=1: development only (make run, the test suite).
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The key that seals secret ballots while a poll is open (docs/ballots.md). Never stored in
# the database; unset, it is derived from SECRET_KEY (also outside the database).
BALLOT_KEY = env_str("BALLOT_KEY", "")
# The keys BALLOT_KEY replaced (comma-separated), tried when a sealed ballot does not open
# with it: rotate the key while a poll is open without losing its ballots; drop them once
# every poll sealed with them has closed.
BALLOT_KEY_PREVIOUS = [k for k in env_str("BALLOT_KEY_PREVIOUS", "").split(",") if k.strip()]

if not DEBUG and secret_key_is_weak(SECRET_KEY):
    raise ImproperlyConfigured(
        "Refusing to start with DEBUG off and a weak SECRET_KEY (unset, the development key, "
        f"shorter than {SECRET_KEY_MIN_LENGTH} characters, fewer than "
        f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters or starting with "
        f"'{SECRET_KEY_INSECURE_PREFIX}'): set SECRET_KEY to a random value, e.g. "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(64))'. "
        "For development set DEBUG=1."
    )
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Refusing to start with DEBUG off and no ALLOWED_HOSTS.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",  # its Swagger UI assets, served locally (no CDN on court intranets)
    "django_tasks",
    "django_tasks_db",
    "tongxin.core",
    "tongxin.orgs",
    "tongxin.people",
    "tongxin.accounts",
    "tongxin.transfer",
    "tongxin.meetings",
    "tongxin.answers",
    "tongxin.evaluation",
    "tongxin.discipline",
    "tongxin.care",
    "tongxin.dashboards",
    "tongxin.trial",
    "tongxin.inbox",
    "tongxin.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "tongxin.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tongxin.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tongxin.core.context_processors.tongxin",
                "tongxin.people.context_processors.people",
                "tongxin.inbox.context_processors.inbox",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while a worker or an import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    # A background import holds the write lock for a while: other writers (a sign-in) wait
    # rather than fail after SQLite's default 5 s. PostgreSQL locks rows, not the database.
    DATABASES["default"]["OPTIONS"]["timeout"] = env_int("SQLITE_TIMEOUT", 30)
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# The court tree's model, named here so that core (the audit log) imports no domain app.
TONGXIN_COURT_MODEL = "orgs.Court"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lock-out: this many consecutive failures lock an account for LOCKOUT_MINUTES.
LOCKOUT_THRESHOLD = env_int("LOCKOUT_THRESHOLD", 5)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: an import's file may have at most this many bytes (32 MB: about 400,000 people
# rows; docs/import-formats.md). Other request bodies stay bounded on their own, and an upload
# larger than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to a temporary file, not held in memory.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 11 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default"],
    }
}
# Imports with at least this many rows to write commit in the background task.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 500)
# Bounds checked before an uploaded workbook is parsed (a 400 KB file can unpack to gigabytes).
# (400 MB: a sheet of 400,000 people rows as openpyxl writes it; the reader streams it.)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
IMPORT_MAX_SHARED_STRINGS = env_int("IMPORT_MAX_SHARED_STRINGS", 1_000_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 32_767)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
# A committing batch's lease: renewed by its worker; once expired the batch can be taken back.
IMPORT_LEASE_SECONDS = env_int("IMPORT_LEASE_SECONDS", 60)
# Exports: an .xlsx export of more rows than this is prepared by the background worker (CSV
# always streams). Its files live under EXPORT_ROOT (never served directly: only their owner
# downloads them, through the product) for EXPORT_KEEP_DAYS days; a job running for longer
# than EXPORT_STALE_MINUTES is taken to be interrupted (its worker was killed).
EXPORT_INLINE_ROWS = env_int("EXPORT_INLINE_ROWS", 20_000)
EXPORT_ROOT = Path(env_str("EXPORT_ROOT") or BASE_DIR / "var" / "exports")
EXPORT_KEEP_DAYS = env_int("EXPORT_KEEP_DAYS", 7)
# The trial app's Parquet case store (tongxin/trial/store.py): partitioned by year and province.
CASE_STORE_ROOT = Path(env_str("CASE_STORE_ROOT") or BASE_DIR / "var" / "case_store")
EXPORT_STALE_MINUTES = env_int("EXPORT_STALE_MINUTES", 60)
# The cache carries task progress between the worker and the web process (never the database:
# the worker's write transaction would hide it). Several app servers need a shared location
# or a shared cache (e.g. CACHE_BACKEND=django.core.cache.backends.memcached.PyMemcacheCache).
CACHES = {
    "default": {
        "BACKEND": env_str("CACHE_BACKEND")
        or "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_LOCATION") or str(BASE_DIR / "var" / "cache"),
    }
}

# Security: strict by default, relaxed only for plain-HTTP development.
# A session lasts a working day from sign-in (SESSION_HOURS), and by default also ends when
# the browser closes (SESSION_EXPIRE_AT_BROWSER_CLOSE=0 keeps it across browser restarts).
SESSION_HOURS = env_int("SESSION_HOURS", 9)
if SESSION_HOURS < 1:
    raise ImproperlyConfigured("SESSION_HOURS must be a whole number of hours, at least 1.")
SESSION_COOKIE_AGE = SESSION_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Tongxin: the demo password printed by `make run`; demo accounts are created by seed_demo.
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "tongxin-demo-2026")
PAGE_SIZE = env_int("PAGE_SIZE", 50)
# Lists count their rows up to this many ("more than 10,000"): an exact count of a national
# list would read all of it on every page.
LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 10_000)
# The first month the dues ledger counts (YYYY-MM): unpaid months before it are not arrears
# (the Party office's paper records cover them).
DUES_LEDGER_START = env_str("DUES_LEDGER_START", "2026-01")
# Probation: conversion no earlier than PROBATION_MONTHS after joining, and no later than
# PROBATION_MAX_MONTHS (one extension of up to a year); conversions due within
# PROBATION_DUE_DAYS are listed by the health check.
PROBATION_MONTHS = env_int("PROBATION_MONTHS", 12)
PROBATION_MAX_MONTHS = env_int("PROBATION_MAX_MONTHS", 24)
PROBATION_DUE_DAYS = env_int("PROBATION_DUE_DAYS", 30)

# Inbox and e-mail (tongxin.inbox): notices are e-mailed once, as one digest per user, by the
# periodic job (`manage.py inbox_tick`, or the self-scheduling background task started by
# `manage.py inbox_schedule`). The demo prints mail on the console; production sets SMTP.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tongxin@localhost")
# How links in e-mails and calendar feeds start (the product's address on the court intranet).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
INBOX_EMAIL = env_bool("INBOX_EMAIL", True)
INBOX_TICK_SECONDS = env_int("INBOX_TICK_SECONDS", 300)
