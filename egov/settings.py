"""Settings of the egov platform: one module, every value from an environment
variable with a default that runs on one machine (SQLite, local files, the
database-backed task queue). docs/operations.md lists every variable."""

from __future__ import annotations

from pathlib import Path

from egov.env import database_from_url, env_bool, env_int, env_list, env_str, sqlite_database

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("EGOV_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("EGOV_DEBUG", False)
SECRET_KEY = env_str("EGOV_SECRET_KEY", "insecure-dev-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("EGOV_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("EGOV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "egov.core",
    "egov.directory",
    "egov.workdays",
    "egov.catalog",
    "egov.dossiers",
    "egov.payments",
    "egov.signing",
    "egov.portal",
    "egov.notifications",
    "egov.registries",
    "egov.gateway",
    "egov.messagelog",
    "egov.national",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "egov.core.middleware.RequestContextMiddleware",
    "egov.core.inputs.RejectNulMiddleware",
    "egov.core.middleware.ContentSecurityPolicyMiddleware",
    "egov.core.uploads.UploadLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after the user is known: an idle session is logged out before anything uses it.
    "egov.core.idle.IdleTimeoutMiddleware",
    "egov.core.nostore.NoStoreForAuthenticatedMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egov.core.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egov.urls"
WSGI_APPLICATION = "egov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "egov" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov.core.context_processors.languages",
            ],
        },
    },
]

_database_url = env_str("DATABASE_URL", "")
if not _database_url:
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file lives here
DATABASES = {
    "default": database_from_url(_database_url)
    if _database_url
    else sqlite_database(str(VAR_DIR / "egov.sqlite3"))
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The dossier queue indexes carry extra columns (INCLUDE) on PostgreSQL; SQLite builds
# them without, as intended (egov/dossiers/models.py, Dossier.Meta.indexes).
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first: it refuses locked-out credentials before any check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# National single sign-on (OpenID Connect) and applicants' local accounts (docs/portal-accounts.md).
from egov.portal.sso_settings import *  # noqa: E402, F403
from egov.registries.settings import *  # noqa: E402, F403

AUTHENTICATION_BACKENDS += PORTAL_AUTHENTICATION_BACKENDS  # noqa: F405
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The client's address: REMOTE_ADDR, or with N reverse proxies in front (each appending
# to X-Forwarded-For) the Nth entry from the right (egov/core/clientip.py). Everything
# that reads the client's address (throttles, lockout, audit) reads it there.
EGOV_TRUSTED_PROXIES = env_int("EGOV_TRUSTED_PROXIES", 0)

# Django's cache framework, shared by every web process and machine when
# EGOV_REDIS_URL (or EGOV_CACHE_URL) names a Redis server.
# "default": rate-limit counters and Django's own uses; without Redis, the database
# cache (its table is created by a migration of egov.core), so that counters are the
# same for every process.
# "reference": the published catalogue (egov/catalog/cache.py, versioned keys): local
# memory per process without Redis (it only holds immutable published versions).
_cache_url = env_str("EGOV_CACHE_URL", "") or env_str("EGOV_REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "egov",
    }
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "egov_cache",
        # Culling drops counters: keep room for many addresses before it starts.
        "OPTIONS": {"MAX_ENTRIES": env_int("EGOV_CACHE_MAX_ENTRIES", 50_000)},
    },
    "reference": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
        "KEY_PREFIX": "egov-reference",
    }
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "egov-reference",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}

