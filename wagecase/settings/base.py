"""Settings shared by every environment. All configuration from the environment is read here."""
import datetime
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
    "wagecase.core.apps.WagecaseAdminConfig",  # django.contrib.admin with the scoped "view on site"
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
    "axes",
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
    "wagecase.core.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page (security.lockout_response).
    "axes.middleware.AxesMiddleware",
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
# django-axes first: it refuses a locked-out username+address before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "wagecase.core.auth.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# GB/T 22239-2019 (等保 2.0) asks for passwords "with complexity requirements"; the usual reading is 8+
# characters of at least three kinds. We ask for 10+ characters of at least three kinds (lower case,
# upper case, digits, symbols), plus Django's checks against the user's own name and common passwords.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wagecase.core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is refused (even with the right password) for LOGIN_COOLOFF_MINUTES; a success
# resets the count. An administrator unlocks at once in the admin (Axes › access attempts: delete) or
# with `manage.py axes_reset_username <username>`. The address is the one the rate limits use.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wagecase.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "wagecase.core.security.client_ip"
AXES_VERBOSE = False

# --- Language and time ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["wagecase.formats"]  # amounts grouped by thousands in Chinese too (wagecase/formats/zh_Hans)
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
    "DEFAULT_SCHEMA_CLASS": "wagecase.core.api.schema.WagecaseAutoSchema",
    "EXCEPTION_HANDLER": "wagecase.core.api.exceptions.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "wagecase API · 根治欠薪案件管理 REST API v1",
    "DESCRIPTION": (
        "根治欠薪案件管理系统的 REST API（v1），供住建、交通等行业主管部门（bureau）、总包单位实名制系统和本单位脚本对接。\n\n"
        "- **认证**：请求头 `Authorization: Token <key>`（`manage.py create_api_client` / `issue_token` 签发；"
        "具名令牌可轮换、吊销：`/api/v1/clients/me/tokens/`）；无凭据 → 401。\n"
        "- **范围**：只能看到和修改本辖区（行政区划代码前缀）内、本行业的数据；范围外的对象与不存在的对象一样返回 **404**；"
        "角色无权的操作返回 403。\n"
        "- **增量同步**：所有列表支持 `updated_since`；大表全量同步用游标分页 `?cursor=`；POST 带 `Idempotency-Key` "
        "请求头可安全重试。\n"
        "- **错误**：400 `{\"字段\": [\"信息\"]}`；409 `{\"detail\", \"code\"}`；请求要么全部生效，要么全不生效。\n"
        "- **分页**：`{\"count\", \"next\", \"previous\", \"results\"}`，`?page=`、`?page_size=`（≤ 500）。\n"
        "- **个人信息**：无权查看的角色看到脱敏值：身份证号 `620502********123X`，手机号 `138****5678`。\n"
        "- **事件推送（webhook）**：`/api/v1/webhooks/` 订阅，HMAC-SHA256 签名 `X-Wagecase-Signature`，失败按退避重试。\n\n"
        "金额为元、两位小数的字符串（`\"12500.00\"`）；日期 `YYYY-MM-DD`；时间 ISO 8601（带时区）；月份 `YYYY-MM`。"
        "对接指南：仓库 `docs/integration.zh.md`。\n\n"
        "---\n\n"
        "REST API v1 of wagecase (wage-arrears case management) for industry bureaus (housing, transport…), "
        "contractors' real-name systems and the offices' own scripts. Authenticate with `Authorization: Token <key>`; "
        "a bureau client sees only its industries in its region prefix (anything else is 404); every list takes "
        "`updated_since`, large tables sync with `?cursor=`, and a POST with an `Idempotency-Key` header may be retried "
        "safely. Errors: 400 by field, 409 `{detail, code}`, 401, 403, 404, 429. Integration guide: "
        "`docs/integration.en.md`."
    ),
    "VERSION": "1.0.0",
    # Tags are the first path segment after /api/v1/; each is described in Chinese for the bureaus' engineers.
    "TAGS": [
        {"name": "projects", "description": "在建工程项目台账及五项制度（专用账户、实名制、总包代发、工资保证金、维权告示牌）、合规评估、欠薪汇总。Projects and the five core systems."},
        {"name": "warnings", "description": "项目预警（如未按月足额发放、专用账户未拨付）。Early warnings on projects."},
        {"name": "clues", "description": "欠薪线索（投诉举报）的登记、受理、分类、转办、办结。Clues (complaints) and their handling."},
        {"name": "cases", "description": "欠薪案件台账：五有（责任单位、责任领导、责任人、措施、时限）、支付记录、限期支付指令。Arrears cases."},
        {"name": "incidents", "description": "突发事件（群体性讨薪、堵路、极端事件）的报告与处置。Emergency incidents."},
        {"name": "inspections", "description": "劳动保障监察检查记录（检查表、发现问题、证据照片）。Inspections."},
        {"name": "rectifications", "description": "限期整改指令书：复查、逾期、移交处罚。Rectification orders."},
        {"name": "penalties", "description": "行政处罚决定书。Penalty decisions."},
        {"name": "campaigns", "description": "专项检查行动及其进度。Inspection campaigns."},
        {"name": "draws", "description": "“双随机、一公开”抽查。Double-random draws."},
        {"name": "blacklist", "description": "拖欠农民工工资失信联合惩戒名单：告知、异议、决定、移出。Credit-punishment listings."},
        {"name": "publications", "description": "重大劳动保障违法行为社会公布。Publication of major violations."},
        {"name": "credit-exports", "description": "向信用信息共享平台推送。Exports to the credit-information platform."},
        {"name": "ratings", "description": "用人单位劳动保障守法诚信等级评价（A/B/C）。Enterprise credit ratings."},
        {"name": "public", "description": "无需登录的公开查询（失信名单，身份证号脱敏）。Public endpoints, no login."},
        {"name": "stats", "description": "统计数据：工作汇总、清零倒计时。Figures."},
        {"name": "reports", "description": "周报、月报、季报（后台生成 Excel，签字、报送）与日报。Reports."},
        {"name": "enterprises", "description": "企业（按统一社会信用代码）。Enterprises, by USCC."},
        {"name": "departments", "description": "政府部门（人社、住建、交通等）。Departments."},
        {"name": "regions", "description": "行政区划（GB/T 2260）。Regions."},
        {"name": "users", "description": "当前调用者（角色、辖区、行业）。The caller."},
        {"name": "notifications", "description": "站内通知。In-app notifications."},
        {"name": "clients", "description": "API 客户端：本客户端信息、具名令牌（创建、轮换、吊销）、调用日志。API clients and their tokens."},
        {"name": "webhooks", "description": "事件推送订阅及投递记录（HMAC-SHA256 签名，失败退避重试）。Webhook subscriptions and deliveries."},
    ],
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

# --- Security headers --------------------------------------------------------------------------------
# Sent on every response (wagecase.core.security). Scripts and styles only from this site: no CDN, no
# third party. 'unsafe-inline' stays for scripts because a few templates carry small inline scripts
# and onclick/onchange handlers (confirmations, the language switch, the rates chart); no 'unsafe-eval'
# (neither ECharts nor htmx needs it: no hx-on attributes). data:/blob: images for ECharts' "save as
# image" and Bootstrap's SVG icons; blob: workers for ReDoc. Empty: no header.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
]))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Uploads ---------------------------------------------------------------------------------------
# Photos (inspection evidence, notice boards): JPEG/PNG/WebP decoded by Pillow, at most this size and
# this many pixels. Spreadsheets (imports): .xlsx checked as a zip with [Content_Types].xml, at most
# this size, and at most this much once unzipped (a "zip bomb" is refused before it is read).
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 50_000_000
SPREADSHEET_MAX_BYTES = 20 * 1024 * 1024
SPREADSHEET_MAX_UNZIPPED_BYTES = 400 * 1024 * 1024

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
