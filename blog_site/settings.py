"""Inkwell settings: one module, configured by environment variables.

Every variable is read once, here, through django-environ, and is listed in README.md and
`.env.example` with its default. The defaults run on a laptop with nothing else installed: SQLite,
local files, console e-mail, eager Celery. An integration switches on when its variable is present.
Each setting is assigned once, in its section.
"""

import importlib.util
import os
import sys
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules
env = environ.Env()
if (BASE_DIR / ".env").is_file() and not TESTING:
    environ.Env.read_env(BASE_DIR / ".env")

# --- Core ---------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
SITE_NAME = env.str("SITE_NAME", default="Inkwell")
INKWELL_VERSION = "0.1.0"

_DEV_SECRET = "django-insecure-dev-only-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - only used with DEBUG on
SECRET_KEY = env.str("SECRET_KEY", default="") or (_DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[]) or (
    ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else []
)
# Absolute links (canonical, hreflang, Open Graph, JSON-LD, feeds, sitemaps, e-mails) start with it.
# In development it defaults to the port `make run` serves on (PORT); tests always see port 8000.
_DEV_PORT = 8000 if TESTING else env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default="").rstrip("/") or (f"http://127.0.0.1:{_DEV_PORT}" if DEBUG else "")
if not DEBUG:
    # Refuse to boot half-configured: one clear line on stderr, exit status 1, no traceback.
    if not SECRET_KEY:
        sys.exit("Inkwell: SECRET_KEY must be set when DEBUG is false.")
    if not ALLOWED_HOSTS:
        sys.exit("Inkwell: ALLOWED_HOSTS must be set when DEBUG is false (comma-separated host names).")
    if not SITE_URL:
        sys.exit(
            "Inkwell: SITE_URL must be set when DEBUG is false (the public address, e.g. https://blog.example.com)."
        )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "apps.core.api_errors.csrf_failure"  # JSON on API paths, Django's page elsewhere
# Reverse proxies in front of the site whose X-Forwarded-For is trusted (client IPs for rate limits).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Applications (cookiecutter-django's three lists) --------------------------------------------
DJANGO_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "blog_site.apps.InkwellAdminConfig",  # Django's admin with our site: grouped index, dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.headless",
    "allauth.usersessions",  # lists a user's sessions so "log out everywhere" can end them
]
LOCAL_APPS = [
    "apps.core",
    "apps.media",
    "apps.accounts",
    "apps.blog",
    "apps.community",
    "apps.payments",
    "apps.analytics",
    "apps.legacy",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS
SITE_ID = 1

# --- Middleware ---------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy per area, outside the page cache (cached hits get them too).
    "apps.core.security_headers.SecurityHeadersMiddleware",
    # API paths answer JSON errors; JSON nested too deep or bodies over the limit stop here (apps/core/api_errors.py).
    "apps.core.api_errors.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The old site's reader URLs: a 404 that names one answers a permanent redirect (apps/legacy).
    "apps.legacy.middleware.OldUrlRedirectMiddleware",
    # Cookie-free page views (apps/analytics): sees page-cache hits too, never touches the bytes.
    "apps.analytics.middleware.CaptureMiddleware",
    # Page-cache hits for readers without a session cookie are answered here, before sessions, auth,
    # locale, CSRF and URL resolution run (apps/blog/page_cache.py).
    "apps.blog.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "apps.accounts.middleware.AuthRateLimitMiddleware",
    "apps.accounts.middleware.ProviderTokenGuardMiddleware",
    "apps.accounts.middleware.PreferredLanguageMiddleware",
    "apps.accounts.middleware.JWTCookieMiddleware",
]

ROOT_URLCONF = "blog_site.urls"
WSGI_APPLICATION = "blog_site.wsgi.application"
ASGI_APPLICATION = "blog_site.asgi.application"

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
                "apps.core.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
