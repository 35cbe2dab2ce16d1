"""Settings for the mobilization readiness portal.

Everything that differs between a laptop, CI and production comes from the environment
(see README.md). DEBUG is off unless DJANGO_DEBUG turns it on; outside debug a SECRET_KEY is required.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import queues
from . import storage as storage_config
from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG-on-a-laptop-0123456789"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. The portal refuses to start without one outside debug mode: "
            "set SECRET_KEY to a long random value (for example: python -c "
            "'import secrets; print(secrets.token_urlsafe(64))'), or set DJANGO_DEBUG=1 on a development machine."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tomselect",  # ships Tom Select (the region pickers' widget, core/widgets.py): served from here, no CDN
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "reservists",
    "mobilization",
    "civil_defense",
    "cip",
    "materiel",
    "exercises",
    "reports",
    "administration",
    "selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.twofactor.RequireTwoFactorMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "core.context_processors.portal",
            ],
            "builtins": ["core.templatetags.portal"],
        },
    }
]

# --- Database: PostgreSQL everywhere. `make run` without DATABASE_URL starts an embedded server. ---
DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured(
        "DATABASE_URL must point at PostgreSQL (postgres://...): the portal has no other engine."
    )
DATABASES["default"].setdefault("TEST", {})
if env_str("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"]["NAME"] = env_str("TEST_DATABASE_NAME")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery ---
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if CELERY_BROKER_URL != "filesystem://"
    else {
        "data_folder_in": str(BASE_DIR / ".run" / "broker"),
        "data_folder_out": str(BASE_DIR / ".run" / "broker"),
        "processed_folder": str(BASE_DIR / ".run" / "broker-done"),
        "store_processed": False,
        # The exchanges of several workers (make run starts two): under .run/, not the working directory.
        "control_folder": str(BASE_DIR / ".run" / "broker-control"),
    }
)
if CELERY_BROKER_URL.startswith("redis"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Taipei"
CELERY_BEAT_SCHEDULE: dict = {
    # Accounts unused for ACCOUNT_DORMANT_DAYS are deactivated every night (administration/tasks.py).
    "administration-dormant-accounts": {
        "task": "administration.deactivate_dormant_accounts",
        "schedule": crontab(hour=2, minute=30),
    },
    # Decisions on self-service requests go to the person on their channels (selfservice/decisions.py).
    "selfservice-send-decisions": {"task": "selfservice.send_decisions", "schedule": crontab(minute="*")},
    # Expired one-time codes and sessions past the idle limit are deleted (selfservice/cleanup.py).
    "selfservice-purge-expired": {"task": "selfservice.purge_expired", "schedule": crontab(minute="*/15")},
}
# Queues by kind of work (interactive, bulk, print, alerts): every task's queue is declared in config/queues.py.
CELERY_TASK_DEFAULT_QUEUE = queues.INTERACTIVE
PORTAL_BULK_QUEUE = queues.BULK
CELERY_TASK_ROUTES = queues.ROUTES
# A print batch taken by a worker that then died (kill -9, a host gone) is put back on the print queue once its
# lease has run out and no live worker holds it (mobilization.requeue_lost_batches, every PRINT_SWEEP_SECONDS).
# Redis alone would redeliver it only after the visibility timeout above (an hour).
PRINT_LEASE_SECONDS = env_int("PRINT_LEASE_SECONDS", 60)
PRINT_SWEEP_SECONDS = env_int("PRINT_SWEEP_SECONDS", 15)

CACHES = {
    "default": (
        {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "core.cache.ResilientDatabaseCache", "LOCATION": "core_cache"}
    )
}

# --- Auth ---
AUTHENTICATION_BACKENDS = [
    "core.auth.LockoutBackend",
    # authenticates no one: loads the user's cached permissions and scope before ModelBackend looks (core.authz)
    "core.authz.AuthorisationCacheBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout after 5 failed logins for 15 minutes, per account, on the login page and the token endpoint.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
# Per account (the pair with the IP is listed too, as django-axes asks; the account alone already locks).
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.auth.lockout_response"
AXES_VERBOSE = False
# The home dashboard's panels are cached per account and grants for this long (core.dashboard).
PORTAL_DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 60)
PORTAL_RATE_LIMITS = {
    "token": env_str("RATE_LIMIT_TOKEN", "20/minute"),
    "verify": env_str("RATE_LIMIT_VERIFY", "30/minute"),
    # denied requests (403/404) written to the audit log per user; beyond it they are only counted
    "denied": env_str("RATE_LIMIT_DENIED_LOG", "30/minute"),
    # Self-service (selfservice/signin.py): sign-in requests per client, codes sent per national ID (or printed
    # notice code), code tries per client, contact-confirmation codes per person.
    "selfservice_signin": env_str("RATE_LIMIT_SELFSERVICE_SIGNIN", "20/minute"),
    "selfservice_code": env_str("RATE_LIMIT_SELFSERVICE_CODE", "5/hour"),
    "selfservice_verify": env_str("RATE_LIMIT_SELFSERVICE_VERIFY", "30/minute"),
    "selfservice_contact": env_str("RATE_LIMIT_SELFSERVICE_CONTACT", "5/hour"),
}
# Self-service sessions end after this many idle minutes; uploads are at most this large.
SELFSERVICE_IDLE_MINUTES = env_int("SELFSERVICE_IDLE_MINUTES", 30)
SELFSERVICE_UPLOAD_MAX_BYTES = env_int("SELFSERVICE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
# Two-factor authentication: required for MND and auditor accounts (off only on a DEBUG laptop by default).
PORTAL_REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
# API tokens expire: MND and auditor accounts (those that need 2FA) after hours, everyone else after days.
PORTAL_API_TOKEN_HOURS_MND = env_int("API_TOKEN_HOURS_MND", 8)
PORTAL_API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
OTP_TOTP_ISSUER = "Mobilization readiness portal"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user object

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Sessions are read from Redis and written through to the database (which alone survives a Redis outage).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Security: strict unless debugging on a laptop ---
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Languages and time ---
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", _("Traditional Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# --- Static and generated files ---
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: downloads go through scoped views
# Generated and uploaded files: the local filesystem under MEDIA_ROOT, or an S3-compatible object store
# (STORAGE_BACKEND=s3, the S3_* variables; config/storage.py). Downloads always pass a view's scope check first,
# then stream the object or redirect to a presigned URL (DOWNLOAD_MODE, core/downloads.py).
STORAGE_BACKEND = storage_config.backend(os.environ)
DOWNLOAD_MODE = storage_config.download_mode(os.environ)
S3_PRESIGNED_SECONDS = storage_config.presigned_seconds(os.environ)
STORAGES = {
    "default": storage_config.default_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("DJANGO_PLAIN_STATIC", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("DJANGO_PLAIN_STATIC", False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Imports: an upload larger than this is refused before anything reads it (core.forms.check_upload); an XLSX
# is refused when its members decompress to more than PORTAL_XLSX_MAX_UNZIPPED bytes, and every file stops
# being read at PORTAL_IMPORT_MAX_ROWS rows (core.importing).
PORTAL_UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
PORTAL_XLSX_MAX_UNZIPPED = env_int("XLSX_MAX_UNZIPPED_MB", 200) * 1024 * 1024
PORTAL_IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)

# --- API ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "core.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["core.filters.PortalFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CountedPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.ratelimit.PortalRateThrottle"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append("rest_framework.renderers.BrowsableAPIRenderer")
SPECTACULAR_SETTINGS = {
    "TITLE": "Mobilization readiness portal API",
    "DESCRIPTION": "Reserve registry, call-up orders under Art. 24-33, civil defense, CIP, drills and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page describe every endpoint: open on a DEBUG laptop, signed-in users otherwise.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.AllowAny" if DEBUG else "rest_framework.permissions.IsAuthenticated"
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "core.choices.RegionLevel",
        "JobStatusEnum": "core.choices.JobStatus",
        "NoticeStatusEnum": "mobilization.choices.NoticeStatus",
        "NoticeBatchStatusEnum": "mobilization.choices.BatchStatus",
        "PostponementStatusEnum": "mobilization.choices.PostponementStatus",
        "PostponementKindEnum": "mobilization.choices.PostponementKind",
        "DeliveryChannelEnum": "mobilization.choices.Channel",
        "BranchEnum": "reservists.choices.Branch",
        "HandoverConditionEnum": "materiel.choices.Condition",
        "RequisitionNoticeStatusEnum": "materiel.choices.NoticeStatus",
        "PortalRoleEnum": "core.choices.Role",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"fontTools": {"level": "WARNING"}},
}

# --- Portal ---
PORTAL_PUBLIC_URL = env_str("PORTAL_PUBLIC_URL", "http://127.0.0.1:8000")
# Notices: rows per transaction when issuing, and an optional pause between chunks (seconds) so a national issue
# can yield to other database work. Delivery backends per channel (see mobilization/services/delivery.py).
NOTICE_ISSUE_CHUNK = env_int("NOTICE_ISSUE_CHUNK", 5000)
NOTICE_ISSUE_PAUSE = float(env_str("NOTICE_ISSUE_PAUSE", "0") or 0)
# Tests only: seconds a print task waits after taking its batch, so a test can kill the worker mid-batch.
NOTICE_RENDER_PAUSE = float(env_str("NOTICE_RENDER_PAUSE", "0") or 0)
NOTICE_DELIVERY_BACKENDS: dict = {}
# Recalls, corrections and replacements: notices per transaction, and an optional pause between chunks.
LIFECYCLE_CHUNK = env_int("LIFECYCLE_CHUNK", 10000)
LIFECYCLE_PAUSE = float(env_str("LIFECYCLE_PAUSE", "0") or 0)
# Account administration: days without a log-in before an account is deactivated, and how long a single-use
# password link works.
ACCOUNT_DORMANT_DAYS = env_int("ACCOUNT_DORMANT_DAYS", 90)
ACCOUNT_LINK_MINUTES = env_int("ACCOUNT_LINK_MINUTES", 30)
# The end of a call-up (mobilization/services/closing.py): the review period of a no-show case, the size of a document.
NO_SHOW_REVIEW_DAYS = env_int("NO_SHOW_REVIEW_DAYS", 60)
EXEMPTION_DOCUMENT_MAX_BYTES = env_int("EXEMPTION_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
