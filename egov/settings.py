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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "egov.core.middleware.RequestContextMiddleware",
    "egov.core.inputs.RejectNulMiddleware",
    "egov.core.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "egov.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
    "egov.core.backends.ModelBackend",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failures (django-axes): per username and address.
AXES_ENABLED = env_bool("EGOV_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("EGOV_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("EGOV_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

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
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("EGOV_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
    },
}