_database = env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if _database["ENGINE"] == "django.db.backends.mysql":
    if importlib.util.find_spec("MySQLdb") is None:
        # Its driver is compiled, so it is not in the default requirements (requirements/mysql.txt).
        sys.exit(
            "Inkwell: DATABASE_URL names MySQL but its driver is not installed: run "
            "`.venv/bin/pip install -r requirements/mysql.txt` (needs pkg-config, libmariadb-dev and a C compiler)."
        )
    # A MariaDB/MySQL server started without a config defaults to latin1: force utf8mb4.
    _database.setdefault("OPTIONS", {}).update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
    _database["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
DATABASES = {
    "default": {
        **_database,
        "ATOMIC_REQUESTS": False,
        "CONN_MAX_AGE": env.int("CONN_MAX_AGE", default=0 if DEBUG else 60),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# Each pytest-xdist worker gets its own key prefix so parallel tests sharing one Redis stay apart
# (pytest-xdist's own variable, not a setting: read directly, never documented).
_CACHE_PREFIX = env.str("CACHE_KEY_PREFIX", default="inkwell") + (
    os.environ.get("PYTEST_XDIST_WORKER", "") if TESTING else ""
)
# Redis away: reads miss and writes are dropped (logged) so reader pages still render; rate limits
# then fail open until it is back (/readyz reports the outage).
REDIS_CACHE_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2, "IGNORE_EXCEPTIONS": True}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # django-redis' own switch: an outage shows in the logs
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": _CACHE_PREFIX,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": _CACHE_PREFIX}
    )
}

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    # Argon2 stays first in production; tests hash hundreds of passwords.
    *(["django.contrib.auth.hashers.MD5PasswordHasher"] if TESTING else []),
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "display_name")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# allauth: e-mail is the login; the accounts app builds the flows on top of this.
ACCOUNT_ADAPTER = "apps.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "apps.accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Codes: 10 minutes, 5 wrong tries, then the code is dead; resends are counted and rate limited.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 600
ACCOUNT_PASSWORD_RESET_BY_CODE_TIMEOUT = 600
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_PASSWORD_RESET_BY_CODE_MAX_ATTEMPTS = 5
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = 3
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = 3

# Headless ("app" client for the API, "browser" for a same-site SPA). Tokens are simplejwt's.
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_TOKEN_STRATEGY = "apps.accounts.tokens.SimpleJWTTokenStrategy"  # noqa: S105 - a class path
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = "headless/spec/swagger_local.html"  # no CDN
HEADLESS_FRONTEND_URLS = {
    "account_confirm_email": f"{SITE_URL}/en/accounts/confirm-email/{{key}}/",
    "account_reset_password_from_key": f"{SITE_URL}/en/accounts/password/reset/key/{{key}}/",
    "account_signup": f"{SITE_URL}/en/accounts/signup/",
}

# One token scheme for the API: simplejwt, from `Authorization: Bearer` or (with CSRF) the cookies.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
}
JWT_COOKIE_ACCESS = "inkwell_access"
JWT_COOKIE_REFRESH = "inkwell_refresh"

# OAuth providers switch on when their client id and secret are set.
_OAUTH_APPS = {
    "github": (
        env.str("GITHUB_CLIENT_ID", default=""),
        env.str("GITHUB_CLIENT_SECRET", default=""),
        ["read:user", "user:email"],
    ),
    "google": (
        env.str("GOOGLE_CLIENT_ID", default=""),
        env.str("GOOGLE_CLIENT_SECRET", default=""),
        ["openid", "email", "profile"],
    ),
}
SOCIALACCOUNT_PROVIDERS = {
    name: {"SCOPE": scope, "APPS": [{"client_id": client_id, "secret": secret, "key": ""}]}
    for name, (client_id, secret, scope) in _OAUTH_APPS.items()
    if client_id and secret
}
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified e-mail we already know signs in to that account...
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # ...and links the provider to it, never a duplicate
# An e-mail the provider has not verified must be verified by code here before it signs anyone in
# (otherwise an unverified address could squat, then take over, its real owner's account).
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False

# --- Rate limits --------------------------------------------------------------------------------
# The API's throttles (DRF; REST_FRAMEWORK below uses these rates).
_api_throttle_rates = {
    "anon": env.str("THROTTLE_ANON", default="120/min"),
    "user": env.str("THROTTLE_USER", default="600/min"),
    "upload": env.str("THROTTLE_UPLOAD", default="60/hour"),
    "write": env.str("THROTTLE_WRITE", default="120/hour"),
}
# One limiter for every auth endpoint: AUTH_RATE_IP / AUTH_RATE_EMAIL below (allauth's own limits are off).
ACCOUNT_RATE_LIMITS = False
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# The atomic limiter in front of every auth endpoint (pages, headless API, token endpoints, admin
# login), by client IP and by target e-mail (apps/accounts/middleware.py).
AUTH_RATE_IP = env.str("AUTH_RATE_IP", default="60/10min")
AUTH_RATE_EMAIL = env.str("AUTH_RATE_EMAIL", default="10/10min")

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "zh-hans")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans")}

