"""Settings for the clinic site, read from the environment.

With nothing set, the site runs locally in debug on SQLite. Production sets DJANGO_DEBUG=0,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (and usually DATABASE_URL and REDIS_URL); without
the first two it refuses to start. See README.md, "Configuration".
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = env("DJANGO_SECRET_KEY")
# Earlier keys, newest first, while links signed with them may still be followed.
SECRET_KEY_FALLBACKS = env("DJANGO_SECRET_KEY_FALLBACKS").split()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production-0123"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
else:
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "clinic",
    "faq",
    "screener",
    "bookings",
    "diary",
    "patients",
    # Spanish columns beside the English ones (faq/translation.py); before the admin, as its
    # documentation asks, so the admin sees the translated fields.
    "modeltranslation",
    # Django's admin with the site's own AdminSite: a second factor for every member of staff.
    "clinic.apps.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_ratelimit",
    "post_office",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "solo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The URL's language, active before the page cache and every error page; the patient's
    # choice remembered for "/" (clinic/languages.py).
    "clinic.languages.LanguageMiddleware",
    "clinic.page_cache.PublicPageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    # A NUL byte in a query string or form is refused (400) before any view or query sees it.
    "clinic.middleware.RejectNulBytesMiddleware",
    "clinic.middleware.SessionMiddleware",  # Django's, with a clear 503 when sessions fail
    # Where Django's documentation puts it: after sessions, before CommonMiddleware (which
    # resolves URLs in the active language). The URL decides: /es/... is Spanish, the rest English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "clinic.middleware.StaffSessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns django-ratelimit's refusal into the friendly 429 page of RATELIMIT_VIEW.
    "django_ratelimit.middleware.RatelimitMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' own advice).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic.urls"
WSGI_APPLICATION = "clinic.wsgi.application"

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
                "clinic.context_processors.clinic_contact",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (or anything dj-database-url reads) from DATABASE_URL.
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH") or str(BASE_DIR / "db.sqlite3"),
            "CONN_MAX_AGE": 60,
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same tuning however SQLite is named. WAL lets readers and the one writer work at
    # once; IMMEDIATE takes the write lock up front, so concurrent writers queue, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
else:
    # A connection kept across requests may have been closed by a server restart.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: shared by every process that serves the site, so an edit shows at once everywhere and
# rate limits count once: Redis when REDIS_URL is set, else files on this machine.
REDIS_URL = env("REDIS_URL")
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "clinic")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "clinic.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 60 * 60 * 24,
            # A Redis that stops answering must not hold a page: give up fast (and then stop
            # asking for a while, see clinic/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    # Rate limits count in the same Redis, but fail open when it fails (clinic/cache.py).
    CACHES["ratelimit"] = {**CACHES["default"], "BACKEND": "clinic.cache.RateLimitRedisCache"}
else:
    CACHES = {
        "default": {
            # Files every process on this machine shares (clinic/cache.py; README, Performance).
            "BACKEND": "clinic.cache.FileBasedCache",
            "LOCATION": env("CACHE_DIR") or BASE_DIR / "cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": 60 * 60 * 24,
            # Past MAX_ENTRIES files (300 by default) every write culls a third of them at
            # random; each write also lists the directory, so not too many either.
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
    # The same files, but a disk that refuses a write fails open too (clinic/cache.py).
    CACHES["ratelimit"] = {**CACHES["default"], "BACKEND": "clinic.cache.RateLimitFileBasedCache"}

# This process's own memory, for what is the same everywhere and may go with the process (the
# blank screener form): never stale after a deploy, which restarts the processes.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "clinic-local",
}

# Sessions never live in Redis, so a Redis that fails costs speed, never a patient's answers.
# SQLite means one machine, where files are the cheapest shared store (README, "Performance");
# any other database may serve several machines, so sessions go in it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SESSION_ENGINE = "clinic.file_sessions"
    SESSION_FILE_PATH = Path(env("SESSION_DIR") or BASE_DIR / "sessions")
    SESSION_FILE_PATH.mkdir(mode=0o700, parents=True, exist_ok=True)
else:
    SESSION_ENGINE = "clinic.sessions"

# A screening is usable for 24 hours; patients' sessions last that long and no longer.
SESSION_COOKIE_AGE = 60 * 60 * 24
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions end after this long without a request (see StaffSessionTimeoutMiddleware).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 30 * 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out login before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# English and Spanish (README, "Translations"). English pages keep their addresses; Spanish ones
# are the same under /es/ (clinic/urls.py). The admin stays English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times as patients read them: US in English ("December 15, 2026 at 2:30 PM"), Django's
# Spanish formats in Spanish ("15 de diciembre de 2026 a las 14:30"); clinic/formats/ adds the
# site's named formats to each language.
FORMAT_MODULE_PATH = ["clinic.formats"]
# The language a patient chose (clinic/languages.py), kept until the browser closes, like the
# session it belongs to.
LANGUAGE_COOKIE_AGE = None
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("DJANGO_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# STATIC_ROOT may be moved (the benchmark collects into a temporary directory).
STATIC_ROOT = env("STATIC_ROOT") or BASE_DIR / "staticfiles"
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
# Hashed file names change with their content, so browsers may keep them for a year.
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365 if not DEBUG else 0

# --- Translated content (django-modeltranslation) ------------------------------------------
# The FAQ, the timeline and the aftercare advice have a column per language (title_en,
# title_es...): faq/translation.py. Text without Spanish is shown in English (marked lang="en").
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Slugs and anchors are made from the English title, whatever language the admin runs in.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The clinic ---------------------------------------------------------------------------
CLINIC_NAME = env("CLINIC_NAME", "Riverside Skin Clinic")
CLINIC_ADDRESS = env("CLINIC_ADDRESS", "12 Harbor Street, Suite 3, Portland, ME 04101")
CLINIC_PHONE = env("CLINIC_PHONE", "(207) 555-0142")
CLINIC_EMAIL = env("CLINIC_EMAIL", "appointments@riverside-skin.example")
# Absolute address of the site, for links in e-mails (which have no request to build them from).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Only `manage.py send_due_messages` talks to the mail server (never a request): a stuck server
# holds that command, not a page.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 5)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", CLINIC_EMAIL)
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The outbox (django-post-office): messages are stored, then sent by `manage.py send_due_messages`.
POST_OFFICE = {
    "DEFAULT_PRIORITY": "medium",  # queued, never sent inside a request
    "MAX_RETRIES": 8,  # with send_due_messages' back-off: 5 min doubling, about 21 hours
    "RETRY_INTERVAL": timedelta(minutes=5),
    "LOG_LEVEL": 1,  # failures only
    "THREADS_PER_PROCESS": 1,
    "MESSAGE_ID_ENABLED": True,
    # One e-mail per batch: each is marked sent as soon as the server took it, so a run killed
    # mid-send leaves only unsent e-mails to the next run.
    "BATCH_SIZE": 1,
}
# SQLite only (PostgreSQL uses an advisory lock): the file send_due_messages locks.
OUTBOX_LOCK_FILE = env("OUTBOX_LOCK_FILE") or str(BASE_DIR / "send_due_messages.lock")
# Files kept by the site: the outbox's attachments (calendar files).
MEDIA_ROOT = env("MEDIA_ROOT") or BASE_DIR / "media"

# --- Booking a time ---------------------------------------------------------------------------
# How long a time stays held for a patient on the check-your-answers page.
SLOT_HOLD_MINUTES = env_int("SLOT_HOLD_MINUTES", 10)

# --- Abuse protection -------------------------------------------------------------------------
# "<count>/<period>" as django-ratelimit reads it (s, m, h, d); empty turns the limit off.
SCREENER_RATE_LIMIT = env("SCREENER_RATE_LIMIT", "20/m")
BOOKING_RATE_LIMIT = env("BOOKING_RATE_LIMIT", "12/m")
# How many reverse proxies we trust to append to X-Forwarded-For. 0: use REMOTE_ADDR, since
# any client can write an X-Forwarded-For header of its own.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
RATELIMIT_VIEW = "clinic.views.rate_limited"
RATELIMIT_USE_CACHE = "ratelimit"
# If the cache fails, forms are accepted rather than refused or broken.
RATELIMIT_FAIL_OPEN = True
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit names only django-redis and memcached; the site's caches (clinic/cache.py:
    # Django's Redis and database caches) are shared and increment atomically all the same.
    "django_ratelimit.W001",
]

# django-axes: throttle admin logins per username *and* address together, so an attacker
# elsewhere cannot lock a real member of staff out. Attempts are counted in the database,
# which every process shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "clinic.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "clinic/login_locked.html"
# The template, with Retry-After (the cool-off in seconds).
AXES_LOCKOUT_CALLABLE = "clinic.admin_site.lockout_response"

# django-otp: authenticator apps show the clinic's name beside the code.
OTP_TOTP_ISSUER = CLINIC_NAME

# The version of the privacy notice and consent wording a booking request records.
PRIVACY_NOTICE_VERSION = "2026-12-07"

# --- Retention --------------------------------------------------------------------------------
BOOKING_RETENTION_DAYS = env_int("BOOKING_RETENTION_DAYS", 365)
# Consent and treatment records (models marked `medical_record = True`) and the patient they
# belong to are kept this many years after the patient's last treatment (patients.retention).
MEDICAL_RECORDS_RETENTION_YEARS = env_int("MEDICAL_RECORDS_RETENTION_YEARS", 7)

# --- Security headers -------------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form refused for its CSRF token gets the site's own page (and so its headers and styles).
CSRF_FAILURE_VIEW = "clinic.views.csrf_failure"

# The load balancer checks each instance over plain HTTP: /healthz answers it, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 asks for preload. Preloading is a promise the clinic makes by
        # submitting its domain to the browsers' list: hard to undo, and binding on every
        # subdomain. The operator turns it on (DJANGO_HSTS_PRELOAD=1) once every subdomain
        # serves HTTPS; until then the one-year HSTS header above protects returning visitors.
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The TLS-terminating proxy tells us the original scheme (only when proxies are trusted).
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ----------------------------------------------------------------------------------
# One JSON object per line on stderr, so that stdout stays for commands' own output. Formatters
# never see request bodies: health answers are POSTed and never logged (see clinic/logging.py).
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "clinic.logging.JsonFormatter"}},
    "filters": {"scrub": {"()": "clinic.logging.ScrubRequestFilter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["scrub"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        # At DEBUG, django.template logs exceptions whose text quotes the whole template
        # context, submitted answers included: never below INFO.
        "django.template": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # Axes logs usernames and addresses of failed logins (never passwords).
        "axes": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        # The outbox: failures only (its own handler would otherwise log every batch).
        "post_office": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}

# Cached public pages are invalidated whenever content changes; this only bounds their memory.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 60 * 60 * 24)
