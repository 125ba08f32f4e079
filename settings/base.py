"""Settings for every environment, read from environment variables with defaults that run on a laptop.

Each variable is read once, here. A fresh clone runs with none set: SQLite file, local media folder,
a cache on disk shared by the processes of this machine, in-process tasks.
"""

import ipaddress
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "registry.apps.RegistryAdminConfig",  # django.contrib.admin, our site class
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc files, served by us (no CDN)
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "packages",
    "releases",
    "media_tools",
    "registry",
    "registry.web.apps.WebConfig",  # the web face: templates, template tags, static files
]

MIDDLEWARE = [
    # outermost: records marked answers with every header the others add (registry/common/replay.py)
    "registry.common.replay.ReplayMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "registry.security.ContentSecurityPolicyMiddleware",
    "registry.errors.FaceErrorMiddleware",
    "registry.faults.TransientFaultMiddleware",  # database/storage faults: 503 in the face's format
    "registry.security.RefuseNulMiddleware",
    "registry.security.QueryStringLimitMiddleware",  # 414 past 4096 bytes, on every face
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.locale.WebLocaleMiddleware",  # web pages in the visitor's language (en, de)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): passed a second factor
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"
ASGI_APPLICATION = "registry.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # the admin's templates first: they extend Django's admin pages of the same names
        "DIRS": [
            BASE_DIR / "registry" / "admin" / "templates",
            BASE_DIR / "registry" / "schema" / "templates",
        ],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registry.web.context_processors.site",
                "registry.web.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; a busy timeout turns lock contention into waiting.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The search's typo matching (packages/search.py): pg_trgm's `<%` at a word similarity of 0.5
    # instead of 0.6 finds swapped letters ("lantren" for lantern is 0.5).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Refuses suspended accounts at login with an explanation, and ends their open sessions.
AUTHENTICATION_BACKENDS = ["accounts.backends.SuspensionAwareBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"

# Two-factor authentication (accounts/two_factor.py): the name authenticator apps show, and seeds
# never shown in the admin.
OTP_TOTP_ISSUER = urlsplit(SITE_URL).hostname or "Lua Registry"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en"
# The web face's languages; the catalogue is locale/<code>/LC_MESSAGES/django.po (and its .mo,
# committed). tests/web/test_translations.py fails on any msgid left untranslated or fuzzy.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["registry.formats"]  # dates and numbers per language (registry/formats/)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/uploads/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

STORAGES = {
    "default": {
        "BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        # e.g. {"bucket_name": "...", "endpoint_url": "..."} for django-storages' S3Storage
        "OPTIONS": json.loads(os.environ.get("STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Caches (docs/security.md "Resource abuse"). Two aliases:
# - "default": built manifests, package lists and rendered text. Redis with CACHE_URL (several app
#   servers; bound it with Redis' own `maxmemory` and an `allkeys-lru` policy); otherwise a cache on
#   disk that every process of this machine shares (so a write is seen by every worker at once),
#   bounded to CACHE_MAX_BYTES, the entries stored longest ago dropped first.
# - "counters": failed authentications, log-in failures, uploads per account, per-address limits.
#   Never evicted while live, so no flood of cached answers can reset them: a store on disk shared
#   by this machine's processes, or COUNTERS_CACHE_URL, a Redis that must not evict (its own
#   server, or one with `maxmemory-policy noeviction`).
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "var" / "cache"))
CACHE_MAX_BYTES = int(os.environ.get("CACHE_MAX_BYTES", str(256 * 1024 * 1024)))


def disk_cache(directory: Path, *, max_bytes: int | None) -> dict:
    """A diskcache store in `directory` (registry/cache_backends.py); `max_bytes=None` never evicts
    a live entry (expired ones are still removed as new ones are written)."""
    return {
        "BACKEND": "registry.cache_backends.SharedDiskCache",
        "LOCATION": str(directory),
        "SHARDS": 4,  # writers of different keys rarely wait for each other
        "DATABASE_TIMEOUT": 0.25,  # seconds a writer waits for another's lock before retrying
        "OPTIONS": {
            "size_limit": max_bytes or 2**62,
            "eviction_policy": "least-recently-stored" if max_bytes else "none",
        },
    }


def redis_cache(url: str) -> dict:
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


_cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
_counters_url = os.environ.get("COUNTERS_CACHE_URL")
CACHES = {
    "default": (
        redis_cache(_cache_url)
        if _cache_url
        else disk_cache(CACHE_DIR / "shared", max_bytes=CACHE_MAX_BYTES)
    ),
    "counters": (
        redis_cache(_counters_url)
        if _counters_url
        else disk_cache(CACHE_DIR / "counters", max_bytes=None)
    ),
}

# With Redis, each process keeps its own view of the generations and pointers that prove a cached
# answer current, so a hot read costs no round trip (media_tools/shared_view.py): bumps arrive by
# Redis pub/sub at once, and no value older than CACHE_FRESHNESS_MS is trusted, so a write on one
# server is served by every other within that bound even if a message is lost. 0: ask Redis each time.
CACHE_FRESHNESS_MS = int(os.environ.get("CACHE_FRESHNESS_MS", "1000"))

# Tasks run in-process by default; TASK_BACKEND=database queues them for `manage.py db_worker`.
_task_backends = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = os.environ.get("TASK_BACKEND", "immediate")
if _task_backend not in _task_backends:
    raise ImproperlyConfigured(f"TASK_BACKEND must be one of {sorted(_task_backends)}.")
TASKS = {"default": {"BACKEND": _task_backends[_task_backend]}}

# Counted downloads are written in batches (releases/download_counts.py): each process hands its
# pending counts over every DOWNLOADS_FLUSH_SECONDS (0: only `manage.py flush_downloads` and exit).
# A crash of a process (SIGKILL) loses at most that many seconds of its counted downloads.
DOWNLOADS_FLUSH_SECONDS = float(os.environ.get("DOWNLOADS_FLUSH_SECONDS", "5"))

# The console default suits a laptop; `check --deploy` refuses it (and every backend that delivers
# nothing) with DEBUG off, since password-reset links would go to the server's log (accounts/checks.py).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "registry@localhost")
# for the SMTP backend (Django's defaults: localhost:25, no login, no TLS)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Upload limits in bytes, per kind of file; each route's request body may be the file's limit plus
# 64 KiB of multipart envelope (registry/common/body_limits.py, registry/errors.py: 413 above it).
# MAX_UPLOAD_SIZE: rocks (luarocks.org's nginx cap, 15 MiB) and every body without a limit of its own.
# Release zips: ContentDB refuses a git archive over 100 MB and content over 300 MB unpacked.
_MiB = 1024 * 1024
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(15 * _MiB)))
MAX_RELEASE_ZIP_SIZE = int(os.environ.get("MAX_RELEASE_ZIP_SIZE", str(100 * _MiB)))
MAX_RELEASE_UNPACKED_SIZE = int(os.environ.get("MAX_RELEASE_UNPACKED_SIZE", str(300 * _MiB)))
MAX_SCREENSHOT_SIZE = int(os.environ.get("MAX_SCREENSHOT_SIZE", str(10 * _MiB)))
MAX_ROCKSPEC_UPLOAD_SIZE = int(os.environ.get("MAX_ROCKSPEC_UPLOAD_SIZE", str(1 * _MiB)))
# Non-file data read into memory (JSON bodies, form fields): the default body limit, never the big
# file limits; file parts stream to temporary files above 2.5 MiB, so a 100 MiB zip is never whole
# in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_SIZE + _MiB
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Abuse limits, counted in the "counters" cache: (count, window in seconds). Failed key/token
# authentications and hypertext conversions per client address (registry/common/ratelimit.py); uploads
# per account, on every entry point (media_tools/limits.py).
RATELIMIT_FAILED_AUTHS = (int(os.environ.get("RATELIMIT_FAILED_AUTHS", "20")), 300)
RATELIMIT_UPLOADS = (int(os.environ.get("RATELIMIT_UPLOADS", "60")), 3600)
RATELIMIT_HYPERTEXT = (int(os.environ.get("RATELIMIT_HYPERTEXT", "10")), 60)
RATELIMIT_THREAD_POSTS = (int(os.environ.get("RATELIMIT_THREAD_POSTS", "20")), 600)
# Behind a proxy, the header carrying the client address (e.g. HTTP_X_REAL_IP); empty: REMOTE_ADDR.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")

# Git imports (releases/git_imports.py). URL schemes a git release may be imported from (https,
# http; tests add "file"); networks allowed although not public (e.g. an internal git server,
# "10.0.0.0/8"); and the seconds one import may take in all. The immediate task backend imports
# inside the request, so keep the timeout well below gunicorn's worker timeout (30 s by default).
GIT_IMPORT_ALLOWED_SCHEMES = env_list("GIT_IMPORT_ALLOWED_SCHEMES", ["https"])
GIT_IMPORT_PERMITTED_NETWORKS = [
    str(ipaddress.ip_network(network, strict=False))
    for network in env_list("GIT_IMPORT_PERMITTED_NETWORKS", [])
]
GIT_IMPORT_TIMEOUT = int(os.environ.get("GIT_IMPORT_TIMEOUT", "20"))

# The operator's imports (`manage.py import_rocks`, `import_contentdb`, docs/operations.md): the URL
# schemes they may fetch from (the git import's address rules and GIT_IMPORT_PERMITTED_NETWORKS
# apply too), and the seconds one socket operation may take (a whole file: twice that).
IMPORT_URL_SCHEMES = env_list("IMPORT_URL_SCHEMES", ["https"])
IMPORT_FETCH_TIMEOUT = int(os.environ.get("IMPORT_FETCH_TIMEOUT", "60"))
# Releases that make themselves (releases/updates.py, docs/protocols/contentdb.md "Update detection").
# Polling: a repository is checked at most every UPDATE_CHECK_INTERVAL_HOURS, by at most
# UPDATE_CHECK_CONCURRENCY `git ls-remote` at once, one host at a time with UPDATE_CHECK_HOST_DELAY
# seconds between its repositories; UPDATE_CHECK_MAX_FAILURES failures in a row pause it.
UPDATE_CHECK_INTERVAL_HOURS = float(os.environ.get("UPDATE_CHECK_INTERVAL_HOURS", "6"))
UPDATE_CHECK_CONCURRENCY = int(os.environ.get("UPDATE_CHECK_CONCURRENCY", "4"))
UPDATE_CHECK_HOST_DELAY = float(os.environ.get("UPDATE_CHECK_HOST_DELAY", "2"))
UPDATE_CHECK_MAX_FAILURES = int(os.environ.get("UPDATE_CHECK_MAX_FAILURES", "5"))
# Webhooks: the key the per-package secrets are derived from (changing it invalidates every
# webhook secret), the largest body read, and how long a delivery id is remembered against replays.
WEBHOOK_SECRET_KEY = os.environ.get("WEBHOOK_SECRET_KEY") or SECRET_KEY
WEBHOOK_MAX_BODY = int(os.environ.get("WEBHOOK_MAX_BODY", str(2 * 1024 * 1024)))
WEBHOOK_DELIVERY_MEMORY_DAYS = int(os.environ.get("WEBHOOK_DELIVERY_MEMORY_DAYS", "30"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "registry.parsers.SafeJSONParser",  # deep nesting and lone surrogates are a 400, not a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lua Registry API",
    "DESCRIPTION": "The LuaRocks upload API and the ContentDB API, served by one registry.",
    "VERSION": "1.0.0",
    # Both faces are declared per face in registry/schema/ (plain Django views and per-method
    # dispatchers cannot be introspected).
    "PREPROCESSING_HOOKS": ["registry.schema.hooks.no_introspection"],
    "POSTPROCESSING_HOOKS": ["registry.schema.hooks.declared_operations"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Production hardening, active when DEBUG is off (`manage.py check --deploy`).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    _https = SITE_URL.startswith("https://")
    SESSION_COOKIE_SECURE = _https
    CSRF_COOKIE_SECURE = _https
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
    # LuaSocket does not follow redirects for POST and older luarocks clients speak plain http
    # (docs/protocols/luarocks.md trap 3): the API, manifests and files answer on both schemes.
    SECURE_REDIRECT_EXEMPT = [
        r"^api/",
        r"^manifest",
        r"^dev/",
        r"^manifests/",
        r"^[^/]+\.rock(spec)?$",
    ]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if _https else "0"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
    SECURE_HSTS_PRELOAD = _https

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # API keys travel in URL paths and tokens can land in queries; Django, runserver and gunicorn
    # log paths. Every record is redacted when it is made (registry/redaction.py, installed by
    # registry.apps); this filter also redacts the request that error reports print.
    "filters": {"redact_secrets": {"()": "registry.redaction.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["redact_secrets"]},
        # Django's own runserver logger, redefined only to add the filter
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_secrets"],
        },
    },
}