# --- Static files, media and storages -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app directories while developing and testing (no collectstatic needed).
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# S3 (django-storages) switches on with a bucket name; its endpoint and region also default the backup bucket's.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_s3_region = env.str("AWS_S3_REGION_NAME", default=None)
_s3_endpoint = env.str("AWS_S3_ENDPOINT_URL", default=None)
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = _s3_region
    AWS_S3_ENDPOINT_URL = _s3_endpoint
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
    AWS_QUERYSTRING_EXPIRE = env.int("AWS_QUERYSTRING_EXPIRE", default=300)
    # Signed URLs of private files: Signature V4 (V2 is refused by newer regions), short-lived.
    AWS_S3_SIGNATURE_VERSION = env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4")
    # apps.media.storage.S3Storage: django-storages' S3 plus the Content-Type/-Disposition media decides.
    _default_storage = {
        "BACKEND": "apps.media.storage.S3Storage",
        "OPTIONS": {"querystring_auth": False, "file_overwrite": False, "default_acl": None},
    }
    _private_storage = {
        "BACKEND": "apps.media.storage.S3Storage",
        "OPTIONS": {
            "querystring_auth": True,
            "custom_domain": None,
            "location": env.str("AWS_PRIVATE_LOCATION", default="private"),
            "default_acl": None,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media"), "base_url": None},
    }

# Backups live in their own storage: a local directory by default, a private S3 bucket (or a prefix
# of one) when BACKUP_S3_BUCKET is set. Never the media bucket's public prefix.
BACKUP_STORAGE = env.str("BACKUP_STORAGE", default="backups")
BACKUP_DOWNLOAD_EXPIRE = env.int("BACKUP_DOWNLOAD_EXPIRE", default=300)
_backup_bucket = env.str("BACKUP_S3_BUCKET", default="")
if _backup_bucket:
    _backup_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _backup_bucket,
            "location": env.str("BACKUP_S3_PREFIX", default="backups"),
            "endpoint_url": env.str("BACKUP_S3_ENDPOINT_URL", default="") or _s3_endpoint,
            "region_name": env.str("BACKUP_S3_REGION_NAME", default="") or _s3_region,
            "querystring_auth": True,  # private: downloads only through short-lived signed URLs
            "querystring_expire": BACKUP_DOWNLOAD_EXPIRE,
            "default_acl": None,
            "custom_domain": None,
            "file_overwrite": True,
            "max_memory_size": 8 * 1024 * 1024,  # reads spill to disk: a dump is never held whole in memory
        },
    }
else:
    _backup_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("BACKUP_ROOT", default=BASE_DIR / "backups"), "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    "backups": _backup_storage,
}

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_HOST = env.str("EMAIL_HOST", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]

# --- Celery -------------------------------------------------------------------------------------
_broker = env.str("CELERY_BROKER_URL", default="")
# Without a broker every task runs in-process, so `make run` needs nothing else.
CELERY_TASK_ALWAYS_EAGER = not _broker
# Eager tasks still build a producer to serialise arguments: keep it in-process, not "localhost".
CELERY_BROKER_URL = _broker or "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# In tests a failing task fails the test; on a laptop (eager, no broker) it is logged, never a 500 after the
# request already committed its data.
CELERY_TASK_EAGER_PROPAGATES = TESTING
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis broker: a task whose worker died (killed, OOM) is handed out again after this many seconds.
# Keep it above CELERY_TASK_TIME_LIMIT, or a long task still running is handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every periodic task, in this one place. Beat writes each entry into its tables (admin → Periodic
# tasks) when it starts, by name: an entry can be paused there, but its timing comes from here.
CELERY_BEAT_SCHEDULE = {
    # Tidiness only: readers already see a scheduled post at its time (published_at <= now).
    "blog-scheduled-posts-flip": {"task": "apps.blog.tasks.scheduled_posts_flip", "schedule": 300.0},
    # Expired refresh tokens and their blacklist entries.
    "accounts-tokens-flush-expired": {"task": "apps.accounts.tasks.tokens_flush_expired_task", "schedule": 24 * 3600.0},
    # backup_db --include-media, then verify_backup; e-mails the admins on failure. (Names as the
    # rows migration core.0002 created, so beat updates those rows instead of adding copies.)
    "Back up the database and media (daily)": {
        "task": "apps.core.tasks.backup_run_task",
        "schedule": crontab(minute=0, hour=2),
        "kwargs": {"verify": True, "include_media": True},
    },
    # prune_backups with the BACKUP_KEEP_* settings, after the nightly backup.
    "Prune old backups (daily)": {"task": "apps.core.tasks.backup_prune_task", "schedule": crontab(minute=30, hour=3)},
    # Page views buffered by the capture middleware, in bulk. django-celery-beat reads `expire_seconds`:
    # a backlog of flushes is pointless, the next one takes everything.
    "analytics-flush": {
        "task": "apps.analytics.tasks.analytics_flush_task",
        "schedule": 5.0,
        "options": {"expire_seconds": 10},
    },
    # Daily rollups (a day that got late views is rebuilt), then raw views past ANALYTICS_RAW_RETENTION_DAYS.
    "analytics-rollup": {"task": "apps.analytics.tasks.analytics_rollup_task", "schedule": 600.0},
    "analytics-prune": {"task": "apps.analytics.tasks.analytics_prune_task", "schedule": 24 * 3600.0},
    # Friend links that stopped answering are marked dead (never removed), weekly.
    "community-friend-links-check": {
        "task": "apps.community.tasks.friend_links_check_task",
        "schedule": crontab(minute=15, hour=4, day_of_week=1),
    },
}

