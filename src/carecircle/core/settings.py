"""Django settings. Everything a deployment changes comes from the environment:

CARECIRCLE_HOME       data folder (default ~/.carecircle): embedded database, keys, uploads
DATABASE_URL          e.g. postgres://user@host/db (default: SQLite file in the data folder)
CELERY_BROKER_URL     e.g. redis://127.0.0.1:6379/0 (default: tasks run in-process, no broker)
CARECIRCLE_SECRET_KEY, CARECIRCLE_VAULT_KEY   keys (default: files in the keys folder, see below)
CARECIRCLE_KEYS       keys folder (default: the data folder's name + "-keys", beside it); the vault key
                      is created only for a database without personal data (core/keyring.py)
CARECIRCLE_DEBUG      "1" for development
CARECIRCLE_ALLOWED_HOSTS  comma-separated
CARECIRCLE_PAYROLL_WORKERS  programmes of a payroll run computed at once (PostgreSQL; default: cores)
CARECIRCLE_MAP_TILES  the basemap's tile URL template ({z}/{x}/{y}), a service inside the network (default: the
                      platform's own tiles, drawn from its road network and region boundaries)
DATABASE_REPLICA_URL  a streaming replica that serves read-only pages (core/dbrouter.py; default: none)
CARECIRCLE_REGION_QUEUES  district code = Celery queue, comma-separated (core/taskroutes.py; default: none)
CARECIRCLE_SMS_GATEWAY_URL  an SMS gateway inside the network (portal/channels.py; default: none, no SMS)
"""

import os
from pathlib import Path

import dj_database_url

from carecircle.core import taskroutes
from carecircle.core.csp import content_security_policy
from carecircle.core.datadir import data_home, key_from_env_or_file, read_key, restrict_data_home
from carecircle.core.observability import build as build_logging

BASE_DIR = Path(__file__).resolve().parent.parent
HOME = data_home()
restrict_data_home(HOME)  # umask 077; the folder 0700, its files 0600 (core/datadir.py)

