"""Settings of the test OpenID Connect provider (not Koppel's!). `serve` sets the environment:

- SSO_PROVIDER_DIR       a folder for the SQLite file (created by `serve`)
- SSO_PROVIDER_KEY_FILE  the RS256 private key (PEM) generated at start
- SSO_PROVIDER_ISSUER    http://host:port, the issuer in discovery and every ID token
"""

import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("SSO_PROVIDER_DIR", "."))
KEY_FILE = os.environ.get("SSO_PROVIDER_KEY_FILE", "")
ISSUER = os.environ.get("SSO_PROVIDER_ISSUER", "")

SECRET_KEY = os.environ.get("SSO_PROVIDER_SECRET", "test-provider-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"
LANGUAGE_CODE = "nl"
USE_I18N = False

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
    "tests.sso_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.sso_provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "provider.sqlite3"),
        "OPTIONS": {"timeout": 20},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

# Koppel (127.0.0.1:8000 in the demo) and the provider (127.0.0.1:8001) share the browser's
# cookie jar per host: cookies of their own names, so neither signs the other out.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        "oauth2_provider": {"handlers": ["stderr"], "level": "WARNING"},
        "django.request": {"handlers": ["stderr"], "level": "ERROR"},
    },
}

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": Path(KEY_FILE).read_text() if KEY_FILE else "",
    "OIDC_ISS_ENDPOINT": ISSUER,
    "PKCE_REQUIRED": True,
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    # Sign out without a question when the relying party sends the user's own ID token.
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OAUTH2_VALIDATOR_CLASS": "tests.sso_provider.validators.ProviderValidator",
    # Koppel on the loopback address may use any port (the live server's, the demo's :8000).
    "ALLOW_LOCALHOST_LOOPBACK": True,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Naam",
        "email": "E-mailadres",
        "schac_home_organization": "Instelling",
        "eduperson_affiliation": "Relatie met de instelling",
        "schac_personal_unique_code": "Studentnummer",
        "student_number": "Studentnummer",
        "eduperson": "Federatie-attributen",
    },
    "DEFAULT_SCOPES": ["openid"],
}