# --- API ----------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # One scheme for the API: simplejwt tokens, from `Authorization: Bearer` or (with CSRF) the cookies.
    "DEFAULT_AUTHENTICATION_CLASSES": ["apps.accounts.authentication.JWTHeaderOrCookieAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON bodies only, so a body means what the schema says (a form would send `email_on_reply=0` for
    # false); the upload endpoints add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "apps.core.filters.StrictFilterBackend",  # django-filter, holding query parameters to the schema
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "apps.core.schema.AutoSchema",  # one tag per resource, readable ids and summaries
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": _api_throttle_rates,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
_SYSTEM_FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SITE_NAME} API",
    "DESCRIPTION": (
        "The REST API of Inkwell, a bilingual blog CMS. Every endpoint is under `/api/v1/`."
        "\n\nSign-up, sign-in (password, e-mail code, GitHub, Google), tokens and password reset are "
        "allauth's headless API: [its OpenAPI specification](/_allauth/openapi.html) "
        "(use the `app` client; tokens returned there are the `Bearer` tokens of this API)."
    ),
    # The document's version (ReDoc shows it after the title); the API's own version is in its paths.
    "VERSION": INKWELL_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    # Paths are tagged and named from what follows /api/v<n>/: `posts_list`, not `v1_posts_list`.
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "apps.core.schema.tag_descriptions"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # templates/drf_spectacular/redoc.html: the system's fonts instead of ReDoc's web fonts from a third-party host.
    "REDOC_UI_SETTINGS": {
        "theme": {
            "typography": {
                "fontFamily": _SYSTEM_FONTS,
                "headings": {"fontFamily": _SYSTEM_FONTS},
                "code": {"fontFamily": "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"},
            }
        }
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PostStatusEnum": "apps.blog.models.Post.Status",
        "SectionTypeEnum": "apps.blog.models.Section.Type",
        "ProjectTypeEnum": "apps.blog.models.Project.Type",
        "TranslationStateEnum": "apps.blog.api.serializers.TRANSLATION_STATES",
        "AIJobKindEnum": "apps.blog.models.AIJob.Kind",
        "AIJobStatusEnum": "apps.blog.models.AIJob.Status",
        "TranslationFieldStateEnum": "apps.blog.selectors.TRANSLATION_FIELD_STATES",
        "ReviewStateEnum": "apps.blog.models.ReviewState",
        "TranslationDraftTargetEnum": ["post", "tag", "section"],
        "CommentTargetEnum": ["post", "board"],
        # One name for every field choosing among LANGUAGES (source language, preferred language...).
        "LanguageEnum": LANGUAGES,
    },
}

# --- Security (production) ----------------------------------------------------------------------
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself; otherwise clients could spoof HTTPS.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])

# --- payments: Stripe Checkout, taxes, invoices, refunds (apps/payments) ---------------------------
# Prices are integers in minor units (cents, fen); a new project or premium post is priced in this currency.
DEFAULT_CURRENCY = env.str("DEFAULT_CURRENCY", default="NZD").upper()
# Payments switch on with the secret key and the webhook secret; without them buy buttons say payments are
# not configured and the API answers 503 (apps/payments/gateways.py).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Another address for Stripe's API: the local stand-in (`manage.py stripe_standin`) in tests and development.
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="").rstrip("/")
PAYMENTS_GATEWAY = "apps.payments.gateways.StripeGateway"
# Where the buy form's redirect goes, once payments are on: browsers apply CSP form-action to it (Stripe's
# Checkout, or the stand-in's own page).
PAYMENTS_CHECKOUT_ORIGINS = (
    ("https://checkout.stripe.com",)
    + (("/".join(STRIPE_API_BASE.split("/")[:3]),) if STRIPE_API_BASE.startswith(("http://", "https://")) else ())
    if STRIPE_SECRET_KEY
    else ()
)
# How long a Checkout page stays open (Stripe allows 30 minutes to 24 hours).
PAYMENTS_CHECKOUT_MINUTES = env.int("PAYMENTS_CHECKOUT_MINUTES", default=60)
# A project's download link lives this long once made (it is made when the buyer clicks).
PAYMENTS_DOWNLOAD_URL_SECONDS = env.int("PAYMENTS_DOWNLOAD_URL_SECONDS", default=120)
# Who issues the invoices (printed on every invoice and credit note).
INVOICE_COMPANY_NAME = env.str("INVOICE_COMPANY_NAME", default=SITE_NAME)
INVOICE_COMPANY_ADDRESS = env.str("INVOICE_COMPANY_ADDRESS", default="")
INVOICE_COMPANY_PHONE = env.str("INVOICE_COMPANY_PHONE", default="")
INVOICE_COMPANY_EMAIL = env.str("INVOICE_COMPANY_EMAIL", default="")
INVOICE_COMPANY_TAX_NUMBER = env.str("INVOICE_COMPANY_TAX_NUMBER", default="")

