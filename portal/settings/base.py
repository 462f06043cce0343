"""Settings read from environment variables; the README lists every one of them.

Without any variable set the portal runs on its embedded default: SQLite and files
under ``var/``, Celery on its filesystem broker, mail written to files.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from boto3.s3.transfer import TransferConfig
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.settings.api import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: F401
from portal.settings.checks import (
    refuse_insecure_production,
    refuse_loopback_http_elsewhere,
    refuse_malformed_360giving_prefix,
    refuse_malformed_ocds_prefix,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
refuse_insecure_production(
    debug=DEBUG,
    secret_key=SECRET_KEY,
    default_secret_key=DEFAULT_SECRET_KEY,
    allowed_hosts=ALLOWED_HOSTS,
)
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

SITE_URL = env.str("PORTAL_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# The publisher's own prefix, registered with the Open Contracting Partnership; the default is
# a placeholder that marks data published before registration.
OCDS_PREFIX = env.str("PORTAL_OCDS_PREFIX", default="ocds-xxxxxx")
refuse_malformed_ocds_prefix(OCDS_PREFIX)
# Likewise given by 360Giving; every published grant's identifier starts with it.
GIVING_PREFIX = env.str("PORTAL_360GIVING_PREFIX", default="360G-xxxxxx")
refuse_malformed_360giving_prefix(GIVING_PREFIX)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "django_celery_beat",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "django_ratelimit",
    "workflows",
    "portal",
    "providers",
    "tenders",
    "grants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses what every middleware below writes; WhiteNoise answers static files itself,
    # from copies compressed when they were collected.
    "portal.middleware.PageGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.StaffIdleTimeoutMiddleware",
    "portal.log_context.RequestIdMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the "paused" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The portal's templates come before the apps' so its registration pages replace the
        # admin's.
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "workflows.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed sign-ins for one account name, or from one address, within 15 minutes pause
# signing in there for 15 minutes (counted again from each further try).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.throttling.sign_in_paused"
AXES_CLIENT_IP_CALLABLE = "portal.throttling.client_address"
AXES_VERBOSE = False
# The name authenticator apps show next to the portal's codes.
OTP_TOTP_ISSUER = "Social contracting portal"
# Passkeys are a second factor after the password, never a sign-in of their own. They belong to
# the portal's address: a passkey made for one PORTAL_SITE_URL does not work at another.
# Browsers make passkeys only over HTTPS, or in development at http://localhost (not at
# 127.0.0.1), so a development address over plain HTTP offers them at localhost's same port.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
if urlsplit(SITE_URL).scheme == "https":
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_URL]
else:
    _port = urlsplit(SITE_URL).port
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"http://localhost{f':{_port}' if _port else ''}"]
OTP_WEBAUTHN_RP_ID = urlsplit(OTP_WEBAUTHN_ALLOWED_ORIGINS[0]).hostname
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
RATELIMIT_IP_META_KEY = "portal.throttling.client_address"
# How many proxies in front of the portal add themselves to X-Forwarded-For; 0 trusts none.
PORTAL_PROXY_COUNT = env.int("PORTAL_PROXY_COUNT", default=0)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# scrypt's CPU and memory cost for opening passphrases (2**15 with r=8 takes 32 MiB a try).
OPENING_SCRYPT_COST = 2**15

LANGUAGE_CODE = "en"
LANGUAGES = [("tk", _("Turkmen")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Ashgabat"
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
CURRENCY = "TMT"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_FILE_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
else:
    DEFAULT_FILE_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"
# A document goes to the bucket in one streamed PUT and comes back through a temporary file on
# disk once past 1 MiB, read and written in the request's thread: the web process never holds
# a whole file in memory. Files past 64 MiB (backups) go in 8 MiB parts.
AWS_S3_MAX_MEMORY_SIZE = 1024 * 1024
AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_threshold=64 * 1024 * 1024, use_threads=False)
# In production collectstatic names every static file after a hash of its content and writes
# gzip and Brotli copies next to it; WhiteNoise serves those names with a far-future,
# immutable Cache-Control, so a browser fetches each version once.
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default=(
                "django.contrib.staticfiles.storage.StaticFilesStorage"
                if DEBUG
                else "whitenoise.storage.CompressedManifestStaticFilesStorage"
            ),
        )
    },
}
UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Calendar days between an approved award and its becoming final; an evaluation may set its own.
TENDERS_STANDSTILL_DAYS = env.int("TENDERS_STANDSTILL_DAYS", default=10)
# How far (in %) spending may exceed a budget line before a grant report must explain why.
GRANTS_OVERSPEND_TOLERANCE_PERCENT = env.int("GRANTS_OVERSPEND_TOLERANCE_PERCENT", default=10)
# Four eyes: whoever approves a tranche may not pay it, and an award's approver may not be the
# tender's author. Only a very small office turns this off.
FOUR_EYES = env.bool("PORTAL_FOUR_EYES", default=True)
FILE_UPLOAD_PERMISSIONS = 0o640
# The first handler keeps the file name the client sent, so uploads are checked by that name.
FILE_UPLOAD_HANDLERS = [
    "portal.documents.uploads.ClientNameUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail:///{VAR_DIR / 'mail'}")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_FOLDER = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
        "visibility_timeout": 3600,
        "max_retries": 0,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers and beat wait out a broker outage of any length instead of exiting after 100 tries;
# a delivery already running finishes (deliveries are idempotent, cancelling could resend).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The hour (portal time zone) of the daily digest for users who chose one email a day.
WORKFLOWS_DIGEST_HOUR = 8
# The hour (portal time zone) at which the open-data bulk files are written each night.
OPEN_DATA_BULK_HOUR = 2
# A running file job whose worker has not written its heartbeat for this long lost its worker:
# the relay starts it again (or, after MAX_ATTEMPTS runs, marks it failed).
FILE_JOB_STALLED_SECONDS = env.int("PORTAL_FILE_JOB_STALLED_SECONDS", default=90)
CELERY_BEAT_SCHEDULE = {
    "run-deadline-sweeps": {"task": "workflows.run_sweeps", "schedule": timedelta(minutes=1)},
    "relay-outbox": {"task": "workflows.relay_outbox", "schedule": timedelta(seconds=30)},
    "relay-file-jobs": {"task": "workflows.relay_file_jobs", "schedule": timedelta(seconds=30)},
    "send-daily-digests": {
        "task": "workflows.send_daily_digests",
        "schedule": crontab(hour=WORKFLOWS_DIGEST_HOUR, minute=0),
    },
    "write-open-data-bulk-files": {
        "task": "tenders.write_bulk_files",
        "schedule": crontab(hour=OPEN_DATA_BULK_HOUR, minute=30),
    },
}

# The API: session sign-in (with CSRF) for the browser, personal tokens for other programs;
# requests are counted per token (or per signed-in user, or per address) in the cache.
API_THROTTLE_RATE = env.str("PORTAL_API_THROTTLE_RATE", default="1200/hour")

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Production settings served over plain HTTP on this machine only (a smoke test of the
# production image before HTTPS is in front of it): cookies not marked secure, no redirect.
LOOPBACK_HTTP = env.bool("DJANGO_LOOPBACK_HTTP", default=False)
refuse_loopback_http_elsewhere(loopback_http=LOOPBACK_HTTP, allowed_hosts=ALLOWED_HOSTS)
HTTPS_ONLY = not DEBUG and not LOOPBACK_HTTP
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_SECURE = HTTPS_ONLY

# django-ratelimit knows only django-redis by name; Django's own Redis cache increments
# atomically too. Without Redis (one development process) the in-process cache is enough.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# In production plain HTTP is redirected and browsers are told to use HTTPS only; the health
# endpoint stays reachable over HTTP for container health checks.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=3600 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS_ONLY
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles come only from the portal's own static files, never inline; charts and
# QR codes are SVG written into the page.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# A staff member's session ends after this many seconds without a request; other users keep
# Django's session age.
STAFF_SESSION_IDLE_SECONDS = env.int("PORTAL_STAFF_SESSION_IDLE_SECONDS", default=30 * 60)

# JSON lines (one object a line, with request, user and task ids) for a log collector in
# production; the same fields as readable text in development.
LOG_FORMAT = env.str("PORTAL_LOG_FORMAT", default="human" if DEBUG else "json")
if LOG_FORMAT not in ("json", "human"):
    raise ImproperlyConfigured("PORTAL_LOG_FORMAT must be json or human.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "portal.log_context.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(request_id)s %(user_id)s %(task_id)s "
            "%(process)d %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
        "human": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "[request=%(request_id)s user=%(user_id)s task=%(task_id)s] %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
# The worker logs through the handler above (with the task and request ids), not its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
