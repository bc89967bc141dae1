"""civic311 settings: everything from environment variables, with safe local defaults.

CIVIC311_ENV selects the defaults: "local" (a developer's machine, DEBUG on), "test"
(the test suite) or "production" (DEBUG off, secure cookies and HSTS, secrets required).
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext

from civic311.env import env_bool, env_choice, env_int, env_list, env_str

# Lets admin and DRF generics be subscripted for the type checker at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent

ENVIRONMENT = env_choice("CIVIC311_ENV", ("local", "test", "production"), "local")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", ENVIRONMENT == "local")
if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "local-only-insecure-key-" + "x" * 40)

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "intake",
    "routing_adapter",
    "open311",
    "work",
    "notifications",
    "interactions",
    "qa",
    "api",
    "frontend",
    "demo",
    "axes",
    "csp",
]
# Staff console (issue 15): the audit trail and the optional second factor (TOTP).
INSTALLED_APPS += ["audit", "django_otp", "django_otp.plugins.otp_totp"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses an oversized body (CIVIC311_MAX_BODY_BYTES) before anything reads it.
    "core.middleware.BodySizeLimitMiddleware",
    # Production serves collected static files itself; locally runserver does (DEBUG).
    *(["whitenoise.middleware.WhiteNoiseMiddleware"] if PRODUCTION else []),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Web pages: staff sessions end after inactivity; the product's own 404/500 pages.
    "frontend.middleware.StaffSessionIdleMiddleware",
    "frontend.middleware.ProductErrorPagesMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]
# Staff console (issue 15): request.user.is_verified() for the second factor, after auth.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)

ROOT_URLCONF = "civic311.urls"
WSGI_APPLICATION = "civic311.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.site",
            ],
        },
    },
]

_default_db = "postgis://civic311@127.0.0.1:55432/civic311"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", None if PRODUCTION else _default_db),
        engine="django.contrib.gis.db.backends.postgis",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
# Server-side binding plus a prepare threshold let psycopg prepare the statements a connection
# runs often (after 5 runs), so the hot intake statements are parsed and planned once per
# connection instead of on every request. Django leaves preparing off unless a threshold is
# given; set DATABASE_PREPARE_THRESHOLD=0 behind a pooler that cannot keep prepared
# statements (PgBouncer in transaction mode before 1.21).
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["server_side_binding"] = env_bool("DATABASE_SERVER_SIDE_BINDING", True)
_prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
if _db_options["server_side_binding"] and _prepare_threshold > 0:
    _db_options["prepare_threshold"] = _prepare_threshold
# GDAL older than 3.9 (Debian 12 ships 3.6) cannot block file/network access from spatial
# references. Geometry input is GeoJSON from administrators only, parsed with srid forced.
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS", ["gis.W001"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Languages and web pages (frontend) ---
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [REPO_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "civic311_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = env_str("CIVIC311_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True
LOGIN_URL = "staff:login"
LOGOUT_REDIRECT_URL = "staff:login"
# Staff are signed out after this many minutes without a request (shared computers).
CIVIC311_STAFF_SESSION_IDLE_MINUTES = env_int("CIVIC311_STAFF_SESSION_IDLE_MINUTES", 30)

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(REPO_DIR / "staticfiles")))
# --- Uploaded files (residents' photos): the filesystem locally, S3-compatible storage
# through django-storages when CIVIC311_MEDIA_S3_BUCKET is set. Photos are served through
# the site (frontend), so the bucket stays private. ---
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(REPO_DIR / ".local" / "media")))
MEDIA_URL = "media/"
_media_bucket = env_str("CIVIC311_MEDIA_S3_BUCKET", "")
_default_storage: dict[str, Any] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if _media_bucket:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _media_bucket,
            "endpoint_url": env_str("CIVIC311_MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("CIVIC311_MEDIA_S3_REGION", "") or None,
            "access_key": env_str("CIVIC311_MEDIA_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("CIVIC311_MEDIA_S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
# Photos: how many per report, and the largest file accepted before re-encoding.
CIVIC311_PHOTOS_PER_REQUEST = env_int("CIVIC311_PHOTOS_PER_REQUEST", 3)
CIVIC311_PHOTO_MAX_BYTES = env_int("CIVIC311_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Photos uploaded for a report never sent are deleted after this long (a beat job, hourly).
CIVIC311_PHOTO_ABANDONED_HOURS = env_int("CIVIC311_PHOTO_ABANDONED_HOURS", 24)
# The largest report form body read at all (photos stream to disk, never to memory): above
# it the body is refused unread; below it a photo over CIVIC311_PHOTO_MAX_BYTES gets a
# message and the form keeps what the resident typed (a phone photo can be far larger).
CIVIC311_MAX_REPORT_BODY_BYTES = env_int("CIVIC311_MAX_REPORT_BODY_BYTES", 64 * 1024 * 1024)
# Public maps: an XYZ tile template ({z}/{x}/{y}) and its attribution; empty draws the
# city's own layers (limits, districts, parks, address points) with no tile server at all.
CIVIC311_BASEMAP_URL = env_str("CIVIC311_BASEMAP_URL", "")
CIVIC311_BASEMAP_ATTRIBUTION = env_str("CIVIC311_BASEMAP_ATTRIBUTION", "")
# The public map and list show requests of the last this many days.
CIVIC311_PUBLIC_MAP_DAYS = env_int("CIVIC311_PUBLIC_MAP_DAYS", 90)
# The public map's data is shared this long at most; any write to a request replaces it.
CIVIC311_PUBLIC_MAP_CACHE_SECONDS = env_int("CIVIC311_PUBLIC_MAP_CACHE_SECONDS", 300)

STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security (production passes `manage.py check --deploy`) ---
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Bad input gets a 4xx, never a 500: also for oversized bodies.
CIVIC311_MAX_BODY_BYTES = env_int("CIVIC311_MAX_BODY_BYTES", 1_048_576)
DATA_UPLOAD_MAX_MEMORY_SIZE = CIVIC311_MAX_BODY_BYTES
# Uploaded files above this go to a temporary file, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = min(CIVIC311_MAX_BODY_BYTES, 262_144)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

# --- REST API ---
REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API client is told 401 with a WWW-Authenticate header.
        # Neither goes round the second factor a role requires (api.authentication).
        "api.authentication.SecondFactorTokenAuthentication",
        "api.authentication.SecondFactorSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsStaffMember"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # A JSON body is an object of storable text, not too deep (issue 13), else a 400.
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.NewestFirstCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["core.throttles.StaffRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("CIVIC311_STAFF_API_RATE", "6000/hour"),
        # Open311: per API key for clients, per address for anonymous callers.
        "open311_key_read": env_str("CIVIC311_OPEN311_KEY_READ_RATE", "6000/minute"),
        "open311_key_write": env_str("CIVIC311_OPEN311_KEY_WRITE_RATE", "3000/minute"),
        "open311_anon_read": env_str("CIVIC311_OPEN311_ANON_READ_RATE", "300/minute"),
        "open311_anon_write": env_str("CIVIC311_OPEN311_ANON_WRITE_RATE", "30/minute"),
        # Residents' one-time sign-in links (my requests): per client address, per email.
        "resident_sign_in_address": env_str("CIVIC311_SIGN_IN_ADDRESS_RATE", "20/hour"),
        "resident_sign_in_email": env_str("CIVIC311_SIGN_IN_EMAIL_RATE", "5/hour"),
    },
    "DATETIME_FORMAT": "iso-8601",
    # X-Forwarded-For is believed only from proxies the operator declares (issue 13).
    "NUM_PROXIES": None,  # set below, in the trusted-proxies block
}
SPECTACULAR_SETTINGS = {
    "TITLE": "civic311 staff API",
    "DESCRIPTION": "Service requests, departments, services and areas for city staff.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema tells the truth (issue 13): common error answers, nullable fields, times.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RequestStatusEnum": "intake.statuses.Status.choices",
        "IntakeChannelEnum": "intake.models.Channel.choices",
        "ContactChannelEnum": "intake.models.ContactChannel.choices",
        "CallMessageKindEnum": "interactions.models.MessageKind.choices",
        "CommitmentKindEnum": "interactions.models.CommitmentKind.choices",
    },
}

# --- Cache (throttling state) and Celery ---
REDIS_URL = env_str("REDIS_URL", None if PRODUCTION else "redis://127.0.0.1:56379/0")
CACHES = {
    "default": {
        "BACKEND": "core.cache.RedisCache",
        # Tests get their own Redis database, which they empty before each test.
        "LOCATION": env_str(
            "CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + ("/2" if ENVIRONMENT == "test" else "/1")
        ),
        "KEY_PREFIX": f"civic311-{ENVIRONMENT}",
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# Tests use their own queue, so a developer's running worker never takes their tasks.
CELERY_TASK_DEFAULT_QUEUE = env_str(
    "CELERY_TASK_DEFAULT_QUEUE", "civic311-test" if ENVIRONMENT == "test" else "celery"
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Publishing happens after a commit, inside a web request: fail fast when the broker is
# down (the outbox sweep sends the message later) instead of holding the resident up.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
# --- QA (issue: 10 reviews per agent a month, 20 in their first 90 days; 7 days to answer) ---
CIVIC311_QA_MONTHLY_SAMPLE = env_int("CIVIC311_QA_MONTHLY_SAMPLE", 10)
CIVIC311_QA_MONTHLY_SAMPLE_NEW_AGENT = env_int("CIVIC311_QA_MONTHLY_SAMPLE_NEW_AGENT", 20)
CIVIC311_QA_DISPUTE_DAYS = env_int("CIVIC311_QA_DISPUTE_DAYS", 7)

CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "record-worker-heartbeat": {
        "task": "core.tasks.record_heartbeat",
        "schedule": timedelta(seconds=60),
    },
    "sweep-outbox": {
        "task": "notifications.sweep",
        "schedule": timedelta(seconds=30),
    },
    "flag-promises-at-risk": {
        "task": "work.flag_at_risk",
        "schedule": timedelta(minutes=15),
    },
    "still-on-it-updates": {
        "task": "work.still_on_it",
        "schedule": timedelta(hours=1),
    },
    "qa-sampling": {
        "task": "qa.sampling",
        "schedule": timedelta(hours=1),
    },
    "remind-commitments": {
        "task": "interactions.remind_commitments",
        "schedule": timedelta(minutes=5),
    },
    "record-submission-interactions": {
        "task": "interactions.record_submissions",
        "schedule": timedelta(minutes=1),
    },
    "mark-broken-commitments": {
        "task": "interactions.mark_broken_commitments",
        "schedule": timedelta(minutes=5),
    },
    "escalate-unacknowledged-requests": {
        "task": "work.escalate_unacknowledged",
        "schedule": timedelta(minutes=5),
    },
    "remove-abandoned-photos": {
        "task": "intake.remove_abandoned_photos",
        "schedule": timedelta(hours=1),
    },
}

# --- Logging: JSON lines in production, readable lines locally ---
LOG_LEVEL = env_str("CIVIC311_LOG_LEVEL", "INFO")
LOG_FORMAT = env_choice("CIVIC311_LOG_FORMAT", ("json", "plain"), "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Domain settings ---
CIVIC311_CITY_NAME = env_str("CIVIC311_CITY_NAME", "Riverton")
# The catalogue's catch-all group (as named in the catalogue, before translation): listed
# last for residents, after the groups that say what a problem is.
CIVIC311_CATCH_ALL_GROUP = env_str("CIVIC311_CATCH_ALL_GROUP", "Other")
# Who residents ask about their data or an accessibility problem (the privacy and
# accessibility pages); by default the 3-1-1 desk Open311 clients are told to ask.
CIVIC311_PRIVACY_CONTACT = env_str("CIVIC311_PRIVACY_CONTACT", "311@riverton.example.gov")
# How long the city keeps service requests, in its own words (its records schedule); empty
# says that the city's records schedule decides, without a figure.
CIVIC311_RECORDS_RETENTION = env_str("CIVIC311_RECORDS_RETENTION", "")
# Requests whose service has no owner, or that nothing else matches, go here (C6: never unrouted).
CIVIC311_TRIAGE_DEPARTMENT = env_str("CIVIC311_TRIAGE_DEPARTMENT", "contact-centre")
# After the second transfer a request goes to this unit of the triage department.
CIVIC311_ROUTING_DESK_UNIT = env_str("CIVIC311_ROUTING_DESK_UNIT", "routing-desk")
# Metres outside an area's boundary that still count as inside it.
CIVIC311_ROUTING_TOLERANCE_M = float(env_int("CIVIC311_ROUTING_TOLERANCE_M", 30))
# How often (seconds) a process checks whether rules, areas or services have changed.
CIVIC311_ROUTING_REFRESH_SECONDS = env_int(
    "CIVIC311_ROUTING_REFRESH_SECONDS", 0 if ENVIRONMENT == "test" else 5
)

# --- Open311 GeoReport v2 ---
CIVIC311_OPEN311_JURISDICTION = env_str("CIVIC311_OPEN311_JURISDICTION", "riverton.example.gov")
CIVIC311_OPEN311_CONTACT = env_str(
    "CIVIC311_OPEN311_CONTACT", "Riverton 3-1-1, 311@riverton.example.gov, dial 3-1-1"
)
CIVIC311_OPEN311_KEY_SERVICE = env_str(
    "CIVIC311_OPEN311_KEY_SERVICE", "Ask 311@riverton.example.gov for an API key."
)
# How long the shared cache remembers an API key; revoking or deleting one takes effect at once.
CIVIC311_OPEN311_KEY_CACHE_SECONDS = env_int(
    "CIVIC311_OPEN311_KEY_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 30
)
# A repeat POST with the same device_id and content within this window gets the same request.
CIVIC311_OPEN311_IDEMPOTENCY_SECONDS = env_int("CIVIC311_OPEN311_IDEMPOTENCY_SECONDS", 600)
# Region for phone numbers given without a country code (ISO 3166 alpha-2).
CIVIC311_PHONE_REGION = env_str("CIVIC311_PHONE_REGION", "US")

# --- Work queues ---
# Queue counts are shared for this many seconds (a large queue's counts cost ~15 ms).
CIVIC311_QUEUE_COUNTS_CACHE_SECONDS = env_int(
    "CIVIC311_QUEUE_COUNTS_CACHE_SECONDS", 0 if ENVIRONMENT == "test" else 10
)

# --- Notifications ---
# Where residents reach the site: links in messages (survey links) start with it.
CIVIC311_PUBLIC_URL = env_str(
    "CIVIC311_PUBLIC_URL",
    f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION and ALLOWED_HOSTS else "http://127.0.0.1:8000",
).rstrip("/")
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    {
        "production": "django.core.mail.backends.smtp.EmailBackend",
        "test": "django.core.mail.backends.locmem.EmailBackend",
    }.get(ENVIRONMENT, "django.core.mail.backends.filebased.EmailBackend"),
)
EMAIL_FILE_PATH = env_str("DJANGO_EMAIL_FILE_PATH", str(BASE_DIR.parent / ".local" / "mail"))
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", PRODUCTION)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str(
    "DJANGO_DEFAULT_FROM_EMAIL", "Riverton 3-1-1 <311@riverton.example.gov>"
)
CIVIC311_EMAIL_DOMAIN = env_str("CIVIC311_EMAIL_DOMAIN", "riverton.example.gov")
# An email provider through django-anymail: set DJANGO_EMAIL_BACKEND to its backend
# (e.g. anymail.backends.postmark.EmailBackend) and ANYMAIL_* for its keys.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
CIVIC311_SMS_TRANSPORT = env_choice("CIVIC311_SMS_TRANSPORT", ("console", "twilio"), "console")
CIVIC311_SMS_FILE = env_str(
    "CIVIC311_SMS_FILE", "" if PRODUCTION else str(BASE_DIR.parent / ".local" / "sms.log")
)
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = env_str("TWILIO_FROM_NUMBER", "")
# The sweep leaves fresh messages to the task queued at commit for this long.
CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS = env_int("CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS", 60)

# --- Health and operations (see core/health.py) ---
# Readiness fails when the oldest due outbox message has waited longer than this...
CIVIC311_READY_OUTBOX_MAX_AGE_SECONDS = env_int("CIVIC311_READY_OUTBOX_MAX_AGE_SECONDS", 300)
# ...or when the last beat tick (a heartbeat every minute, run by a worker) is older than this.
CIVIC311_READY_BEAT_MAX_AGE_SECONDS = env_int("CIVIC311_READY_BEAT_MAX_AGE_SECONDS", 180)

# --- Trusted proxies and failed logins (issue 13) ---
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (local default):
# the header is ignored and the client is the connection's address. Behind one nginx: 1.
# Throttles (DRF NUM_PROXIES) and the failed-login lockout read the client from the same rule.
CIVIC311_TRUSTED_PROXIES = env_int("CIVIC311_TRUSTED_PROXIES", 0)
REST_FRAMEWORK["NUM_PROXIES"] = CIVIC311_TRUSTED_PROXIES
# django-axes: after this many failures an account, and separately an address, is locked out
# of every login (admin, /api/v1/auth/token/, any LoginView) for the cool-off time.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the session's user with its second-factor rule.
    "accounts.backends.StaffBackend",
]
AXES_FAILURE_LIMIT = env_int("CIVIC311_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("CIVIC311_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.throttles.client_address"
# Failures are kept (and shown in the admin); successful logins are not logged row by row.
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_FORM_FIELD = "username"

# --- Content-Security-Policy (django-csp; issue 13) ---
# No inline script or style anywhere: templates load static files only. Inline style
# attributes are refused too, except the two exact ones DRF's browsable API writes, allowed
# by hash. Map tiles in the admin's area editor come from NASA Worldview.
_DRF_STYLE_ATTRIBUTES = [
    "'sha256-OfgyIBrd+/vP79JdFMYP+re4T+fIenvkrHPD2HZ8/cs='",  # float: right; margin-right: 10px
    # An empty style attribute (style=""), which scripts leave behind when they clear an
    # element's inline style (htmx swaps, OpenLayers): it styles nothing.
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]
REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "api.renderers.StrictBrowsableAPIRenderer",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-hashes'", *_DRF_STYLE_ATTRIBUTES],
        "img-src": ["'self'", "data:", "https://*.vis.earthdata.nasa.gov"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Several hosts (issue 18): read replicas, PgBouncer, Redis Sentinel, one beat ---
# Kept in one block; the helpers and their rules are in civic311/cluster.py.
from typing import cast  # noqa: E402

from civic311 import cluster  # noqa: E402

# Read-only views that opt in (core.dbrouter.reading_from_replica) read from these.
DATABASES.update(cluster.replica_databases(DATABASES["default"]))
CIVIC311_READ_REPLICAS = [alias for alias in DATABASES if alias.startswith("replica")]
if ENVIRONMENT == "test":
    # A second connection to the test database, for tests that turn replica reads on.
    DATABASES["replica-test"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
# A client that wrote reads from the primary for this long, so it sees its own report.
CIVIC311_READ_YOUR_WRITES_SECONDS = env_int("CIVIC311_READ_YOUR_WRITES_SECONDS", 10)
# Before django-axes, which asks to be last.
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "core.dbrouter.ReadYourWritesMiddleware"
)

# Redis behind Sentinel: REDIS_SENTINELS=host:port,... and REDIS_SENTINEL_MASTER.
REDIS_SENTINELS = cluster.sentinels()
REDIS_SENTINEL_MASTER = cluster.sentinel_master()
if REDIS_SENTINELS:
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", cluster.sentinel_broker_url(REDIS_SENTINELS))
    cast(dict[str, Any], CELERY_BROKER_TRANSPORT_OPTIONS)["master_name"] = REDIS_SENTINEL_MASTER
    if "CACHE_URL" not in os.environ:
        CACHES["default"] = cluster.sentinel_cache(
            REDIS_SENTINELS,
            REDIS_SENTINEL_MASTER,
            db=2 if ENVIRONMENT == "test" else 1,
            key_prefix=f"civic311-{ENVIRONMENT}",
        )

# Celery beat holds this Redis lock while it sends (core.beat.LockedScheduler).
CIVIC311_BEAT_LOCK_URL = env_str("CIVIC311_BEAT_LOCK_URL", REDIS_URL)
CIVIC311_BEAT_LOCK_SECONDS = env_int("CIVIC311_BEAT_LOCK_SECONDS", 30)
CELERY_BEAT_SCHEDULER = "core.beat:LockedScheduler"
# --- end of the several-hosts block ---