# --- Security headers: Content-Security-Policy, Permissions-Policy (apps/core/security_headers.py) ---
# One CSP per area, chosen by path prefix (first match; anything else is a reader page). In the
# sources, "{media-hosts}" becomes the media storages' origins (S3, CDN) plus CSP_IMG_HOSTS, and
# "{oauth-hosts}" the sign-in origins of the OAuth providers switched on (see the README).
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)  # report violations, block nothing
CSP_REPORT_URI = env.str("CSP_REPORT_URI", default="")  # where browsers POST violation reports
CSP_IMG_HOSTS = env.list("CSP_IMG_HOSTS", default=[])  # more origins for images, audio and video
CSP_AREAS = [
    ("/admin/", "admin"),
    ("/api/docs/", "docs"),
    ("/api/redoc/", "docs"),
    ("/_allauth/openapi.html", "docs"),
    ("/api/", "api"),  # JSON; HTML pages under it (DRF's browsable API) get "browsable-api"
    ("/_allauth/", "api"),
]
# Sources are tuples: the areas share them, so a change is a new tuple, never one edited in place.
_CSP_COMMON = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:", "{media-hosts}"),
    "media-src": ("'self'", "{media-hosts}"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "frame-src": ("'none'",),
    "worker-src": ("'none'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
CSP_POLICIES = {
    # No inline script or style anywhere: cached pages need no per-request nonce.
    "reader": {**_CSP_COMMON, "form-action": ("'self'", "{oauth-hosts}", *PAYMENTS_CHECKOUT_ORIGINS)},
    "admin": {**_CSP_COMMON},
    # Swagger UI and ReDoc (local files). ReDoc styles its pages with <style> elements: those made while
    # it renders carry the answer's nonce (docs pages are never cached); the one it makes as it loads
    # has a fixed text, allowed by hash (with the empty element it starts as). Its search index runs
    # in a worker made from a blob: URL.
    "docs": {
        **_CSP_COMMON,
        "style-src": (
            "'self'",
            "{nonce}",
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # an empty <style>
            "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # ReDoc's perfect-scrollbar CSS
        ),
        "worker-src": ("blob:",),
    },
    # DRF's browsable API has style attributes in its templates; its scripts stay strict.
    "browsable-api": {**_CSP_COMMON, "style-src": ("'self'", "'unsafe-inline'")},
    # JSON is never a page: nothing may load, nothing may frame it.
    "api": {"default-src": ("'none'",), "frame-ancestors": ("'none'",)},
}
CSP_OAUTH_ORIGINS = {"github": "https://github.com", "google": "https://accounts.google.com"}
# Browser features the site never uses, allowed for no origin ("self" would allow the site only).
PERMISSIONS_POLICY = {
    "accelerometer": (),
    "camera": (),
    "display-capture": (),
    "geolocation": (),
    "gyroscope": (),
    "hid": (),
    "magnetometer": (),
    "microphone": (),
    "midi": (),
    "payment": (),
    "serial": (),
    "usb": (),
    "xr-spatial-tracking": (),
}

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False}},
}

# --- core: backups (the storage is STORAGES["backups"] above) ------------------------------------
BACKUP_TEMP_DIR = env.str("BACKUP_TEMP_DIR", default="") or None  # scratch space for dumps (default: system tmp)
BACKUP_MYSQLDUMP = env.str("BACKUP_MYSQLDUMP", default="mariadb-dump")
BACKUP_MYSQL = env.str("BACKUP_MYSQL", default="mariadb")
BACKUP_PG_DUMP = env.str("BACKUP_PG_DUMP", default="pg_dump")
BACKUP_PSQL = env.str("BACKUP_PSQL", default="psql")
BACKUP_COMPRESSION_LEVEL = env.int("BACKUP_COMPRESSION_LEVEL", default=3)  # gzip 1-9: 3 is fast and small enough
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=6)
BACKUP_MEDIA_STORAGES = ("default", "private")