SECRET_KEY = key_from_env_or_file("CARECIRCLE_SECRET_KEY", "secret.key", 48)
VAULT_KEY = read_key("CARECIRCLE_VAULT_KEY", "vault.key")  # "" when missing: the start check refuses
DEBUG = os.environ.get("CARECIRCLE_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("CARECIRCLE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

# Every domain module of DESIGN.md's layout; each may provide urls.py, api.py (a ninja `router`),
# tasks.py and demo.py, which the core discovers (see core/plugins.py).
_KNOWN_MODULES = [
    "registry",
    "assessment",
    "carevisits",
    "benefits",
    "homecare",
    "alarms",
    "facilities",
    "childcare",
    "oversight",
    "planning",
    "workforce",
    "timebank",
    "careathome",
    "portal",
]
CARECIRCLE_MODULES = [m for m in _KNOWN_MODULES if (BASE_DIR / m / "apps.py").exists()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API docs page from the server's own static files (otherwise ninja loads them from a CDN)
    "csp",
    "carecircle.core",
    *[f"carecircle.{name}" for name in CARECIRCLE_MODULES],
]

MIDDLEWARE = [
    "carecircle.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "carecircle.core.static_files.AsyncStreamingMiddleware",  # streamed answers stream asynchronously under ASGI
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "carecircle.core.validation.NulCharacterMiddleware",  # before anything reads a cookie or a field
    "carecircle.core.dbguard.DeadlineMiddleware",
    "carecircle.core.dbguard.SessionMiddleware",
    "carecircle.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carecircle.core.middleware.NoStoreMiddleware",
    "carecircle.core.middleware.IdleTimeoutMiddleware",
    "carecircle.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "carecircle.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "carecircle.core.urls"
WSGI_APPLICATION = "carecircle.core.wsgi.application"
ASGI_APPLICATION = "carecircle.core.asgi.application"

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
                "carecircle.core.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{HOME / 'carecircle.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
# Fail fast (issue 14): a connection attempt gives up after CARECIRCLE_DB_CONNECT_TIMEOUT seconds; a
# web request's statement after CARECIRCLE_DB_STATEMENT_TIMEOUT (client-side, core/dbguard.py), so a
# cut network answers a clear 503 instead of hanging; /healthz answers within CARECIRCLE_HEALTH_TIMEOUT.
CARECIRCLE_DB_CONNECT_TIMEOUT = int(os.environ.get("CARECIRCLE_DB_CONNECT_TIMEOUT", "5"))
CARECIRCLE_DB_STATEMENT_TIMEOUT = float(os.environ.get("CARECIRCLE_DB_STATEMENT_TIMEOUT", "30"))
CARECIRCLE_HEALTH_TIMEOUT = float(os.environ.get("CARECIRCLE_HEALTH_TIMEOUT", "1.5"))
# Requests of a server process in Django at once under ASGI; the others wait in order of arrival
# (core/asgi_handler.py). Two: one computes while the other waits on the database.
CARECIRCLE_REQUEST_SLOTS = max(1, int(os.environ.get("CARECIRCLE_REQUEST_SLOTS", "2")))
# Connections kept between requests (core/dbpool.py): each request's connection is closed at its end,
# as Django advises under ASGI (CONN_MAX_AGE 0: under Django's ASGI handler each request ran on a thread of its own, and a
# kept connection lived on with the ended thread until the garbage collector came by, running the
# server out of connections, tests/core/test_asgi_connections.py), and the close hands it to the next
# request instead. CARECIRCLE_DB_POOL_SIZE idle connections per server process and database; 0: none.
CARECIRCLE_DB_POOL_SIZE = int(os.environ.get("CARECIRCLE_DB_POOL_SIZE", "16"))
_POOLED_ENGINES = {
    "django.db.backends.postgresql": "carecircle.core.dbbackends.postgresql",
    "django.db.backends.sqlite3": "carecircle.core.dbbackends.sqlite3",
}
if DATABASES["default"]["ENGINE"] in _POOLED_ENGINES:
    DATABASES["default"]["ENGINE"] = _POOLED_ENGINES[DATABASES["default"]["ENGINE"]]
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == _POOLED_ENGINES["django.db.backends.postgresql"]:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": CARECIRCLE_DB_CONNECT_TIMEOUT,
            # The server stops a statement whose client went away (a killed command's INSERT would
            # otherwise run on, holding its locks, and the re-run would wait for it); keepalives find
            # a dead peer on a quiet connection.
            "options": "-c client_connection_check_interval=2000",
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        }
    )
