"""Settings shared by every environment. All configuration from the environment is read here."""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("WAGECASE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Environment --------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wagecase.sqlite3'}")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# Node packages (front-end assets) are installed here by `npm ci`.
NODE_MODULES = Path(os.environ.get("NODE_MODULES_DIR", BASE_DIR / "node_modules"))
# A .ttf/.otf/.ttc font with Simplified Chinese for the PDF documents; empty: the system's
# fonts-noto-cjk (or fonts-wqy-*) is found by inspections.documents.
PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH", "")

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # Waiting beats "database is locked" when a task and a request write at once.
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_celery_results",
    "django_ratelimit",
    "wagecase.core",
    "projects",
    "complaints",
    "inspections",
    "blacklist",
    "wagecase.reports",
    "wagecase.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagecase.core.middleware.ChangeContextMiddleware",
    "wagecase.integrations.middleware.ApiCallLogMiddleware",
    "wagecase.integrations.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "wagecase.urls"
WSGI_APPLICATION = "wagecase.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagecase.core.context_processors.navigation",
            ],
        },
    },
]

# --- Users ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["wagecase.core.auth.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end libraries come from npm (package-lock.json); only their built files are served.
for prefix, sub in [
    ("vendor/bootstrap", "bootstrap/dist"),
    ("vendor/bootstrap-icons", "bootstrap-icons/font"),
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/echarts", "echarts/dist"),
]:
    if (NODE_MODULES / sub).is_dir():
        STATICFILES_DIRS.append((prefix, NODE_MODULES / sub))
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so that a request without credentials is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wagecase.integrations.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["wagecase.core.api.permissions.ModelActionPermission"],
    "DEFAULT_PAGINATION_CLASS": "wagecase.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "wagecase.core.api.sync.UpdatedSinceFilterBackend",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["wagecase.integrations.throttling.ClientRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wagecase.core.api.exceptions.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wagecase API",
    "DESCRIPTION": "REST API v1 of wagecase (根治欠薪案件管理). See shared API.md for the binding contract.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the path after /api/v1/ ("enterprises_list", not "v1_...").
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # No call-out to validator.swagger.io: the docs work without internet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": True},
    # Shared enumerations get one schema component each, whichever app's field uses them.
    "ENUM_NAME_OVERRIDES": {
        "RegionLevelEnum": "wagecase.core.choices.RegionLevel",
        "RoleEnum": "wagecase.core.choices.Role",
        "IndustryEnum": "wagecase.core.choices.Industry",
        "DepartmentKindEnum": "wagecase.core.choices.DepartmentKind",
        "EnterpriseRoleEnum": "wagecase.core.choices.EnterpriseRole",
        "CreditRatingEnum": "wagecase.core.choices.CreditRating",
        "TransferOutcomeEnum": "complaints.choices.TransferOutcome",
        "TransferKindEnum": "complaints.choices.TransferKind",
        "ClueEventTypeEnum": "complaints.choices.ClueEventType",
        "ClueStatusEnum": "complaints.choices.ClueStatus",
        "ClueCategoryEnum": "complaints.choices.ClueCategory",
        "ChannelEnum": "complaints.choices.Channel",
        "InspectionMethodEnum": "inspections.choices.InspectionMethod",
        "ChecklistItemEnum": "inspections.choices.ChecklistItem",
        "CheckResultEnum": "inspections.choices.CheckResult",
        "OrderStatusEnum": "inspections.choices.OrderStatus",
        "PenaltyArticleEnum": "inspections.choices.PenaltyArticle",
        "CampaignKindEnum": "inspections.choices.CampaignKind",
        "PhaseKindEnum": "inspections.choices.PhaseKind",
        "CaseStatusEnum": "complaints.choices.CaseStatus",
        "SupervisionLevelEnum": "complaints.choices.SupervisionLevel",
        "PaymentSourceEnum": "complaints.choices.PaymentSource",
        "ReferralStatusEnum": "complaints.choices.ReferralStatus",
        "IncidentKindEnum": "complaints.choices.IncidentKind",
        "CaseEventTypeEnum": "complaints.choices.CaseEventType",
        "ListingStatusEnum": "blacklist.choices.ListingStatus",
        "ListingEventTypeEnum": "blacklist.choices.ListingEventType",
        "ObjectionOutcomeEnum": "blacklist.choices.ObjectionOutcome",
        "RemovalReasonEnum": "blacklist.choices.RemovalReason",
        "ExportActionEnum": "blacklist.choices.ExportAction",
        "BatchStatusEnum": "blacklist.choices.BatchStatus",
        "PublicationReasonEnum": "blacklist.choices.PublicationReason",
    },
}

# --- Celery -------------------------------------------------------------------------------------
# Without a broker, tasks run eagerly in-process (the embedded default of `make run`).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_TRACK_STARTED = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Cache and rate limits -------------------------------------------------------------------------
# One process (make run, tests): the in-process cache. Several processes (gunicorn workers, compose):
# CACHE_URL=redis://host:6379/1, so that the public pages' rate limits count across all of them.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://, rediss:// or unix://).")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    # django-ratelimit knows django-redis by name only; Django's own Redis backend increments atomically too.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wagecase"}}
    # The in-process cache counts per process: right for one process, too lenient for several (set CACHE_URL).
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = "wagecase:rl:"
# Behind a reverse proxy, REMOTE_ADDR is the proxy's: name the header it sets (e.g. HTTP_X_REAL_IP).
# Leave empty when clients connect directly, or anyone could choose their own address.
RATELIMIT_IP_META_KEY = os.environ.get("RATELIMIT_IP_META_KEY") or None
# Limits of the public (no-login) pages, in django-ratelimit's "count/period" notation.
PUBLIC_REPORT_RATE_PER_IP = os.environ.get("PUBLIC_REPORT_RATE_PER_IP", "5/h")
PUBLIC_REPORT_RATE_PER_PHONE = os.environ.get("PUBLIC_REPORT_RATE_PER_PHONE", "3/d")
PUBLIC_TRACK_RATE_PER_IP = os.environ.get("PUBLIC_TRACK_RATE_PER_IP", "20/h")
PUBLIC_BLACKLIST_RATE_PER_IP = os.environ.get("PUBLIC_BLACKLIST_RATE_PER_IP", "300/h")
# The address the QR codes on notice boards point to (e.g. https://wage.example.gov.cn), when the
# public reaches the site under another name than staff do; empty: the address of the request.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").rstrip("/")

# --- Misc ----------------------------------------------------------------------------------------
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_AGE = 60 * 60 * 12
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