# --- media ---------------------------------------------------------------------------------------
_MB = 1024 * 1024
# Upload limits per kind, checked before anything reaches storage.
MEDIA_MAX_IMAGE_SIZE = env.int("MEDIA_MAX_IMAGE_MB", default=20) * _MB
MEDIA_MAX_VIDEO_SIZE = env.int("MEDIA_MAX_VIDEO_MB", default=200) * _MB
MEDIA_MAX_OTHER_SIZE = env.int("MEDIA_MAX_OTHER_MB", default=50) * _MB
# Per-user storage quota; users allowed to change any asset (editors, admins) are unlimited.
MEDIA_USER_QUOTA = env.int("MEDIA_USER_QUOTA_MB", default=500) * _MB
# Pillow's decompression-bomb limit: images with more pixels are refused.
MEDIA_MAX_IMAGE_PIXELS = env.int("MEDIA_MAX_IMAGE_PIXELS", default=50_000_000)
MEDIA_RENDITION_WIDTHS = (360, 720, 1280)
MEDIA_WATERMARK_ENABLED = env.bool("MEDIA_WATERMARK_ENABLED", default=True)
MEDIA_WATERMARK_TEXT = env.str("MEDIA_WATERMARK_TEXT", default="") or SITE_NAME
MEDIA_WATERMARK_OPACITY = env.float("MEDIA_WATERMARK_OPACITY", default=0.6)
# Lifetime of a signed URL of a private file (local storage; S3 uses AWS_QUERYSTRING_EXPIRE).
MEDIA_PRIVATE_URL_EXPIRE = env.int("MEDIA_PRIVATE_URL_EXPIRE", default=300)
# Video posters and previews need ffmpeg; without it videos are kept and marked "not processed".
MEDIA_FFMPEG_BINARY = "ffmpeg"
MEDIA_FFPROBE_BINARY = "ffprobe"

# --- blog ---------------------------------------------------------------------------------------
BLOG_PREVIEW_LINK_DAYS = 7  # default lifetime of a draft preview link
# Hosts whose links are not "external" (no rel="noopener nofollow"); SITE_URL's host is always one.
BLOG_INTERNAL_HOSTS = [h for h in ALLOWED_HOSTS if not h.startswith(".")]
BLOG_BODY_MAX_CHARS = env.int("BLOG_BODY_MAX_CHARS", default=200_000)  # per language, API and admin
# modeltranslation's tabbed admin loads jQuery UI from a CDN unless told otherwise: serve it locally.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
# Anonymous readers' pages and feeds stay cached this long at most (0 turns the page cache off);
# any change readers could see drops them at once (apps/blog/page_cache.py).
BLOG_PAGE_CACHE_TIMEOUT = 600
# With Redis, each process also keeps the pages it served last (up to this many bytes) and answers them
# without a round trip for this many seconds after it last read the cache's generation: a change made
# in another process shows to anonymous readers that much later (0: always ask Redis).
BLOG_PAGE_CACHE_LOCAL_SECONDS = env.float(
    "BLOG_PAGE_CACHE_LOCAL_SECONDS", default=1.0 if REDIS_URL and not TESTING else 0.0
)
BLOG_PAGE_CACHE_LOCAL_MAX_BYTES = env.int("BLOG_PAGE_CACHE_LOCAL_MAX_BYTES", default=8 * 1024 * 1024)
# Post cards of list pages are rendered once per post and language and reused by every reader (signed
# in too) this long at most (0 turns it off); the same changes that drop cached pages drop them.
BLOG_FRAGMENT_CACHE_TIMEOUT = env.int("BLOG_FRAGMENT_CACHE_TIMEOUT", default=0 if TESTING else 600)

