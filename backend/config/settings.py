"""Koppel settings: one module, driven by environment variables (see .env.example).

With no configuration Koppel runs embedded: SQLite and Celery tasks executed in process.
`DATABASE_URL` and `CELERY_BROKER_URL` switch it to PostgreSQL and Redis.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from backend.config.env import env_bool, env_int, env_list, env_str, proxy_ssl_header

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-koppel-development-key-change-me")
if not DEBUG and env_bool("REQUIRE_SECRET_KEY", False):
    # Production refuses to start on the development key or the placeholder of .env.example:
    # sessions, password-reset links and signed values are only as secret as this key.
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY.startswith("insecure-") or "change-me" in SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production to a random string of at least 50 characters"
        )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    # Ships htmx.min.js as a static file (static/htmx/htmx.min.js), so nothing is vendored here.
    "js_lib_htmx",
    "backend.core",
    "backend.accounts",
    "backend.organisations",
    "backend.curriculum",
    "backend.offers",
    "backend.notifications",
    "backend.allocations",
    "backend.agreements",
    "backend.engagement",
    "backend.security",
    # Two factors for staff (backend.two_factor; docs/two-factor.md): TOTP and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "backend.two_factor",
    "backend.sso",
    # The AVG built in (docs/privacy.md): register, export, erasure, retention, consent.
    "backend.privacy",
    "backend.learning",
    "backend.demo",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "backend.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person who must use two factors reaches nothing else until they did.
    "backend.two_factor.middleware.SecondFactorMiddleware",
    "backend.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "backend.config.urls"
WSGI_APPLICATION = "backend.config.wsgi.application"

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
                "frontend.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a query once its estimated cost passes a threshold: 20-65 ms
    # spent before a 5 ms list query at the region size (docs/performance.md). Koppel's
    # queries are short; JIT only pays off for long analytical scans.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "backend.accounts.password_rules.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Sign in with the school account (backend.sso; docs/sso.md) ---------------------------
# One OpenID Connect connection (SURFconext or eduID), read by mozilla-django-oidc. The SSO
# backend comes after the password backend: `force_login` and password logins use the first.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "backend.sso.backend.SchoolAccountBackend",
]
OIDC_OP_ISSUER = env_str("OIDC_OP_ISSUER", "")
KOPPEL_SSO_ENABLED = env_bool("KOPPEL_SSO_ENABLED", bool(OIDC_OP_ISSUER))
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
# The provider's end_session endpoint; empty: logging out ends only the Koppel session.
OIDC_OP_LOGOUT_ENDPOINT = env_str("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
# Only asymmetric signatures, checked against the provider's published keys (JWKS).
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str(
    "OIDC_RP_SCOPES", "openid profile email schac_home_organization eduperson_affiliation"
)
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "frontend:sso-callback"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
# Seconds of clock difference with the provider accepted on an ID token's exp/iat/nbf.
OIDC_CLOCK_LEEWAY = env_int("OIDC_CLOCK_LEEWAY", 60)
LOGIN_URL = "frontend:login"
LOGIN_REDIRECT_URL = "frontend:dashboard"
LOGOUT_REDIRECT_URL = "frontend:login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "backend" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "media"
# Serve static files straight from the apps when they have not been collected (demo, tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Koppel <noreply@koppel.example>")

# --- Sign-in protection (backend.security; see the README, "API") ---------------------------
# Proxies in front of Koppel that append to X-Forwarded-For; 0 ignores that header (see
# backend/security/addresses.py). Set it to 1 behind one nginx or load balancer.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
SIGNIN_WINDOW_MINUTES = env_int("SIGNIN_WINDOW_MINUTES", 15)
SIGNIN_ACCOUNT_MAX_FAILURES = env_int("SIGNIN_ACCOUNT_MAX_FAILURES", 5)
SIGNIN_ADDRESS_MAX_FAILURES = env_int("SIGNIN_ADDRESS_MAX_FAILURES", 20)
SIGNIN_LOCK_MINUTES = env_int("SIGNIN_LOCK_MINUTES", 15)
SIGNIN_LOCK_MAX_MINUTES = env_int("SIGNIN_LOCK_MAX_MINUTES", 24 * 60)
# Per hour: mails to one address, and requests from one client address.
PASSWORD_RESET_MAX_PER_EMAIL = env_int("PASSWORD_RESET_MAX_PER_EMAIL", 3)
PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 20)
SIGN_UP_MAX_PER_EMAIL = env_int("SIGN_UP_MAX_PER_EMAIL", 3)
SIGN_UP_MAX_PER_ADDRESS = env_int("SIGN_UP_MAX_PER_ADDRESS", 20)
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 12)
# Two factors (backend.two_factor): wrong codes in a row before the second step locks for
# SIGNIN_LOCK_MINUTES (doubling per lock, up to SIGNIN_LOCK_MAX_MINUTES). That lock counts per
# person over both kinds of code, and a right password does not reset it, so django-otp's own
# per-device back-off (which would make a person wait after a typo) is switched off.
TWO_FACTOR_MAX_FAILURES = env_int("TWO_FACTOR_MAX_FAILURES", 5)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Koppel")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Request rates per client address of the API endpoints anyone may call (DRF rate syntax).
PUBLIC_THROTTLE_RATES = {
    "auth-token": env_str("THROTTLE_RATE_AUTH_TOKEN", "30/min"),
    "password-reset": env_str("THROTTLE_RATE_PASSWORD_RESET", "10/min"),
    "sign-up": env_str("THROTTLE_RATE_SIGN_UP", "10/min"),
    "invitation-accept": env_str("THROTTLE_RATE_INVITATION_ACCEPT", "20/min"),
}
# The rate limits above count in this cache: per process unless CACHE_URL names a shared Redis.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}
        if env_str("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "backend.security.authentication.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backend.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "backend.core.exception_handler.koppel_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # JSON bodies are size- and depth-limited (a 50,000-deep array crashed the decoder).
    "DEFAULT_PARSER_CLASSES": [
        "backend.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # DRF must not take the client address from X-Forwarded-For unless proxies are trusted.
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Koppel API",
    "DESCRIPTION": "Challenges, guest lessons, allocation rounds and agreements for mbo.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Many models have a `status`, `kind` or `role`; name each choice set after its class so
    # the schema has one stable enum per set (and no generation warnings).
    "ENUM_NAME_OVERRIDES": {
        "AgreementKindEnum": "backend.agreements.models.agreements.AgreementKind",
        "AgreementStatusEnum": "backend.agreements.models.agreements.AgreementStatus",
        "PartyRoleEnum": "backend.agreements.models.agreements.PartyRole",
        "AgreementEventKindEnum": "backend.agreements.models.log.EventKind",
        "PledgeKindEnum": "backend.agreements.models.ledger.PledgeKind",
        "CommitmentStatusEnum": "backend.agreements.models.commitments.CommitmentStatus",
        "OfferKindEnum": "backend.offers.models.OfferKind",
        "OfferStatusEnum": "backend.offers.models.OfferStatus",
        "RunStatusEnum": "backend.allocations.models.RunStatus",
        "ObjectionStatusEnum": "backend.allocations.models.ObjectionStatus",
        "ExpertFormatEnum": "backend.engagement.models.experts.ExpertFormat",
        "BookingStatusEnum": "backend.engagement.models.bookings.BookingStatus",
        "MeetingKindEnum": "backend.engagement.models.meetings.MeetingKind",
        "EngagementEventKindEnum": "backend.engagement.models.events.EventKind",
        "EventBookingKindEnum": "backend.engagement.models.events.EventBookingKind",
        "KerntaakKindEnum": "backend.curriculum.models.KerntaakKind",
        "OrganisationKindEnum": "backend.organisations.models.OrganisationKind",
        "ConsortiumRoleEnum": "backend.organisations.models.ConsortiumRole",
        "CertificateKindEnum": "backend.accounts.models.CertificateKind",
        "RoleEnum": "backend.accounts.models.Role",
    },
}

# --- Celery ---------------------------------------------------------------------------------
# Without a broker the tasks run in process (eagerly), so `make demo` needs no Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not CELERY_BROKER_URL)
if not CELERY_BROKER_URL:
    # Nothing is ever sent to it in eager mode; naming the in-memory transport keeps kombu from
    # guessing a host ("No hostname was supplied").
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran, and given back when its worker dies, so a killed worker
# loses no task; tasks are idempotent (a run is claimed once, an e-mail is marked sent once).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Allocation runs have a queue of their own (own worker in docker-compose.yml), so e-mails never
# wait behind a long run. Everything else goes to "default".
# The names are settings so that two installations (or a test) can share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_DEFAULT_QUEUE", "default")
CELERY_ENGINE_QUEUE = env_str("CELERY_ENGINE_QUEUE", "engine")
CELERY_TASK_ROUTES = {
    "backend.allocations.tasks.allocation_run_task": {"queue": CELERY_ENGINE_QUEUE}
}
# A run lasts at most ALLOCATION_RUN_STALE_AFTER without a heartbeat; after that the reaper fails
# it. Redis gives an unacknowledged task to another worker after the visibility timeout, which
# must therefore be longer than the longest run, or a run still going would be delivered again.
ALLOCATION_RUN_STALE_AFTER = env_int("ALLOCATION_RUN_STALE_AFTER", 30 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 2 * 60 * 60),
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Publishing gives up quickly when the broker is down: the outbox keeps the task and its
# dispatcher tries again, so a request must not hang on a dead broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
# Outbox (backend/core/outbox.py): publish attempts before a row is marked failed.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 20)
# Published outbox rows and sent mails are kept this long (for support questions), then deleted.
OUTBOX_KEEP_DISPATCHED_DAYS = env_int("OUTBOX_KEEP_DISPATCHED_DAYS", 14)
# /healthz/: how long to wait for the broker and the workers, and when beat counts as stale.
HEALTH_BROKER_TIMEOUT = 2
HEALTH_WORKER_TIMEOUT = 1.0
HEALTH_BEAT_STALE_AFTER = env_int("HEALTH_BEAT_STALE_AFTER", 5 * 60)
CELERY_BEAT_SCHEDULE = {
    "core-outbox-dispatch": {
        "task": "backend.core.tasks.outbox_dispatch_task",
        "schedule": crontab(),  # every minute
    },
    "core-outbox-prune": {
        "task": "backend.core.tasks.outbox_prune_task",
        "schedule": crontab(minute=50, hour=3),
    },
    "allocations-reap-stale-runs": {
        "task": "backend.allocations.tasks.allocation_runs_reap_task",
        "schedule": crontab(minute="*/5"),
    },
    "allocations-advance-phases": {
        "task": "backend.allocations.tasks.allocation_rounds_advance_task",
        "schedule": crontab(minute="*/5"),
    },
    "allocations-choice-reminders": {
        "task": "backend.allocations.tasks.allocation_choice_reminders_task",
        "schedule": crontab(minute=0, hour=9),
    },
    "agreements-commitment-reminders": {
        "task": "backend.agreements.tasks.commitment_reminders_task",
        "schedule": crontab(minute=0, hour=8),
    },
    "agreements-escalate-overdue": {
        "task": "backend.agreements.tasks.commitment_escalations_task",
        "schedule": crontab(minute=30, hour=8),
    },
    "agreements-expire": {
        "task": "backend.agreements.tasks.agreements_expire_task",
        "schedule": crontab(minute=15, hour=1),
    },
    "engagement-partner-digests": {
        "task": "backend.engagement.tasks.partner_digests_task",
        "schedule": crontab(minute=0, hour=7),
    },
    "engagement-event-follow-ups": {
        "task": "backend.engagement.tasks.event_follow_up_task",
        "schedule": crontab(minute=0, hour=10),
    },
    "engagement-meeting-reminders": {
        "task": "backend.engagement.tasks.meeting_reminders_task",
        "schedule": crontab(minute=0, hour="*/1"),
    },
    "security-records-prune": {
        "task": "backend.security.tasks.security_records_prune_task",
        "schedule": crontab(minute=40, hour=3),
    },
    "learning-company-feedback": {
        "task": "backend.learning.tasks.company_feedback_task",
        "schedule": crontab(minute=0, hour=9),
    },
    "learning-activity-feedback-invites": {
        "task": "backend.learning.tasks.activity_feedback_invite_task",
        "schedule": crontab(minute=30, hour=9),
    },
    "learning-triad-missed": {
        "task": "backend.learning.tasks.triad_missed_alert_task",
        "schedule": crontab(minute=0, hour=8),
    },
    "privacy-apply-retention": {
        "task": "backend.privacy.tasks.apply_retention_daily",
        "schedule": crontab(minute=20, hour=2),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # In-process tasks would log a line per task into the web server's or command's output.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# --- Security: HTTPS, cookies and response headers ------------------------------------------
# The defaults keep `make demo` working over plain http; the production block of .env.example
# turns on everything `manage.py check --deploy --fail-level WARNING` asks for.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# The container's health check probes plain http from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^healthz/"]
# Browsers remember HSTS for this long (only sent over https); start small, then a year.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Opt-in: only behind a proxy that sets this header itself (and drops a client's copy), or any
# client could claim to be on https.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_str("SECURE_PROXY_SSL_HEADER", ""))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response by backend.core.middleware.SecurityHeadersMiddleware. The pages load
# only their own scripts and styles (htmx from static, no inline code).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
