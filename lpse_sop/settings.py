"""Settings for the LPSE SOP workflow tracker, read from the environment (django-environ).

APP_ENV selects the mode: ``development`` (default; DEBUG on, demo data allowed),
``test`` or ``production`` (refuses to start without a real SECRET_KEY and never loads
demo people). Everything else is an environment variable with a development default;
see README.md.
"""
import datetime
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

APP_ENV = env.str("APP_ENV", default="development")
if APP_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"APP_ENV must be development, test or production, not {APP_ENV!r}")
PRODUCTION = APP_ENV == "production"

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "Production mode needs a real SECRET_KEY (at least 50 random characters) in the environment."
    )

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "guardian",
    "axes",
    "csp",
    "lpse_sop",
    "accounts",
    "worktime",
    "workflows",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lpse_sop.middleware.RejectUnprocessableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "accounts.middleware.RequestMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lpse_sop.sessions.SessionLimitsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lpse_sop.middleware.FriendlyNotFoundMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lock page
]
# A stale form (Back button after signing in again) gets the site's 403 page with the reason.
CSRF_FAILURE_VIEW = "lpse_sop.errors.csrf_failure"

ROOT_URLCONF = "lpse_sop.urls"
WSGI_APPLICATION = "lpse_sop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflows.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Optional: a PostgreSQL streaming replica of that database, read by the archive, Monev and the
# deviation register (lpse_sop/replica.py). Tests read it as the default test database.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
for _database in DATABASES.values():
    _database["ATOMIC_REQUESTS"] = False
    # Connections are kept between requests (a new one costs a few ms on every page) and checked
    # before reuse, so a restarted database costs one failed check, not an error page.
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _database["CONN_HEALTH_CHECKS"] = True
    if _database["ENGINE"] == "django.db.backends.postgresql":
        # Every query here is short; PostgreSQL's JIT compiler, which starts on any plan it costs
        # high, spent 15-20 ms compiling a 10 ms inbox count at 100,000 cases. The planner is told
        # that the database lives on an SSD (random reads cost about what sequential ones do): with
        # the default of 4 it read all 100,000 cases (80 ms) rather than the archive's trigram index
        # (12 ms). PG_OPTIONS replaces both, e.g. for a database on spinning disks.
        _database.setdefault("OPTIONS", {}).setdefault(
            "options", env.str("PG_OPTIONS", default="-c jit=off -c random_page_cost=1.1"))
DATABASE_ROUTERS = ["lpse_sop.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked account or address before any password check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "AnonymousUser" row: anonymous visitors never hold object permissions here.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if APP_ENV == "test":
    # Hashing dozens of demo passwords with PBKDF2 would dominate the test run.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks (django-tasks, the backport of Django 6's django.tasks): a database queue
# worked by `manage.py db_worker`; tests run tasks immediately.
TASKS = {"default": {"BACKEND": env.str(
    "TASKS_BACKEND",
    default="django_tasks.backends.immediate.ImmediateBackend" if APP_ENV == "test" else "django_tasks_db.DatabaseBackend",
)}}

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Server clock in UTC; every date shown to a person is converted to the zone of the agency.
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
# Production collects static files into STATIC_ROOT; elsewhere WhiteNoise serves them from the finders.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))) if PRODUCTION else None
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed files (collectstatic); development serves them as they are.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage" if PRODUCTION
                    else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGIN_URL = "login"
LOGIN_URL = "/masuk/"
LOGIN_REDIRECT_URL = "my_tasks"

# Repeated failed logins (django-axes), on /masuk/ and /admin/login/ alike: after 5 failures
# the account, and separately the address, is locked for 30 minutes, or until the
# administrator lifts it (Admin → Axes → Access attempts, or `manage.py axes_reset_username`).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind nginx every connection comes from 127.0.0.1: the client's address is then the
# X-Real-IP nginx sets (docs/deploy.md), so one person's failures never lock everyone out.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
AXES_CLIENT_IP_CALLABLE = "lpse_sop.sessions.client_ip"

# Sessions end after 30 idle minutes and after 12 hours at most (lpse_sop.sessions).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_MAX_SECONDS = env.int("SESSION_MAX_HOURS", default=12) * 3600
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS

# Content Security Policy (django-csp): only this site's own scripts, styles and images; no
# inline script anywhere (htmx's inline indicator style is switched off in base.html).
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'"], "img-src": ["'self'", "data:"],
    "font-src": ["'self'"], "connect-src": ["'self'"], "form-action": ["'self'"], "frame-ancestors": ["'none'"],
    "object-src": ["'none'"], "base-uri": ["'self'"],
}}
LOGOUT_REDIRECT_URL = "login"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# How long personal documents (KTP, SK and certificate scans) are kept after their case closes;
# `manage.py purge_personal_data --by <admin>` removes them afterwards, recorded in the history.
RETENTION_DAYS = {"personal_documents": env.int("RETENTION_PERSONAL_DOCUMENT_DAYS", default=5 * 365)}

# The SOP editor posts a whole definition as one form: a 40-step SOP with its inputs and
# effects is over 1,000 fields (about 27 a step with two inputs; Django allows 1,000 by default).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Kelengkapan uploads: what a step accepts.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if not PRODUCTION
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LPSE SOP <no-reply@lpse.localhost>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

if PRODUCTION:
    # Behind nginx (docs/deploy.md), which terminates TLS and sets X-Forwarded-Proto.
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