# --- community: comments, the message board, likes, bookmarks, moderation (talk) -----------------
# Guests (not signed in) may comment with a name and an e-mail address; their comments are always held.
COMMUNITY_GUEST_COMMENTS = env.bool("COMMUNITY_GUEST_COMMENTS", default=False)
COMMUNITY_COMMENT_MAX_CHARS = env.int("COMMUNITY_COMMENT_MAX_CHARS", default=2000)
COMMUNITY_EDIT_MINUTES = env.int("COMMUNITY_EDIT_MINUTES", default=15)  # authors edit or delete their own
COMMUNITY_MAX_LINKS = env.int("COMMUNITY_MAX_LINKS", default=2)  # more links than this: the comment is refused
COMMUNITY_MIN_SUBMIT_SECONDS = env.int("COMMUNITY_MIN_SUBMIT_SECONDS", default=3)  # a form sent faster is a bot
COMMUNITY_FORM_MAX_AGE_HOURS = 24  # a page's comment form is good this long (then it asks to send again)
COMMUNITY_HOLD_FIRST_COMMENT = env.bool("COMMUNITY_HOLD_FIRST_COMMENT", default=True)  # until one is approved
COMMUNITY_COMMENT_RATE_USER = env.str("COMMUNITY_COMMENT_RATE_USER", default="10/10min")
COMMUNITY_COMMENT_RATE_IP = env.str("COMMUNITY_COMMENT_RATE_IP", default="20/10min")
COMMUNITY_REACTION_RATE = env.str("COMMUNITY_REACTION_RATE", default="120/10min")  # likes and bookmarks per user

# --- community: friend links and the newsletter (reach) -------------------------------------------
# The weekly link check: seconds per request (HEAD, then GET), redirects followed up to 5 hops.
FRIEND_LINK_CHECK_TIMEOUT = env.float("FRIEND_LINK_CHECK_TIMEOUT", default=5.0)
# Off in production: the checker refuses loopback and private addresses (SSRF); tests turn it on.
FRIEND_LINK_CHECK_ALLOW_PRIVATE = env.bool("FRIEND_LINK_CHECK_ALLOW_PRIVATE", default=False)
FRIEND_LINK_APPLY_RATE = env.str("FRIEND_LINK_APPLY_RATE", default="5/day")  # applications per account
# A published post goes to confirmed subscribers of each language at once (editors can still skip one).
NEWSLETTER_AUTO_SEND = env.bool("NEWSLETTER_AUTO_SEND", default=True)
NEWSLETTER_BATCH_SIZE = env.int("NEWSLETTER_BATCH_SIZE", default=100)  # e-mails per SMTP connection
NEWSLETTER_CONFIRM_DAYS = env.int("NEWSLETTER_CONFIRM_DAYS", default=7)  # the confirmation link is good this long
NEWSLETTER_SUBSCRIBE_RATE_IP = env.str("NEWSLETTER_SUBSCRIBE_RATE_IP", default="10/hour")
NEWSLETTER_SUBSCRIBE_RATE_EMAIL = env.str("NEWSLETTER_SUBSCRIBE_RATE_EMAIL", default="3/day")  # confirmation mails

# --- media: speech, and blog: narration (issue 13) -----------------------------------------------
# Azure neural voices when AZURE_SPEECH_KEY is set; otherwise espeak-ng when installed; otherwise
# narration is unavailable and says so (apps/media/speech.py).
AZURE_SPEECH_KEY = env.str("AZURE_SPEECH_KEY", default="")
AZURE_SPEECH_REGION = env.str("AZURE_SPEECH_REGION", default="")
AZURE_SPEECH_ENDPOINT = env.str("AZURE_SPEECH_ENDPOINT", default="")  # overrides the region's (tests, sovereign clouds)
# An empty value (as in .env.example) means the default, like a missing one.
AZURE_SPEECH_VOICES = {
    "en": env.str("AZURE_SPEECH_VOICE_EN", default="") or "en-US-AvaMultilingualNeural",
    "zh-hans": env.str("AZURE_SPEECH_VOICE_ZH", default="") or "zh-CN-XiaoxiaoNeural",
}
SPEECH_PROVIDER = env.str("SPEECH_PROVIDER", default="") or (
    "apps.media.speech.AzureSpeech" if AZURE_SPEECH_KEY else "apps.media.speech.EspeakSpeech"
)
SPEECH_ESPEAK_BINARY = "espeak-ng"
SPEECH_SOX_BINARY = "sox"
# MP3 plays everywhere (podcast apps included); Opus is smaller. WAV only when nothing can encode.
NARRATION_AUDIO_FORMAT = (env.str("NARRATION_AUDIO_FORMAT", default="") or "mp3").lower()
if NARRATION_AUDIO_FORMAT not in ("mp3", "opus", "wav"):
    sys.exit("Inkwell: NARRATION_AUDIO_FORMAT must be mp3, opus or wav.")
AI_NARRATE_ON_PUBLISH = env.bool("AI_NARRATE_ON_PUBLISH", default=False)
PODCAST_IMAGE_URL = env.str("PODCAST_IMAGE_URL", default="")  # square, 1400-3000 px; default: static/img/podcast.png
PODCAST_CATEGORY = env.str("PODCAST_CATEGORY", default="") or "Technology"

