"""Settings of the Guangfeng relocation follow-up portal.

Everything that differs between a laptop and the district's servers comes from environment
variables, each with an embedded default so that the portal runs with no services at all:
SQLite under var/, an on-disk Celery broker, a file cache.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from import_export.formats.base_formats import CSV, XLSX

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The portal's apps first: their translations and templates take precedence over the libraries'
    # ("Name" is 姓名 here, not a task name).
    "accounts",
    "settlements",
    "relocation",
    "monitoring",
    "assistance",
    "programmes",
    "cadres",
    "dashboards",
    "exchange",
    "notifications",
    "api",
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL or other control character in the query string is a 400, never a database error.
    "portal.middleware.RejectControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.AdminStaffOnlyMiddleware",
    # Chinese whatever the browser asks; English only by the user's own choice (not Accept-Language).
    "accounts.middleware.PortalLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.PersonalDataNoStoreMiddleware",
    # Last, so that a locked-out login never reaches the view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
# A form sent from an outdated page gets a Chinese page saying what to do (portal/views.py).
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "accounts.context_processors.portal",
                "accounts.context_processors.navigation",
                "notifications.context_processors.unread",
                "portal.context_processors.services",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web process read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Password rules (等保二级 "口令复杂度"): at least 10 characters, letters and digits, not a common
# password, not like the user name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Behind nginx: the internal location that serves MEDIA_ROOT (docs/operations.md). Views that checked
# the reader's scope answer with X-Accel-Redirect to it; empty: Django streams the file (portal/files.py).
PROTECTED_MEDIA_URL = os.environ.get("PROTECTED_MEDIA_URL", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded workbooks are streamed to disk above this size rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

REDIS_URL = os.environ.get("REDIS_URL", "")

# Redis is optional to reading: when it is down, a cache operation answers as a miss within the
# timeouts below (milliseconds), is not tried again for CACHE_RETRY_SECONDS, and pages are served
# from the database with a notice (portal/cache.py).
CACHE_CONNECT_TIMEOUT_MS = int(os.environ.get("CACHE_CONNECT_TIMEOUT_MS", "200"))
CACHE_READ_TIMEOUT_MS = int(os.environ.get("CACHE_READ_TIMEOUT_MS", "500"))
CACHE_RETRY_SECONDS = float(os.environ.get("CACHE_RETRY_SECONDS", "5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": CACHE_CONNECT_TIMEOUT_MS / 1000,
                "socket_timeout": CACHE_READ_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    # A file cache is shared by the web process and the worker, unlike a per-process memory cache.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Dashboard pages whose last count took this long or longer show their last figures while a
# worker counts them again (dashboards.cache.page); faster pages are counted during the request.
DASHBOARD_SYNC_SECONDS = float(os.environ.get("DASHBOARD_SYNC_SECONDS", "2"))
# At most one such background recount of a page every so many seconds, however often data changes.
DASHBOARD_MIN_RECOUNT_SECONDS = float(os.environ.get("DASHBOARD_MIN_RECOUNT_SECONDS", "300"))

# Celery: at-least-once delivery. Tasks are idempotent, acknowledged after they finish, and
# time-limited well below the broker's visibility timeout so that a task is never run twice at once.
# The limits can be lowered together (the fault tests do) but must keep time limit < visibility timeout.
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
# Unacknowledged messages (their worker died) are looked for every 10 s and delivered again once
# older than the visibility timeout (kombu's default looks only every 100 s).
# Short socket timeouts so that a dead Redis is noticed in seconds (the web process refuses an upload
# at once; the worker reconnects), and a health check of idle connections.
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "health_check_interval": 10,
        "retry_on_timeout": True,
    }
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "broker" / "out"),
        "data_folder_out": str(VAR_DIR / "broker" / "out"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        # kombu's default is a "control" folder in the current directory, i.e. the repository's root.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", str(60 * 60)))
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - max(1, CELERY_TASK_TIME_LIMIT // 12)
if CELERY_TASK_TIME_LIMIT >= CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be below CELERY_VISIBILITY_TIMEOUT.")
# A task still running when the broker connection drops is cancelled and, being unacknowledged,
# delivered again once the broker is back: at least once, never lost.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULER = "portal.beat:Scheduler"  # django_celery_beat's, with a heartbeat
CELERY_TIMEZONE = TIME_ZONE
# The worker and beat wait for the broker, at start and after a loss, however long it takes
# (Celery's default gives up after 100 attempts and the worker exits).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# The web process publishes a task (an import's check or commit) or tells the user at once that the
# background service is unavailable: a few quick attempts, not Celery's default of minutes.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# The worker and beat report that they are alive every so often (dashboards: service status);
# a report older than SERVICE_STALE_SECONDS is shown in red on the administrator's dashboard.
SERVICE_HEARTBEAT_SECONDS = int(os.environ.get("SERVICE_HEARTBEAT_SECONDS", "30"))
SERVICE_STALE_SECONDS = int(os.environ.get("SERVICE_STALE_SECONDS", "180"))
# Screening runs beat every 10 s; one silent for this long is taken over by the next run, which
# ends its database session (monitoring/runs.py). Each statement is bounded on PostgreSQL.
SCREENING_STALE_SECONDS = int(os.environ.get("SCREENING_STALE_SECONDS", "120"))
SCREENING_STATEMENT_TIMEOUT = int(os.environ.get("SCREENING_STATEMENT_TIMEOUT", str(45 * 60)))
# Backups are encrypted with age for these public keys (docs/operations.md); the secret key stays
# with the operator, never on the server.
BACKUP_AGE_RECIPIENTS = os.environ.get("BACKUP_AGE_RECIPIENTS", "")

# Login security: lockout keyed on the user name and the client address together, so that one
# attacker cannot lock out everyone behind the township's proxy. The address is the socket's own
# unless the deployment names how many proxies it trusts.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Only the right-most TRUSTED_PROXY_COUNT entries of X-Forwarded-For are believed (accounts/clientip.py).
# The proxies' own addresses are required with a count: without them a client reaching the app
# directly could choose its address by sending the header itself.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXY_IPS = env_list("TRUSTED_PROXY_IPS")
if TRUSTED_PROXY_COUNT and not TRUSTED_PROXY_IPS:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT needs TRUSTED_PROXY_IPS, the reverse proxies' addresses.")
AXES_CLIENT_IP_CALLABLE = "accounts.clientip.client_ip"
# Failed TOTP codes count as failed logins too; usernames are kept in the lockout records.
AXES_SENSITIVE_PARAMETERS = ["password", "token"]

# Second factor: roles that must give a TOTP code at every login (enrolment on first login).
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "head,district_office,admin")
# The Chinese font of public notices printed as PDF (monitoring/notice.py).
NOTICE_FONT = os.environ.get("NOTICE_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
OTP_TOTP_ISSUER = "广丰区后续扶持平台"
OTP_LOGIN_WINDOW_SECONDS = 5 * 60
# The admin never shows an authenticator's secret or QR code: whoever reads it could make the codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Idle timeout (no request for 30 minutes) and absolute timeout (10 hours after login, however
# busy), both enforced by accounts.middleware; the cookie itself dies with the browser.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(10 * 60 * 60)))
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# htmx sends the token from the page (hx-headers), so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
if not DEBUG:
    # Only bench/load turns this off, to drive a loopback gunicorn over plain HTTP;
    # `check --deploy` then warns, as it should.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by accounts.middleware.SecurityHeadersMiddleware: no page needs camera, microphone...
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

# Every script and style is served from our own static files (the district network is closed).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-src": ["'none'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
}

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# The catalogues' 导入 / 导出 in the admin (portal/catalogues.py): importing needs the change
# permission of the catalogue, exporting its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_FORMATS = [XLSX, CSV]
EXPORT_FORMATS = [XLSX, CSV]

# Uploaded workbooks hold ID numbers and phones: the file of an import is deleted this many days
# after its last step (exchange.services.purge_old_files, every night); the record stays.
IMPORT_FILES_KEEP_DAYS = int(os.environ.get("IMPORT_FILES_KEEP_DAYS", "30"))

# Error reports carry no personal data: POST values, local variables and the whole text of the
# report are masked (accounts/errors.py); log lines are masked whole, tracebacks included.
DEFAULT_EXCEPTION_REPORTER = "accounts.errors.MaskingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "accounts.errors.PersonalDataReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "accounts.logging.MaskPersonalDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"()": "accounts.logging.MaskingFormatter", "format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]},
        "mail_admins": {
            "class": "accounts.errors.MaskingAdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "mask_personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        # The request line (path and query string) is logged masked, never a raw ID number.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

ADMINS = [("admin", a) for a in env_list("ADMINS")]
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

# The API for other systems (/api/v1/, api/, docs/api.md): the session for the portal's own pages,
# a unit's token for systems; JSON only; rate-limited per token, per user and per address.
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(2 * 1024 * 1024)))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.RolePermission"],
    "DEFAULT_PARSER_CLASSES": ["api.access.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": os.environ.get("API_RATE_TOKEN", "120/min"),
        "api_user": os.environ.get("API_RATE_USER", "300/min"),
        "api_anon": os.environ.get("API_RATE_ANON", "20/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "广丰区易地扶贫搬迁后续扶持平台 接口",
    "DESCRIPTION": "供区直部门和乡镇的系统调用；令牌由系统管理员创建。说明见 docs/api.md。",
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}
