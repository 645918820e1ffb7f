"""Settings, read from the environment.

With no environment at all the platform runs embedded: SQLite in ``var/``, tasks
in-process, safe production defaults. ``DATABASE_URL`` switches to PostgreSQL and
``CELERY_BROKER_URL`` to Celery with Redis; see README.md.
"""

import secrets
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("MEDIATION_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    """Use DJANGO_SECRET_KEY, else a key generated once and kept in var/."""
    if key := env.str("DJANGO_SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "mediation",
    "workflows",
    "documents",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from here: no CDN
    "mediation.api",
    "mediation.dashboard",
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
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
]

ROOT_URLCONF = "mediation.urls"
WSGI_APPLICATION = "mediation.wsgi.application"

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
            ],
        },
    },
]

# Database. SQLite takes IMMEDIATE transactions so that two writers queue for the
# write lock at BEGIN instead of failing half-way (the viewflow locking note in
# README.md); WAL lets the web server and the worker read while one writes.
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(VAR_DIR / "test.sqlite3")
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    # No JIT: the site's queries are short, and PostgreSQL compiles one for about 100 ms
    # once its estimated cost passes jit_above_cost (the statistics' 60 ms aggregates at
    # a million cases took 160 ms with it).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Language and time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "mediation" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it, even before collectstatic
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Security. Production (DJANGO_DEBUG off) is the default; `make run` turns debug on
# for the laptop demo. Behind plain HTTP on a laptop set DJANGO_HTTPS=0.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# The cache: per process by default; CACHE_URL (e.g. redis://127.0.0.1:6379/1) shares
# it between the processes of a bigger site, so that the API's rate per token counts
# every process's calls.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Tasks. Without a broker every task runs in-process when it is queued.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = CELERY_BROKER_URL or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    # pyHanko logs a warning with a traceback for every seal it cannot trust; anyone may
    # upload a PDF to the public verification page, so only its errors are logged.
    "loggers": {
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# The domain.
MEDIATION = {
    # Handling deadline in days for each tier, counted by mediation.deadlines.
    "TIER_DEADLINE_DAYS": {"micro": 3, "small": 7, "medium": 15, "hard": 30},
    # Largest amount in dispute an intake accepts, in yuan.
    "MAX_AMOUNT": 10_000_000_000,
    # Days after closing that the return visit falls due (复诊).
    "RETURN_VISIT_DAYS": env.int("MEDIATION_RETURN_VISIT_DAYS", default=30),
    # Days between a leader case's progress reports (专诊).
    "PROGRESS_REPORT_DAYS": 7,
    # Working days a summoned department has to report in, unless staff set another date.
    "SUMMONS_WORKING_DAYS": 3,
    # Uploads to a court referral: the largest file, and the types allowed (PDF, images,
    # Office documents, audio), each also checked by its first bytes.
    "UPLOAD_MAX_BYTES": env.int("MEDIATION_UPLOAD_MAX_BYTES", default=20 * 1024 * 1024),
    "UPLOAD_TYPES": ".pdf .png .jpg .jpeg .gif .doc .docx .xls .xlsx .ppt .pptx "
    ".mp3 .wav .ogg .m4a .flac .amr".split(),
}

# Public address of the site, for links that leave it: the QR code on every issued
# document, and the portal link sent to a party by SMS or email.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Documents (documents/). Each section below belongs to one module there.
DOCUMENTS = {
    # documents.rendering: a render runs in a child process with these limits.
    "RENDER_TIMEOUT_SECONDS": env.float("DOCUMENTS_RENDER_TIMEOUT", default=60.0),
    "RENDER_MEMORY_MB": env.int("DOCUMENTS_RENDER_MEMORY_MB", default=1024),
    # documents.signing: each organisation's seal is a PKCS#12 file, by organisation
    # code: {"code": {"path": "...p12", "passphrase": "..."}}. An organisation missing
    # here uses CERTIFICATE_DIR/<code>.p12, which `manage.py issue_dev_certificates`
    # writes (with the local CA's certificate, the trust root, as ca.pem).
    "SEALS": {},
    "CERTIFICATE_DIR": Path(
        env.str("DOCUMENTS_CERTIFICATE_DIR", default=str(VAR_DIR / "certificates"))
    ),
    "CERTIFICATE_PASSPHRASE": env.str("DOCUMENTS_CERTIFICATE_PASSPHRASE", default="demo-seal"),
    # Extra trust roots (PEM files) that verification accepts besides CERTIFICATE_DIR/ca.pem.
    "TRUST_ROOTS": env.list("DOCUMENTS_TRUST_ROOTS", default=[]),
}

# The party portal (documents.portal) and the SMS gateway (mediation.sms).
SMS_BACKEND = env.str("SMS_BACKEND", default="mediation.sms.ConsoleBackend")
PORTAL = {
    "LINK_DAYS": 30,
    "CODE_MINUTES": 10,
    "CODE_ATTEMPTS": 5,
    # Codes sent to one link in an hour, against a flood of messages.
    "CODES_PER_HOUR": 5,
    "SESSION_HOURS": 2,
}

# --- The open API (mediation/api/) ---------------------------------------------------
# Tokens only (no sessions), JSON only, every error in one shape (mediation.api.errors),
# a rate per token (MEDIATION_API_RATE: DRF's "number/period", e.g. 120/minute),
# counted in the default cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["mediation.api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["mediation.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env.str("MEDIATION_API_RATE", default="120/minute")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "mediation.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "mediation.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "矛盾纠纷多元化解平台 Open API",
    "DESCRIPTION": (
        "Cases from the 12345 hotline and other systems, court, police and petition "
        "referrals, and the documents the caller may see. Authenticate with "
        "`Authorization: Bearer <token>`; errors are JSON with a stable code and a "
        "Chinese message."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "mediation.models.cases.CaseStatus",
        "ChannelEnum": "mediation.models.cases.Channel",
        "IntakeChannelEnum": "mediation.api.serializers.INTAKE_CHANNEL_CHOICES",
        "PersonKindEnum": "mediation.models.people.PersonKind",
        "OrgKindEnum": "mediation.models.organisations.OrgKind",
        "ReferralKindEnum": "mediation.models.referrals.ReferralKind",
        "ReferralStatusEnum": "mediation.models.referrals.ReferralStatus",
        "CourtDecisionEnum": "mediation.models.referrals.CourtDecision",
        "DocumentKindEnum": "documents.models.DocumentKind",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
    },
}
# --- end of the open API's settings ------------------------------------------------