# Lockout after repeated failures (django-axes, egov/core/lockout.py): per user name
# across addresses, and per address across user names with a higher threshold (one
# address trying many names: password spraying).
AXES_ENABLED = env_bool("EGOV_AXES_ENABLED", True)
AXES_HANDLER = "egov.core.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = env_int("EGOV_LOGIN_FAILURE_LIMIT", 5)
EGOV_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("EGOV_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("EGOV_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_CLIENT_IP_CALLABLE = "egov.core.clientip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Rate limits (DRF throttles on the shared cache; egov/core/throttling.py). The public
# look-up per address; failed proofs of a look-up and password-reset requests under
# stricter ones. A general per-account / per-address API limit is off unless set.
EGOV_RATE_PUBLIC_LOOKUP = env_str("EGOV_RATE_PUBLIC_LOOKUP", "60/min")
EGOV_RATE_LOOKUP_PROOF_FAILURES = env_str("EGOV_RATE_LOOKUP_PROOF_FAILURES", "10/hour")
EGOV_RATE_LOOKUP_PROOF_FAILURES_PER_CODE = env_str(
    "EGOV_RATE_LOOKUP_PROOF_FAILURES_PER_CODE", "20/day"
)
EGOV_RATE_PASSWORD_RESET = env_str("EGOV_RATE_PASSWORD_RESET", "5/hour")
EGOV_API_RATE_USER = env_str("EGOV_API_RATE_USER", "")
EGOV_API_RATE_ANON = env_str("EGOV_API_RATE_ANON", "")

# A session unused for this long is logged out (egov/core/idle.py).
EGOV_IDLE_TIMEOUT_MINUTES = env_int("EGOV_IDLE_TIMEOUT_MINUTES", 30)

# E-mail (password reset links): SMTP, by default to the local catcher that `make run`
# starts (fakes/smtp.py).
EMAIL_BACKEND = env_str("EGOV_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EGOV_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("EGOV_EMAIL_PORT", 8025)
EMAIL_HOST_USER = env_str("EGOV_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("EGOV_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EGOV_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("EGOV_EMAIL_TIMEOUT_SECONDS", 10)
DEFAULT_FROM_EMAIL = env_str("EGOV_EMAIL_FROM", "egov <no-reply@egov.localhost>")
# The reset link is valid this long (Django's default is three days).
PASSWORD_RESET_TIMEOUT = env_int("EGOV_PASSWORD_RESET_SECONDS", 3600)
# SMS (password reset codes): JSON POST to this gateway, by default the local catcher
# that `make run` starts (fakes/sms.py).
EGOV_SMS_URL = env_str("EGOV_SMS_URL", "http://127.0.0.1:8026/messages")
EGOV_SMS_TIMEOUT_SECONDS = env_int("EGOV_SMS_TIMEOUT_SECONDS", 10)
# Online payment (docs/payments.md): the provider class, the platform's address (by
# default the local fake platform `make run` starts, fakes/payment.py), our partner code
# (MaDoiTac), the shared key of the checksums (MaXacThuc), and reconciliation.
EGOV_PAYMENT_PROVIDER = env_str("EGOV_PAYMENT_PROVIDER", "egov.payments.providers.NationalPlatform")
EGOV_PAYMENT_URL = env_str("EGOV_PAYMENT_URL", "http://127.0.0.1:8027")
EGOV_PAYMENT_PARTNER = env_str("EGOV_PAYMENT_PARTNER", "EGOV-DEMO")
EGOV_PAYMENT_KEY = env_str("EGOV_PAYMENT_KEY", "egov-demo-payment-key")
EGOV_PAYMENT_TIMEOUT_SECONDS = env_int("EGOV_PAYMENT_TIMEOUT_SECONDS", 15)
EGOV_PAYMENT_RECONCILE_AFTER_SECONDS = env_int("EGOV_PAYMENT_RECONCILE_AFTER_SECONDS", 120)
EGOV_PAYMENT_RECONCILE_SECONDS = env_int("EGOV_PAYMENT_RECONCILE_SECONDS", 60)
EGOV_SMS_PROVIDER = env_str("EGOV_SMS_PROVIDER", "egov.core.sms.JsonHttpGateway")  # core/sms.py
EGOV_SMS_UNICODE = env_bool("EGOV_SMS_UNICODE", False)  # notifications unaccented unless True
EGOV_NOTIFY_CHANNELS = env_list("EGOV_NOTIFY_CHANNELS", ["email", "sms"])  # docs/notifications.md
# The links in e-mails start with this (the host of the request otherwise).
EGOV_PUBLIC_URL = env_str("EGOV_PUBLIC_URL", "")

OTP_TOTP_ISSUER = env_str("EGOV_OTP_ISSUER", "egov")

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "egov" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Stored files (scans, results) are private: no URL serves MEDIA_ROOT (MEDIA_URL stays
# unset); they go out through views that check access and audit (egov.core.files).
MEDIA_ROOT = Path(env_str("EGOV_MEDIA_ROOT", str(VAR_DIR / "media")))
# How a permitted file leaves: "django" (the process streams it), "x-accel-redirect"
# (nginx, from the internal location EGOV_FILE_ACCEL_PREFIX), "x-sendfile", or
# "signed-url" (files in S3-compatible object storage, a redirect to a short-lived
# signed URL of it).
EGOV_FILE_DELIVERY = env_str("EGOV_FILE_DELIVERY", "django")
if EGOV_FILE_DELIVERY not in ("django", "x-accel-redirect", "x-sendfile", "signed-url"):
    raise ValueError(
        "EGOV_FILE_DELIVERY must be django, x-accel-redirect, x-sendfile or signed-url, "
        f"got {EGOV_FILE_DELIVERY!r}"
    )
EGOV_FILE_ACCEL_PREFIX = env_str("EGOV_FILE_ACCEL_PREFIX", "/protected-files/")
EGOV_FILE_URL_SECONDS = env_int("EGOV_FILE_URL_SECONDS", 60)
# Upload limits, checked before and while a body is read (egov.core.uploads) and per
# dossier (dossiers.rules.check_dossier_files).
EGOV_UPLOAD_MAX_FILE_BYTES = env_int("EGOV_UPLOAD_MAX_FILE_BYTES", 20 * 1024 * 1024)
EGOV_UPLOAD_MAX_REQUEST_BYTES = env_int("EGOV_UPLOAD_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
EGOV_DOSSIER_MAX_FILE_BYTES = env_int("EGOV_DOSSIER_MAX_FILE_BYTES", 200 * 1024 * 1024)
# A body that is not multipart (JSON, forms): Django's own limit, refused by length first.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("EGOV_MAX_BODY_BYTES", 2_621_440)
FILE_UPLOAD_HANDLERS = [
    "egov.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if EGOV_FILE_DELIVERY == "signed-url":
    # A private bucket: nothing in it is readable without a signed URL, and each URL
    # the file view hands out lives EGOV_FILE_URL_SECONDS.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("EGOV_S3_BUCKET", "egov-files"),
            "endpoint_url": env_str("EGOV_S3_ENDPOINT_URL") or None,
            "region_name": env_str("EGOV_S3_REGION", "us-east-1"),
            "access_key": env_str("EGOV_S3_ACCESS_KEY") or None,
            "secret_key": env_str("EGOV_S3_SECRET_KEY") or None,
            "querystring_auth": True,
            "querystring_expire": EGOV_FILE_URL_SECONDS,
            "file_overwrite": False,
            "default_acl": "private",
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }
# Served by the application itself so that one machine needs no web server in front.
SERVE_STATIC = env_bool("EGOV_SERVE_STATIC", True)

# Security: secure cookies and headers. HTTPS-only settings switch on with EGOV_HTTPS.
HTTPS = env_bool("EGOV_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("EGOV_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "egov.core.sessions"
SESSION_COOKIE_AGE = env_int("EGOV_SESSION_SECONDS", 8 * 3600)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "egov.core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "egov.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "egov.core.api.exception_handler",
    # Depth and size limits on JSON, bounded limit/offset (egov/core/inputs.py).
    "DEFAULT_PARSER_CLASSES": [
        "egov.core.inputs.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "egov.core.inputs.Pagination",
    "PAGE_SIZE": 50,
    # Each does nothing (no cache access) while its rate setting is empty.
    "DEFAULT_THROTTLE_CLASSES": [
        "egov.core.throttling.AccountRateThrottle",
        "egov.core.throttling.AddressRateThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "egov API",
    "DESCRIPTION": "API of the egov e-government platform (one-stop shop, public services).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "egov.core.openapi.drop_storage_integer_bounds",
    ],
}

# Background work: Django's tasks API with the database backend by default.
TASKS = {
    "default": {
        "BACKEND": env_str("EGOV_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "outbox"],
    }
}

# Audit log: number of independent hash chains (see docs/decisions/0002-audit-chain.md).
AUDIT_PARTITIONS = env_int("EGOV_AUDIT_PARTITIONS", 16)
# Keys of the audit's keyed hashes, never in the database (egov/core/audit_keys.py):
# inline "id:hex,..." or a key file (created on first use when missing).
AUDIT_KEY = env_str("EGOV_AUDIT_KEY", "")
AUDIT_KEY_FILE = Path(env_str("EGOV_AUDIT_KEY_FILE", str(VAR_DIR / "audit-key")))
# Signed checkpoints of every chain head, appended outside the database
# (docs/decisions/0008-audit-anchored.md); written every AUDIT_CHECKPOINT_SECONDS by
# `manage.py serve` (0: only by `manage.py audit_checkpoint`).
AUDIT_CHECKPOINT_PATH = Path(
    env_str("EGOV_AUDIT_CHECKPOINT_PATH", str(VAR_DIR / "audit-checkpoints.jsonl"))
)
AUDIT_CHECKPOINT_SECONDS = env_int("EGOV_AUDIT_CHECKPOINT_SECONDS", 600)
# Decree 118/2025 art. 11: a supplement may be requested once per dossier.
SUPPLEMENT_REQUESTS_MAX = env_int("EGOV_SUPPLEMENT_REQUESTS_MAX", 1)
# Outbox relay: retries with exponential backoff, then dead.
OUTBOX_MAX_ATTEMPTS = env_int("EGOV_OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = env_int("EGOV_OUTBOX_BACKOFF_SECONDS", 5)
OUTBOX_BACKOFF_MAX_SECONDS = env_int("EGOV_OUTBOX_BACKOFF_MAX_SECONDS", 3600)
OUTBOX_LEASE_SECONDS = env_int("EGOV_OUTBOX_LEASE_SECONDS", 120)
OUTBOX_BATCH_SIZE = env_int("EGOV_OUTBOX_BATCH_SIZE", 50)
# A worker is considered alive when its heartbeat is younger than this.
WORKER_HEARTBEAT_MAX_AGE_SECONDS = env_int("EGOV_WORKER_HEARTBEAT_MAX_AGE", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "egov.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("EGOV_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step (and its own stylesheet at import) at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Data-sharing gateway (LGSP), docs/gateway.md: tokens, proxy limits, breaker, monitor.
EGOV_GATEWAY_TOKEN_SECONDS = env_int("EGOV_GATEWAY_TOKEN_SECONDS", 300)
EGOV_GATEWAY_CONNECT_TIMEOUT_MS = env_int("EGOV_GATEWAY_CONNECT_TIMEOUT_MS", 3000)
EGOV_GATEWAY_READ_TIMEOUT_MS = env_int("EGOV_GATEWAY_READ_TIMEOUT_MS", 30000)
EGOV_GATEWAY_RETRIES = env_int("EGOV_GATEWAY_RETRIES", 2)
EGOV_GATEWAY_BREAKER_FAILURES = env_int("EGOV_GATEWAY_BREAKER_FAILURES", 5)
EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS = env_int("EGOV_GATEWAY_BREAKER_COOLDOWN_SECONDS", 30)
EGOV_GATEWAY_RATE_PER_SECOND = env_int("EGOV_GATEWAY_RATE_PER_SECOND", 100)
EGOV_GATEWAY_RATE_BURST = env_int("EGOV_GATEWAY_RATE_BURST", 200)
EGOV_GATEWAY_MAX_REQUEST_BYTES = env_int("EGOV_GATEWAY_MAX_REQUEST_BYTES", 10 * 1024 * 1024)
EGOV_GATEWAY_MAX_RESPONSE_BYTES = env_int("EGOV_GATEWAY_MAX_RESPONSE_BYTES", 50 * 1024 * 1024)
EGOV_GATEWAY_REPLAY_BYTES = env_int("EGOV_GATEWAY_REPLAY_BYTES", 1024 * 1024)
EGOV_GATEWAY_REGISTRY_SECONDS = env_int("EGOV_GATEWAY_REGISTRY_SECONDS", 5)
EGOV_GATEWAY_MONITOR_MINUTES = env_int("EGOV_GATEWAY_MONITOR_MINUTES", 60)
EGOV_GATEWAY_EXCHANGE_DAYS = env_int("EGOV_GATEWAY_EXCHANGE_DAYS", 30)
EGOV_GATEWAY_DEMO_PROVIDER_URL = env_str("EGOV_GATEWAY_DEMO_PROVIDER_URL", "http://127.0.0.1:8041")
