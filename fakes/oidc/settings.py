"""Settings of the fake national SSO: a Django project of its own, with its own
SQLite file (``FAKE_OIDC_DB``), its own cookie names (egov runs on the same host),
and django-oauth-toolkit's OpenID Connect provider (RS256, PKCE required)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEBUG = False
SECRET_KEY = os.environ.get(
    "FAKE_OIDC_SECRET_KEY", "fake-oidc-insecure-key-for-local-use-only-0123"
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "fakes.oidc",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "fakes.oidc.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("FAKE_OIDC_DB", str(BASE_DIR / "fake-oidc.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
LANGUAGE_CODE = "vi"

LOGIN_URL = "/dang-nhap/"
SESSION_COOKIE_NAME = "fake_sso_session"
CSRF_COOKIE_NAME = "fake_sso_csrftoken"

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("FAKE_OIDC_RSA_KEY", ""),
    "OIDC_ISS_ENDPOINT": os.environ.get("FAKE_OIDC_ISSUER", ""),
    "OAUTH2_VALIDATOR_CLASS": "fakes.oidc.validator.NationalSsoValidator",
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect"},
    "DEFAULT_SCOPES": ["openid"],
    # The relying party runs on an ephemeral port in tests: any port on loopback.
    "ALLOW_LOCALHOST_LOOPBACK": True,
}