if DATABASES["default"]["ENGINE"] == _POOLED_ENGINES["django.db.backends.sqlite3"]:
    # WAL lets readers (pages, progress polls) go on while an import or payroll writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": float(
            os.environ.get("CARECIRCLE_DB_BUSY_TIMEOUT", "30")
        ),  # SQLite: wait for the write lock
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "carecircle.core.validators.ComplexityValidator"},
    # zxcvbn's estimate (score 0-4, 3 = about 10^10 guesses); character classes alone let "aaaaaaaaaaA1" in.
    {"NAME": "carecircle.core.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# 等保 2.0 level 3: lock after repeated failures; end idle sessions. Every way in (login page, the
# Django admin's login, POST /api/v1/auth/token) counts in the database (core/throttle.py), within
# windows of CARECIRCLE_LOCKOUT_MINUTES: a name from one address is locked after
# CARECIRCLE_LOGIN_MAX_FAILURES, an address after ..._PER_ADDRESS (over any names), a name from every
# address after ..._PER_ACCOUNT (the ceiling a stranger from one address cannot reach), the second
# factor of an account after CARECIRCLE_OTP_MAX_FAILURES wrong codes.
CARECIRCLE_LOGIN_MAX_FAILURES = int(os.environ.get("CARECIRCLE_LOGIN_MAX_FAILURES", "5"))
CARECIRCLE_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("CARECIRCLE_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")
)
CARECIRCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT = int(
    os.environ.get("CARECIRCLE_LOGIN_MAX_FAILURES_PER_ACCOUNT", "50")
)
CARECIRCLE_OTP_MAX_FAILURES = int(os.environ.get("CARECIRCLE_OTP_MAX_FAILURES", "5"))
CARECIRCLE_LOCKOUT_MINUTES = int(os.environ.get("CARECIRCLE_LOCKOUT_MINUTES", "15"))
# Residents' sign-in by phone and one-time code (portal/accounts.py): a code is good once for
# CARECIRCLE_PHONE_CODE_MINUTES; within CARECIRCLE_PHONE_CODE_WINDOW_MINUTES a phone is sent at most
# ..._PER_PHONE codes (and one per ..._INTERVAL_SECONDS), a client address at most ..._PER_ADDRESS.
# Wrong codes count on the sign-in counters (core/throttle.py: CARECIRCLE_OTP_MAX_FAILURES per phone).
CARECIRCLE_PHONE_CODE_MINUTES = int(os.environ.get("CARECIRCLE_PHONE_CODE_MINUTES", "5"))
CARECIRCLE_PHONE_CODE_WINDOW_MINUTES = int(os.environ.get("CARECIRCLE_PHONE_CODE_WINDOW_MINUTES", "60"))
CARECIRCLE_PHONE_CODE_PER_PHONE = int(os.environ.get("CARECIRCLE_PHONE_CODE_PER_PHONE", "5"))
CARECIRCLE_PHONE_CODE_PER_ADDRESS = int(os.environ.get("CARECIRCLE_PHONE_CODE_PER_ADDRESS", "20"))
CARECIRCLE_PHONE_CODE_INTERVAL_SECONDS = int(os.environ.get("CARECIRCLE_PHONE_CODE_INTERVAL_SECONDS", "60"))
# The second factor (TOTP) is required of every account holding one of these permissions ("*"
# wildcards; superusers hold them all); empty: not required of anyone. `carecircle demo` relaxes it
# for its own demo accounts only (CARECIRCLE_TOTP_EXEMPT_USERNAMES, never read from the environment).
CARECIRCLE_TOTP_REQUIRED_PERMISSIONS = [
    p.strip()
    for p in os.environ.get("CARECIRCLE_TOTP_REQUIRED_PERMISSIONS", "pii.unmask,*.export").split(",")
    if p.strip()
]
CARECIRCLE_TOTP_EXEMPT_USERNAMES: frozenset[str] = frozenset()
# API tokens expire after this many hours and stop working when the owner's password changes.
CARECIRCLE_TOKEN_LIFETIME_HOURS = int(os.environ.get("CARECIRCLE_TOKEN_LIFETIME_HOURS", "12"))
CARECIRCLE_IDLE_TIMEOUT_SECONDS = int(os.environ.get("CARECIRCLE_IDLE_TIMEOUT_SECONDS", "1800"))
# Programmes of a payroll run computed at once on PostgreSQL (0: as many as the machine has cores).
CARECIRCLE_PAYROLL_WORKERS = int(os.environ.get("CARECIRCLE_PAYROLL_WORKERS", "0"))

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
# Sessions in the database, their common write in one statement (core/sessions.py).
SESSION_ENGINE = "carecircle.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Maps: a basemap from a tile service the deployment names (a URL template with {z}/{x}/{y}, e.g. 天地图
# or a provincial GIS service on the intranet); empty: the platform's own tiles (planning/basemap.py,
# drawn from the stored road network, its water and the region boundaries, served by this server).
# Nothing a page needs comes from outside the server unless named here.
CARECIRCLE_MAP_TILES = os.environ.get("CARECIRCLE_MAP_TILES", "")
CARECIRCLE_MAP_ATTRIBUTION = os.environ.get("CARECIRCLE_MAP_ATTRIBUTION", "")
# SMS to residents (portal/channels.py): an HTTP gateway inside the network that takes a message with
# the sender's idempotency key (client reference) and sends it once. Empty: no SMS, the site inbox only.
CARECIRCLE_SMS_GATEWAY_URL = os.environ.get("CARECIRCLE_SMS_GATEWAY_URL", "")
CARECIRCLE_SMS_GATEWAY_TOKEN = os.environ.get("CARECIRCLE_SMS_GATEWAY_TOKEN", "")
CARECIRCLE_SMS_GATEWAY_TIMEOUT = float(os.environ.get("CARECIRCLE_SMS_GATEWAY_TIMEOUT", "10"))
CARECIRCLE_SMS_BATCH = int(os.environ.get("CARECIRCLE_SMS_BATCH", "100"))
# The first retry after a failed send waits this long; each further one twice as long (up to 6 hours).
CARECIRCLE_SMS_RETRY_SECONDS = float(os.environ.get("CARECIRCLE_SMS_RETRY_SECONDS", "30"))
# Content-Security-Policy on every response (django-csp): scripts only from the server's own files
# (no inline script, no event-handler attributes, no eval), nothing framed, no plug-ins. Styles keep
# 'unsafe-inline' (style attributes in templates and the server-drawn SVG charts). See docs/security.md.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": content_security_policy(CARECIRCLE_MAP_TILES)}
SECURE_CONTENT_TYPE_NOSNIFF = True
# CARECIRCLE_HTTPS=1: the deployment runs behind HTTPS (a proxy that ends TLS and sets
# X-Forwarded-Proto). Cookies travel over HTTPS only, browsers are told to use nothing else (HSTS,
# CARECIRCLE_HSTS_SECONDS, default one year) and plain-http requests are redirected, except the
# health probe.
CARECIRCLE_HTTPS = os.environ.get("CARECIRCLE_HTTPS") == "1"
if CARECIRCLE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("CARECIRCLE_HSTS_SECONDS", "31536000"))
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = HOME / "uploads"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploaded tables (core/tables.py, core/limits.py): the largest file, the most data rows, and for
# .xlsx (a zip) the most bytes its members may unpack to and the highest packing ratio of a member.
CARECIRCLE_UPLOAD_MAX_BYTES = int(os.environ.get("CARECIRCLE_UPLOAD_MAX_BYTES", str(25 * 1024 * 1024)))
CARECIRCLE_UPLOAD_MAX_ROWS = int(os.environ.get("CARECIRCLE_UPLOAD_MAX_ROWS", "100000"))
CARECIRCLE_UPLOAD_MAX_UNPACKED_BYTES = int(
    os.environ.get("CARECIRCLE_UPLOAD_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024))
)
CARECIRCLE_UPLOAD_MAX_RATIO = int(os.environ.get("CARECIRCLE_UPLOAD_MAX_RATIO", "100"))
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# An uploaded import file (full ID numbers, phones, addresses) is deleted this many hours after
# its import finished (0: at once); a failed import's file is kept CARECIRCLE_UPLOAD_RETRY_HOURS for
# a retry. registry.tasks.purge_uploads removes what is due (registry/uploads.py).
CARECIRCLE_UPLOAD_RETENTION_HOURS = int(os.environ.get("CARECIRCLE_UPLOAD_RETENTION_HOURS", "0"))
CARECIRCLE_UPLOAD_RETRY_HOURS = int(os.environ.get("CARECIRCLE_UPLOAD_RETRY_HOURS", "24"))
# A caregiver's check-in this many minutes before a booked slot or after it needs no reason; outside
# it the check-in needs one and the visit is flagged for review (homecare/evv.py).
CARECIRCLE_CHECKIN_WINDOW_MINUTES = int(os.environ.get("CARECIRCLE_CHECKIN_WINDOW_MINUTES", "60"))
# Device care (alarms/device_care.py): a device's battery below this per cent is "电量低"; a device
# with no test signal for this many days is due its monthly test. Call quality audit
# (alarms/call_audit.py): incidents drawn per operator and month (at least 2).
CARECIRCLE_DEVICE_LOW_BATTERY = int(os.environ.get("CARECIRCLE_DEVICE_LOW_BATTERY", "20"))
CARECIRCLE_DEVICE_TEST_DAYS = int(os.environ.get("CARECIRCLE_DEVICE_TEST_DAYS", "30"))
CARECIRCLE_CALL_AUDIT_PER_OPERATOR = max(2, int(os.environ.get("CARECIRCLE_CALL_AUDIT_PER_OPERATOR", "2")))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "django.contrib.staticfiles.finders.FileSystemFinder",
]