# --- blog: AI assistance (translation drafts, key points; apps/blog/assistant.py) ------------------
# DashScope (Qwen) switches on with QWEN_API_KEY; without it translation is unavailable (and says so)
# and key points come from the local extractive summarizer.
QWEN_API_KEY = env.str("QWEN_API_KEY", default="")
QWEN_MODEL = env.str("QWEN_MODEL", default="qwen-max")
# Empty: the SDK's default (https://dashscope.aliyuncs.com/api/v1). International accounts use
# https://dashscope-intl.aliyuncs.com/api/v1; `manage.py qwen_standin` prints a local one.
QWEN_API_BASE_URL = env.str("QWEN_API_BASE_URL", default="")
QWEN_API_MAX_RETRIES = env.int("QWEN_API_MAX_RETRIES", default=3)  # per request, on 429, 5xx and timeouts only
QWEN_API_RETRY_BACKOFF = env.float("QWEN_API_RETRY_BACKOFF", default=2.0)  # seconds, doubled at each retry
QWEN_API_TIMEOUT = env.float("QWEN_API_TIMEOUT", default=120.0)  # seconds per request
AI_ASSISTANT_CLASS = env.str("AI_ASSISTANT_CLASS", default="") or (
    "apps.blog.assistant.QwenAssistant" if QWEN_API_KEY else "apps.blog.assistant.LocalAssistant"
)
AI_TRANSLATE_CHUNK_CHARS = env.int("AI_TRANSLATE_CHUNK_CHARS", default=3000)  # characters sent per request
AI_TRANSLATE_CONCURRENCY = env.int("AI_TRANSLATE_CONCURRENCY", default=3)  # requests in flight per job
AI_SUMMARY_MAX_CHARS = env.int("AI_SUMMARY_MAX_CHARS", default=20000)  # of a body read to write its key points
AI_SHOW_MACHINE_DRAFTS = env.bool("AI_SHOW_MACHINE_DRAFTS", default=False)  # unreviewed, with a notice
AI_TRANSLATE_ON_PUBLISH = env.bool("AI_TRANSLATE_ON_PUBLISH", default=False)
# A job that failed on a retryable provider error runs again after this many seconds (doubled each
# time), up to AI_JOB_MAX_ATTEMPTS runs in all (with a broker; without one, editors retry by hand).
AI_JOB_MAX_ATTEMPTS = env.int("AI_JOB_MAX_ATTEMPTS", default=3)
AI_JOB_RETRY_DELAY = env.float("AI_JOB_RETRY_DELAY", default=60.0)

# Callables (dotted paths) adding safe HTML to a post's meta line on cards and post pages (higher apps
# plug in here, e.g. analytics' view counts): the blog imports none of them.
BLOG_POST_META_EXTRAS = ["apps.analytics.display.post_views_label"]
# A callable (dotted path) giving the buy box of a priced project or premium post: (request, item) -> safe
# HTML. Payments plugs in here; the blog imports nothing of it ("" shows no box).
BLOG_PURCHASE_BOX = "apps.payments.display.purchase_box"

# --- analytics ----------------------------------------------------------------------------------
# Cookie-free page views (apps/analytics): captured before the page cache answers, buffered, flushed in bulk.
ANALYTICS_ENABLED = env.bool("ANALYTICS_ENABLED", default=True)
# "redis": a list in the Redis of the cache below (production); "memory": this process only (development).
ANALYTICS_BUFFER = env.str("ANALYTICS_BUFFER", default="") or ("redis" if REDIS_URL else "memory")
ANALYTICS_REDIS_CACHE = "default"  # the django-redis cache alias whose Redis holds the buffer
# Each web process gathers views for this long (or this many) before one RPUSH; 0 pushes every view at once.
ANALYTICS_PUSH_INTERVAL = env.float("ANALYTICS_PUSH_INTERVAL", default=1.0)
ANALYTICS_PUSH_BATCH = 500
ANALYTICS_BUFFER_MAX = 200_000  # views waiting in one process before more are counted as lost
ANALYTICS_RAW_RETENTION_DAYS = env.int("ANALYTICS_RAW_RETENTION_DAYS", default=90)
# Without a worker (eager Celery, `make run`), the in-process buffer is flushed after a response once
# it holds this many views or its oldest is this many seconds old (0: never; tests flush by hand).
ANALYTICS_INLINE_FLUSH_AT = 0 if TESTING else 100
ANALYTICS_INLINE_FLUSH_SECONDS = 0 if TESTING else 10
# Reader paths (after the language prefix) that are never counted.
ANALYTICS_SKIP_PATHS = ("accounts/", "preview/", "payments/")  # payments/: checkout and its self-refreshing return page
