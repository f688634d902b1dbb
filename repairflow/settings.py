"""repairflow settings.

Every value comes from the environment (or a `.env` file beside `manage.py`), with embedded
defaults that run the whole system on one machine with nothing but Python: SQLite and the
Celery broker live under `var/`. `.env.example` lists every variable.
"""

from datetime import date, timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

# --- Mode ---------------------------------------------------------------------------------
# REPAIRFLOW_ENV=production: the app refuses to start without its own SECRET_KEY, ALLOWED_HOSTS
# and DATABASE_URL, and speaks only HTTPS (`manage.py check --deploy` is clean). development (the
# default): the embedded defaults below, so that `make run` and `make test` need no environment.
REPAIRFLOW_ENV = env("REPAIRFLOW_ENV", default="development")
if REPAIRFLOW_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"REPAIRFLOW_ENV must be 'development' or 'production', not {REPAIRFLOW_ENV!r}.")
PRODUCTION = REPAIRFLOW_ENV == "production"
# The key of development mode (and of .env.example): never accepted in production.
DEVELOPMENT_SECRET_KEY = "insecure-local-only-change-me-in-production"


def production_problems(environment) -> list[str]:
    """What production mode lacks in `environment` (os.environ and .env), each named; none: []."""
    problems = []
    key = environment.get("SECRET_KEY", "")
    if not key:
        problems.append("SECRET_KEY is not set")
    elif key == DEVELOPMENT_SECRET_KEY:
        problems.append("SECRET_KEY is the development key of .env.example")
    elif (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        problems.append(
            f"SECRET_KEY is insecure: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start with "
            f"{SECRET_KEY_INSECURE_PREFIX!r} (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    hosts = [host.strip() for host in environment.get("ALLOWED_HOSTS", "").split(",") if host.strip()]
    if not hosts:
        problems.append("ALLOWED_HOSTS is not set (the host names the site answers to, comma-separated)")
    elif "*" in hosts:
        problems.append("ALLOWED_HOSTS must name the site's hosts, not '*'")
    if not environment.get("DATABASE_URL", "").strip():
        problems.append("DATABASE_URL is not set (e.g. postgres://repairflow@db:5432/repairflow)")
    if environment.get("DEBUG", "").strip().lower() in environ.Env.BOOLEAN_TRUE_STRINGS:
        problems.append("DEBUG is on: it shows settings and code to anyone who causes an error")
    return problems


if PRODUCTION and (_problems := production_problems(env.ENVIRON)):
    raise ImproperlyConfigured(
        "REPAIRFLOW_ENV=production refuses to start: " + "; ".join(_problems) + ". See .env.example."
    )

# --- Runtime files ------------------------------------------------------------------------
VAR_DIR = Path(env("REPAIRFLOW_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# --- Security -----------------------------------------------------------------------------
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The proxies whose X-Forwarded-For is believed (addresses or CIDRs; repairflow/core/addresses.py),
# and whose X-Forwarded-Proto says whether the client spoke HTTPS to them: each must set that
# header itself. From anyone else the header is dropped (core.middleware.ForwardedProtoMiddleware).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS only in production: plain HTTP is redirected (except the health checks, which an
# orchestrator may call inside its network), browsers are told to use nothing else for a year
# (HSTS), and the cookies are never sent over plain HTTP.
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# No page is shown in a frame (also CSP frame-ancestors below); types are never sniffed.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every response (django-csp): scripts, styles, images and requests
# from this origin only, no inline script or style (templates/ has none: tests/core/test_csp.py),
# never framed, no plugins, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # data: for the icons in the admin's and Swagger UI's CSS
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Sessions end at a fixed time after sign-in, whatever is done meanwhile (core/sessions.py): a
# staff member's (department, office, auditor) after 8 hours, anyone else's after 24.
STAFF_SESSION_AGE = timedelta(hours=env.int("STAFF_SESSION_HOURS", default=8))
SESSION_COOKIE_AGE = env.int("SESSION_HOURS", default=24) * 3600

# Throttle counters and the like, shared by every process: the database by default (its table is
# made by `migrate`: core migration 0010), Redis in production (CACHE_URL=redis://127.0.0.1:6379/1).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://repairflow_cache")}

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "repairflow.core.apps.OfficeAdminConfig",  # django.contrib.admin, for the office only (core/sites.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "django_filters",
    "repairflow.core",
    "repairflow.calendar",
    "repairflow.notifications",
    "repairflow.deadlines",
    "repairflow.records",
    "repairflow.cases",
    "repairflow.objections",
    "repairflow.repair",
    "repairflow.sync",
    "repairflow.portal",
    "repairflow.office",
    "repairflow.registrations",
]

MIDDLEWARE = [
    "repairflow.core.middleware.RequestIdMiddleware",  # first: every later log line carries its id
    "repairflow.core.middleware.ForwardedProtoMiddleware",  # before anything asks is_secure()
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, right after the HTTPS redirect
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "repairflow.core.middleware.LanguageMiddleware",
    "repairflow.core.middleware.NulCharacterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "repairflow.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out login (core.views.locked_out)
]

ROOT_URLCONF = "repairflow.urls"
WSGI_APPLICATION = "repairflow.wsgi.application"
ASGI_APPLICATION = "repairflow.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "repairflow.notifications.views.unread_notifications",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite by default (WAL, IMMEDIATE transactions so that writers queue instead of failing);
# DATABASE_URL=postgres://... for production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'repairflow.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Each web thread and each worker process keeps at most one connection, for CONN_MAX_AGE
    # seconds, checked before a request reuses it (a connection the server closed is replaced,
    # not failed on). What all of them may hold together is bounded: see "Serving" below.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Some indexes carry columns beside their keys for PostgreSQL (INCLUDE: read from the index alone);
# SQLite builds them without those columns, the same indexes otherwise: nothing to warn about.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "records.User"
# History keeps a change's whole reason (a user's reason for a return or a pause can be long);
# simple-history's default column keeps 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out (django-axes; docs/api.md "Sessions and tokens"): after 5 failed logins for one user name
# from one client address within 15 minutes, that pair is refused for 15 minutes, the right
# password too, on every login door (the pages, the admin, the API's token). Kept in the database,
# so that every process counts the same failures.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "repairflow.core.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "repairflow.core.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How long an API token lives (docs/api.md "Sessions and tokens").
API_TOKEN_TTL = timedelta(hours=env.int("API_TOKEN_TTL_HOURS", default=12))

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------
# Static files are served by WhiteNoise from every web process. Production: `manage.py
# collectstatic` (the container image runs it when it is built) copies them to STATIC_ROOT under
# names that carry their content's hash, compressed beside (gzip), served with a year's caching.
# Development: straight from the apps' and static/ folders, nothing to collect.
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # empty: WhiteNoise only asks that it be there
# Uploads (attachments, letters): on the file system under MEDIA_ROOT, which every web and worker
# process must share (one machine's disk, or a network file system mounted at the same path).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Limits on what is uploaded and imported -------------------------------------------------
# Every limit on a file a user sends is here; a file over one is refused whole, nothing stored or
# imported, with a message naming the limit (413 `too_large` for the sizes, 400 `invalid` for a
# file that is not what it claims to be). docs/api.md "Attachments" and "Records" describe them.
#
# Attachments (core/attachments.py, core.services.attachment_upload): the largest file (bytes),
# the most pixels an image may have (judged from its header, before it is decoded: a
# decompression bomb is refused; a 600 dpi A4 scan is 35 million), and how large an OFD package
# may be unpacked.
REPAIRFLOW_UPLOAD_MAX_BYTES = env.int("REPAIRFLOW_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
REPAIRFLOW_UPLOAD_MAX_PIXELS = env.int("REPAIRFLOW_UPLOAD_MAX_PIXELS", default=50_000_000)
REPAIRFLOW_UPLOAD_MAX_UNPACKED_BYTES = env.int("REPAIRFLOW_UPLOAD_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
# Imports of CSV or XLSX files of records (records/importing.py):
# - MAX_BYTES: the file as sent;
# - MAX_ROWS: lines after the header, blank lines included (reading stops at the limit);
# - MAX_COLUMNS: cells of a line, up to its last cell that is not empty;
# - MAX_LINE_CHARS: characters of one line of a CSV file (a cell has at most 131,072, the
#   csv module's own limit);
# - MAX_UNPACKED_BYTES: an XLSX workbook's parts unpacked, as its directory declares them, judged
#   before the workbook is opened (a sheet of 50,000 records written by openpyxl unpacks to
#   about 51 MiB, and is read in 15 to 25 seconds);
# - MAX_SECONDS: reading the file (the records are validated and written afterwards).
REPAIRFLOW_IMPORT_MAX_BYTES = env.int("REPAIRFLOW_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
REPAIRFLOW_IMPORT_MAX_ROWS = env.int("REPAIRFLOW_IMPORT_MAX_ROWS", default=50_000)
REPAIRFLOW_IMPORT_MAX_COLUMNS = env.int("REPAIRFLOW_IMPORT_MAX_COLUMNS", default=100)
REPAIRFLOW_IMPORT_MAX_LINE_CHARS = env.int("REPAIRFLOW_IMPORT_MAX_LINE_CHARS", default=1_000_000)
REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES = env.int("REPAIRFLOW_IMPORT_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)
REPAIRFLOW_IMPORT_MAX_SECONDS = env.float("REPAIRFLOW_IMPORT_MAX_SECONDS", default=60.0)
# ZIP packages (XLSX, OFD; core/archives.py): the most members, and the most a member over 1 MiB
# unpacked may be compressed (a real workbook's XML is compressed 5 to 20 times; a bomb's, 1,000).
REPAIRFLOW_ZIP_MAX_MEMBERS = env.int("REPAIRFLOW_ZIP_MAX_MEMBERS", default=1000)
REPAIRFLOW_ZIP_MAX_RATIO = env.int("REPAIRFLOW_ZIP_MAX_RATIO", default=100)

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a call without credentials is answered 401, not 403.
        "repairflow.core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "repairflow.core.paging.Pagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_SCHEMA_CLASS": "repairflow.core.schema.ApiSchema",  # declares every error response
    "EXCEPTION_HANDLER": "repairflow.core.api.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "repairflow.core.parsers.JSONParser",  # refuses JSON nested deeper than 64 levels
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["repairflow.core.throttling.ClientScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env("AUTH_THROTTLE_RATE", default="20/minute"),
        "public": env("PUBLIC_THROTTLE_RATE", default="30/minute"),
        # the public progress query's misses (a number and identifier that match no case)
        "public_miss": env("PUBLIC_MISS_THROTTLE_RATE", default="10/hour"),
        # subjects registering themselves (docs/api.md): the SMS codes a client address may ask for,
        # one code per phone number a minute, and the registrations a client address may send
        "registration_code": env("REGISTRATION_CODE_THROTTLE_RATE", default="20/hour"),
        "registration_phone": "1/minute",
        "registration": env("REGISTRATION_THROTTLE_RATE", default="10/hour"),
    },
    "DATE_INPUT_FORMATS": ["iso-8601"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "repairflow API",
    "DESCRIPTION": "Objections to public credit records and credit repair (v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field name another set already uses: named here, not numbered.
    "ENUM_NAME_OVERRIDES": {
        "MatterKindEnum": "repairflow.records.models.MatterKind",
        "UpstreamChangeKindEnum": "repairflow.records.models.UpstreamChangeKind",
        "RegistrationStateEnum": "repairflow.registrations.models.RegistrationState",
    },
}

# --- Background work ----------------------------------------------------------------------
# Embedded default: kombu's filesystem transport under var/, no server needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    (_broker_dir / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # How long an idle consumer waits before looking again (kombu's default, 1 s, caps a
        # busy worker at about one task a second: bench/sync_throughput.py).
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat runs the relay that hands deliveries to platforms to the workers
# (repairflow/sync/README.md), and how long a delivery handed to them may stay pending before it
# is handed again (its task was lost).
REPAIRFLOW_SYNC_RELAY_SECONDS = env.float("REPAIRFLOW_SYNC_RELAY_SECONDS", default=1.0)
REPAIRFLOW_SYNC_SWEEP_SECONDS = env.float("REPAIRFLOW_SYNC_SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "repairflow.cases.tasks.sweep_deadlines",
        "schedule": env.float("REPAIRFLOW_DEADLINE_SWEEP_SECONDS", default=60.0),
    },
    # Records whose maximum publication period has passed; a day's expiry waits at most this long.
    "expire-records": {
        "task": "repairflow.records.tasks.expire_records",
        "schedule": env.float("REPAIRFLOW_EXPIRY_SWEEP_SECONDS", default=3600.0),
    },
    # Deliveries to platforms that may be sent now and are not with a worker (a new event's, or
    # one whose task was lost): repairflow/sync/README.md.
    "relay-deliveries": {
        "task": "repairflow.sync.tasks.relay_deliveries",
        "schedule": REPAIRFLOW_SYNC_RELAY_SECONDS,
    },
    # The daily digest of due and overdue deadlines (repairflow/office/digest.py), each morning.
    "send-daily-digests": {
        "task": "repairflow.office.tasks.send_daily_digests",
        "schedule": crontab(hour=env.int("REPAIRFLOW_DIGEST_HOUR", default=8), minute=0),
    },
    # What the statistics read of the days before (repairflow/office/figures.py,
    # repairflow/deadlines/tally.py): each night, once the day is over in Beijing.
    "keep-daily-figures": {
        "task": "repairflow.office.tasks.keep_daily_figures",
        "schedule": crontab(hour=1, minute=0),
    },
    # Idempotency keys are kept a day (docs/api.md "Idempotency keys").
    "purge-idempotency-keys": {
        "task": "repairflow.core.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
    },
    # The proofs held for registrations refused on the page are kept a day
    # (repairflow/registrations/held.py).
    "purge-held-proofs": {
        "task": "repairflow.registrations.tasks.purge_held_proofs",
        "schedule": 3600.0,
    },
}

# --- The legal clock and notifications ------------------------------------------------------
# The jurisdiction whose deadline rules apply (repairflow/deadlines/policy.py: shandong, henan,
# national, shanghai, zhejiang).
REPAIRFLOW_PROFILE = env("REPAIRFLOW_PROFILE", default="shandong")
# The day the platform began to hold departments to the 双公示 duty (repairflow/records/duties.py):
# decisions before it carried over from earlier systems are neither late nor chased. Set it to the
# day the platform goes live.
REPAIRFLOW_PUBLICATION_DUTY_FROM = date.fromisoformat(env("REPAIRFLOW_PUBLICATION_DUTY_FROM", default="2026-01-01"))
# Whether a record is suspended while a department's objection verification is overdue (until the
# last reply or the end of the case): unset follows the profile (repairflow/deadlines/policy.py,
# `suspend_record_when_overdue`); true or false overrides it. An office's choice: no source says.
REPAIRFLOW_SUSPEND_WHEN_OVERDUE = env.bool("REPAIRFLOW_SUSPEND_WHEN_OVERDUE", default=None)
# The codes of the departments that are market regulation (市场监督管理): their repair decisions
# take 7 working days (SAMR Order 107) and some of their penalties cannot end early. A profile
# that names its own list overrides this one.
REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS = env.list("REPAIRFLOW_MARKET_REGULATION_DEPARTMENTS", default=["SCJ"])
# Where links in e-mails and SMS point.
REPAIRFLOW_BASE_URL = env("REPAIRFLOW_BASE_URL", default="http://127.0.0.1:8000/")
# The issuing body named at the foot of every notice to a subject.
# Empty: the profile's own office (repairflow/deadlines/policy.py `office_name`); a profile that
# names none needs it set (`manage.py check` says so).
REPAIRFLOW_OFFICE_NAME = env("REPAIRFLOW_OFFICE_NAME", default="")
# SMS (repairflow/notifications/sms.py): a class with send(number, text). The default appends each
# message to REPAIRFLOW_SMS_FILE (var/sms.log), where the codes of `make run` are read;
# repairflow.notifications.sms.ConsoleSmsBackend prints them, LogSmsBackend logs them.
REPAIRFLOW_SMS_BACKEND = env("REPAIRFLOW_SMS_BACKEND", default="repairflow.notifications.sms.FileSmsBackend")
REPAIRFLOW_SMS_FILE = Path(env("REPAIRFLOW_SMS_FILE", default=str(VAR_DIR / "sms.log")))
# E-mail: EMAIL_URL=smtp://user:password@host:587 (django-environ); by default to the console.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds an SMTP server may take to answer before the delivery task gives up and retries it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="repairflow@localhost")

# --- Push-back to other platforms (repairflow/sync/README.md) --------------------------------
# Seconds to connect to a platform (TLS handshake included), then to wait for each part of its
# answer; a delivery that times out is tried again.
REPAIRFLOW_SYNC_CONNECT_TIMEOUT_SECONDS = env.float("REPAIRFLOW_SYNC_CONNECT_TIMEOUT_SECONDS", default=5.0)
REPAIRFLOW_SYNC_READ_TIMEOUT_SECONDS = env.float("REPAIRFLOW_SYNC_READ_TIMEOUT_SECONDS", default=15.0)
# A worker holds a delivery it sends for the two timeouts and this margin (its own writes); one
# killed while sending frees the delivery when that lease ends, and the relay hands it again.
REPAIRFLOW_SYNC_LEASE_MARGIN_SECONDS = env.float("REPAIRFLOW_SYNC_LEASE_MARGIN_SECONDS", default=30.0)
# Tries of a delivery before it fails (connection errors, timeouts, 5xx and 429 are tried again;
# any other answer but 2xx fails it at once) and the office is told.
REPAIRFLOW_SYNC_MAX_ATTEMPTS = env.int("REPAIRFLOW_SYNC_MAX_ATTEMPTS", default=10)
# The back-off after the n-th failed try: between half and all of BACKOFF·2^(n-1) seconds, at
# most BACKOFF_MAX (with the defaults, the nine waits of ten tries add up to 1½–3 hours).
REPAIRFLOW_SYNC_BACKOFF_SECONDS = env.float("REPAIRFLOW_SYNC_BACKOFF_SECONDS", default=30.0)
REPAIRFLOW_SYNC_BACKOFF_MAX_SECONDS = env.float("REPAIRFLOW_SYNC_BACKOFF_MAX_SECONDS", default=3600.0)
# The networks (addresses or CIDRs) a webhook may be sent to although they are not public
# (loopback, private, link-local...: refused otherwise, at a subscription's creation and at every
# delivery; repairflow/sync/addresses.py); none by default.
SYNC_ALLOWED_NETWORKS = env.list("SYNC_ALLOWED_NETWORKS", default=[])
# (The relay's intervals, REPAIRFLOW_SYNC_RELAY_SECONDS and REPAIRFLOW_SYNC_SWEEP_SECONDS, are under
# "Background work".)

# --- Serving (gunicorn.conf.py, the Procfile, docs/deployment.md) ----------------------------
# Web: WEB_CONCURRENCY gunicorn processes of WEB_THREADS threads each (defaults for 2 cores); the
# Celery worker: CELERY_WORKER_CONCURRENCY processes. Each thread and each worker process holds at
# most one database connection, so together they may hold WEB_CONCURRENCY × WEB_THREADS +
# CELERY_WORKER_CONCURRENCY: on PostgreSQL, `manage.py check` (and gunicorn, as it starts) refuses
# a number over DATABASE_MAX_CONNECTIONS, this machine's share of the server's max_connections
# (repairflow/core/checks.py).
# 4 × 2 for 2 cores: against 2 × 4 in alternating rounds of bench/load.py, a third off the median
# and up to a quarter off the p95 (docs/benchmarks.md, "Load").
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=4)
WEB_THREADS = env.int("WEB_THREADS", default=2)
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=2)
DATABASE_MAX_CONNECTIONS = env.int("DATABASE_MAX_CONNECTIONS", default=90)

# --- Logs ---------------------------------------------------------------------------------
# One line per event on standard error: JSON (time, level, logger, message, request_id and any
# extra fields) by default in production, readable text in development; LOG_FORMAT=json|text
# chooses. Every line written while a request is served carries its id (the X-Request-ID header:
# repairflow/core/logs.py, core.middleware.RequestIdMiddleware); gunicorn's access log is in the
# same shape.
LOG_FORMAT = env("LOG_FORMAT", default="json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'text', not {LOG_FORMAT!r}.")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "repairflow.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "repairflow.core.logs.JsonFormatter"},
        "text": {"()": "repairflow.core.logs.TextFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# Celery's worker and beat log through the same handler, in the same format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