def _registry_static_dirs() -> list[tuple[str, str]]:
    # Front-end libraries come from registry packages at install time, never from the repository.
    import xstatic.pkg.leaflet  # noqa: PLC0415 — settings load before Django's apps

    return [("leaflet", xstatic.pkg.leaflet.BASE_DIR)]


STATICFILES_DIRS = _registry_static_dirs()

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# More than one machine (docs/operations.md, "More than one machine"). CARECIRCLE_REGION_QUEUES maps
# district codes to Celery queues ("339901=east,339902=west"): a background task that belongs to a
# region inside one of them (an import, a district's payroll) goes to that queue, everything else to
# the default queue "celery"; `carecircle worker --queues east` consumes one (core/taskroutes.py).
CARECIRCLE_REGION_QUEUES = taskroutes.parse(os.environ.get("CARECIRCLE_REGION_QUEUES", ""))
CARECIRCLE_TASK_QUEUES = taskroutes.queues(CARECIRCLE_REGION_QUEUES)  # every queue (metrics, workers)
# DATABASE_REPLICA_URL: a streaming replica of DATABASE_URL. Read-only pages read from it (GET/HEAD
# requests that wrote nothing, outside transactions); writes, transactions and whatever a client
# reads within CARECIRCLE_REPLICA_STICKY_SECONDS after a POST go to the primary (core/dbrouter.py).
# Unset: one database, no router.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
CARECIRCLE_REPLICA_STICKY_SECONDS = int(os.environ.get("CARECIRCLE_REPLICA_STICKY_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=0,  # closed at the request's end and kept for the next, as the primary's (above)
    )
    DATABASES["replica"]["ENGINE"] = _POOLED_ENGINES.get(
        DATABASES["replica"]["ENGINE"], DATABASES["replica"]["ENGINE"]
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["carecircle.core.dbrouter.ReplicaRouter"]
    # before the session's middleware: everything a request reads is routed
    MIDDLEWARE.insert(
        next(i for i, m in enumerate(MIDDLEWARE) if m.endswith(".SessionMiddleware")),
        "carecircle.core.dbrouter.ReplicaMiddleware",
    )

# Logs: JSON lines on standard error (CARECIRCLE_LOG_FORMAT=text for plain lines), with the request
# id and without personal data (core/observability.py). Metrics at /metrics for the addresses in
# CARECIRCLE_METRICS_ALLOW (comma-separated networks) or a signed-in administrator.
CARECIRCLE_LOG_FORMAT = os.environ.get("CARECIRCLE_LOG_FORMAT", "json")
CARECIRCLE_LOG_LEVEL = os.environ.get("CARECIRCLE_LOG", "INFO")
CARECIRCLE_METRICS_ALLOW = [
    n.strip()
    for n in os.environ.get("CARECIRCLE_METRICS_ALLOW", "127.0.0.1/32,::1/128").split(",")
    if n.strip()
]
LOGGING = build_logging(CARECIRCLE_LOG_FORMAT, CARECIRCLE_LOG_LEVEL)
