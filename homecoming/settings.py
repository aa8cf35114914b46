"""Django settings, read from environment variables.

SQLite under ``var/`` is the default; ``DATABASE_URL`` switches to PostgreSQL
(``postgres://user:password@host:port/name``). Every variable is listed in
``docs/operations.md``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("HOMECOMING_VAR_DIR", PROJECT_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# DEBUG is development mode: Django's debug pages, the public development secret key, plain
# HTTP, and the second factor off unless asked for. Without it every protection is on and the
# server refuses to start without a secret key of its own (docs/operations.md).
DEVELOPMENT_SECRET_KEY = "homecoming-development-key-not-for-production"  # noqa: S105 (refused unless DEBUG)
DEBUG = envbool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters "
        "(or DEBUG=1 for development only)."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
# A form refused for its CSRF token says why, in the site's frame (core/views.py).
CSRF_FAILURE_VIEW = "homecoming.core.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: stored as digests, expiring (accounts.ApiToken)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "simple_history",  # the audit trail: `history = HistoricalRecords()` on each domain model
    "django_otp",  # time-based one-time passwords for staff (REQUIRE_TOTP)
    "django_otp.plugins.otp_totp",
    "django_tasks",  # background tasks (the backport of Django 6's django.tasks)
    "django_tasks_db",  # ... kept in the database, run by `homecoming db_worker`
    "homecoming.core",
    "homecoming.accounts",
    "homecoming.places",
    "homecoming.programmes",
    "homecoming.registry",
    "homecoming.mineaction",
    "homecoming.housing",
    "homecoming.monitoring",
    "homecoming.returns",
    "homecoming.heritage",
    "homecoming.site",
    # the top layer: the demo and the synthetic programme, each with its command
    "homecoming.demo",
    "homecoming.synth",
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
    "django_otp.middleware.OTPMiddleware",
    # Sends staff who have not confirmed this sign-in with a one-time password to do so.
    "homecoming.accounts.middleware.RequireTOTPMiddleware",
    # Logs each read of personal data and each refused attempt; keeps them out of caches.
    "homecoming.accounts.middleware.AccessLogMiddleware",
    # Records the signed-in user as the author of each change in the audit trail.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "homecoming.core.middleware.IdleSessionTimeoutMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "homecoming.urls"
WSGI_APPLICATION = "homecoming.wsgi.application"

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
                "homecoming.site.context_processors.shell",
            ],
        },
    },
]

SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", VAR_DIR / "homecoming.sqlite3"))
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE takes the write
                # lock at the start of a transaction so that two writers queue instead of
                # failing half-way with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }

# Background tasks (the browser's imports) wait in the database until `homecoming db_worker`
# runs them: no broker to run, on SQLite as on PostgreSQL (docs/operations.md, "The worker").
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Each server process keeps its own cache in memory ("default"); the figures of the
# dashboards and the home page are kept in a table of the database ("shared"), which every
# process and the worker read, and counted again by the worker once they are older than
# DASHBOARD_CACHE_SECONDS (docs/operations.md, "Caching"; the table is made by a migration).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "homecoming_shared_cache",
        # A day's audiences (districts and programmes) × languages × two pages, and their
        # markers, well within; past it Django drops the expired entries first.
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
DASHBOARD_CACHE_SECONDS = envint("DASHBOARD_CACHE_SECONDS", 60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 for new and changed passwords; older hashes still verify and are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling and lockout
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address: from X-Forwarded-For only when the request comes from one of these
# proxies (addresses or networks); otherwise the connecting address (core/proxy.py). The
# lockout, the access log and the audit trail all use it.
TRUSTED_PROXIES = envlist("HOMECOMING_TRUSTED_PROXIES", "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"HOMECOMING_TRUSTED_PROXIES: {exc}") from exc
AXES_CLIENT_IP_CALLABLE = "homecoming.core.proxy.client_address"

# Staff roles that read personal data confirm each sign-in with a time-based one-time
# password from an authenticator app (accounts/access.py: totp_required). On unless DEBUG;
# the demo and the tests turn it on where they need it.
REQUIRE_TOTP = envbool("HOMECOMING_REQUIRE_TOTP", not DEBUG)
OTP_TOTP_ISSUER = os.environ.get("HOMECOMING_TOTP_ISSUER", "Homecoming")

# The audit trail is read, never replayed: the admin site offers no "revert" (it would go
# around the services' rules, and a user's version lacks the password hash by design).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Sessions end after SESSION_IDLE_SECONDS without a request, and in any case after
# SESSION_COOKIE_AGE; closing the browser ends them too.
SESSION_COOKIE_AGE = envint("SESSION_ABSOLUTE_SECONDS", 8 * 3600)
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "homecoming.accounts.passwords.VarietyValidator"},
]

LANGUAGE_CODE = "en"
# Each language named in itself, so that a reader finds theirs whatever the page's language.
LANGUAGES = [("en", "English"), ("az", "Azərbaycanca"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Baku")
USE_I18N = True
USE_TZ = True
# Numbers and dates follow the page's language (docs/operations.md, "Numbers and dates"):
# 13,000 in English, 13 000 in Azerbaijani and Russian. An integer that is a key or a year
# rather than a quantity is written with |unlocalize or |date:"Y" in the templates.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["homecoming.core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (monument photos): served by the application after its access checks,
# never as a public directory.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("HOMECOMING_MEDIA_DIR", VAR_DIR / "media"))
HERITAGE_PHOTO_MAX_BYTES = envint("HERITAGE_PHOTO_MAX_BYTES", 8 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Leaflet's files come from the django-leaflet package (not installed as an app: it
# would pull in GeoDjango and GDAL, which Homecoming does not need).
# Plotly's offline bundle comes from the plotly package, served under static/plotly/.
STATICFILES_DIRS = [
    Path(find_spec("leaflet").submodule_search_locations[0]) / "static",
    ("plotly", Path(find_spec("plotly").submodule_search_locations[0]) / "package_data"),
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous API call gets 401 with WWW-Authenticate.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "homecoming.core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "homecoming.core.api.exception_handler",
    # The browsable API's HTML only for signed-in users; anonymous callers get JSON.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "homecoming.core.negotiation.ContentNegotiation",
}

# API tokens (django-rest-knox): made by their owner on the "API tokens" page after the
# second factor, shown once, stored as a SHA-512 digest, valid for API_TOKEN_DAYS.
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model's name, not a secret)
# knox's own migrations would create its default token table, which accounts.ApiToken replaces.
MIGRATION_MODULES = {"knox": None}
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 30)
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(days=API_TOKEN_DAYS),
    "TOKEN_PREFIX": "hmc_",  # lets secret scanners recognise a leaked token
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Homecoming API",
    "DESCRIPTION": "Places, registry and the return pipeline of a return programme.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation only for signed-in users.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status"; each gets its own, stable enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "HazardAreaStatusEnum": "homecoming.mineaction.models.HazardArea.Status",
        "LandReleaseStatusEnum": "homecoming.mineaction.models.LandReleaseActivity.Status",
        "ProjectStatusEnum": "homecoming.housing.models.Project.Status",
        "HousingUnitStatusEnum": "homecoming.housing.models.HousingUnit.Status",
        "UtilityStatusEnum": "homecoming.housing.models.Utility.Status",
        "HouseholdStatusEnum": "homecoming.registry.models.Household.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "homecoming.core.api.document_error_responses",
    ],
}

# Content Security Policy: scripts and styles from the application itself only (inline
# styles are allowed for Leaflet and Plotly, which set element styles); no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *envlist("HOMECOMING_MAP_TILE_HOSTS", "")],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
    # Preloading is a commitment the operator makes for the domain (docs/operations.md).
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Map: no basemap by default, so the system runs offline. Set a tile URL template
# (e.g. an internal tile server) to draw one under the settlements.
MAP_TILE_URL = os.environ.get("HOMECOMING_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("HOMECOMING_MAP_TILE_ATTRIBUTION", "")

# Land readiness: the radius around a settlement's point, in metres, within which every
# hazard area must be released when the settlement has no footprint polygon.
LAND_READINESS_BUFFER_M = envint("HOMECOMING_LAND_BUFFER_M", 1000)

# The rules of return below (required services, rooms table, offer deadline, priority
# weights) are only the defaults of version 1 of the first programme's policy, made once by
# migration programmes 0002 (programmes/defaults.py). After that, each programme's policy
# versions hold the rules (docs/policies.md); changing these settings changes no version.
# Readiness for return: the utilities and services a settlement must have commissioned.
RETURN_REQUIRED_SERVICES = envlist(
    "HOMECOMING_REQUIRED_SERVICES", "electricity,water,school,clinic"
)

# Return planning: rows [household size, smallest, largest acceptable room count] (sizes
# above the table use its last row), and the weights of the priority score.
RETURN_ROOMS_POLICY = [[1, 1, 2], [2, 1, 2], [3, 2, 3], [4, 2, 3], [5, 3, 4], [6, 3, 4], [7, 4, 5]]
OFFER_ANSWER_DAYS = envint("OFFER_ANSWER_DAYS", 14)  # days a household has to answer an offer
# The worklist (docs/operations.md, The worklist): departures this many days ahead whose seats
# are not all confirmed, and returned households this many days after their keys with no
# follow-up visit yet.
WORKLIST_DEPARTURE_DAYS = envint("WORKLIST_DEPARTURE_DAYS", 14)
FOLLOW_UP_DUE_DAYS = envint("FOLLOW_UP_DUE_DAYS", 30)
RETURN_PRIORITY_WEIGHTS = {
    "vulnerable_members": envint("PRIORITY_WEIGHT_VULNERABLE", 15),
    "collective_accommodation": envint("PRIORITY_WEIGHT_COLLECTIVE", 10),
    "members": envint("PRIORITY_WEIGHT_MEMBERS", 2),
    "years_displaced": envint("PRIORITY_WEIGHT_YEARS", 1),
}

# How long reads of personal data stay in the access log (`homecoming access_log_prune`).
ACCESS_LOG_RETENTION_DAYS = envint("ACCESS_LOG_RETENTION_DAYS", 730)

# Largest request body (form fields, API JSON; uploaded files are not counted), in bytes;
# uploaded files larger than FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 2621440)

# Import files are measured before they are parsed (core/safety.py): the file itself, and
# an XLSX's zip entries (how many, how large once expanded, how strongly compressed).
IMPORT_MAX_FILE_MB = envint("IMPORT_MAX_FILE_MB", 50)
# How long a browser import's check keeps what it checked (personal data, for the confirmed
# import to write without reading the file again): removed after this many hours unconfirmed;
# a later confirmation reads and checks the uploaded file again (site/services.py).
IMPORT_CHECK_KEPT_HOURS = envint("IMPORT_CHECK_KEPT_HOURS", 72)
XLSX_MAX_EXPANDED_MB = envint("XLSX_MAX_EXPANDED_MB", 200)
XLSX_MAX_ENTRIES = envint("XLSX_MAX_ENTRIES", 1000)
XLSX_MAX_COMPRESSION_RATIO = envint("XLSX_MAX_COMPRESSION_RATIO", 100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Splink reports every training step as a warning; its results are in the review queue.
    "loggers": {"splink": {"level": "ERROR"}},
}
