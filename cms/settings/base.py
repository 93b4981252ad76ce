"""Settings shared by every environment; everything variable comes from the environment."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_float, env_int, env_list, env_prefixed, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "subscribers",
    "events",
    "campaigns",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "anymail",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

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
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------
# SQLite file under var/ by default, so a first run needs no server.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, Celery workers and beat write to the same file: wait for the
    # lock instead of failing, and take it at BEGIN so upgrades cannot deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A test database on disk, not in memory, so worker processes started by the
    # tests see the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("hi", "हिन्दी"),
    ("zh-hans", "简体中文"),
    ("ar", "العربية"),
    ("pl", "Polski"),
]
WAGTAIL_I18N_ENABLED = True
# "Translate" makes a draft copy; it goes live when staff publish it in the translation
# editor. Otherwise an English copy would go live at once under /es/ marked lang="es"
# (instead of the English fallback marked lang="en"), and mailings would count it as
# Spanish.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "cms" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Office of New Americans")
# Absolute links in e-mails and admin notifications start with this.
WAGTAILADMIN_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Redis, Celery and the cache ------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task runs; scheduled sends never rely on ETAs (see DESIGN.md).
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
    CACHES = {
        "default": {
            # Fails soft: a Redis outage must not refuse signups (issue 3).
            "BACKEND": "cms.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ona"),
        }
    }
else:
    # Embedded broker: messages are files under var/broker, shared by the web
    # process, every worker and beat on this machine. No server needed.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    for folder in ("queue", "control", "processed"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        }
    }

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}
# Lanes: alerts never wait behind a bulletin (see DESIGN.md).
CELERY_QUEUES_ALL = ["default", "bulk", "alerts"]

# --- E-mail ---------------------------------------------------------------------
# EMAIL_PROVIDER picks the transport: "outbox" (default, files under var/outbox that
# staff can browse in the admin), "smtp", "console", or any anymail ESP name
# ("mailgun", "postmark", "brevo", "amazon_ses", ...). Every ANYMAIL_* variable
# goes into the ANYMAIL setting without its prefix.
EMAIL_PROVIDER = env_str("EMAIL_PROVIDER", "outbox").lower()
OUTBOX_DIR = Path(env_str("OUTBOX_DIR", str(VAR_DIR / "outbox")))
if EMAIL_PROVIDER == "outbox":
    EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
elif EMAIL_PROVIDER == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_PROVIDER == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
ANYMAIL = env_prefixed("ANYMAIL_")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Office of New Americans <newsletter@ona.example.org>"
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Shown in every bulletin's footer (CAN-SPAM and common sense).
SENDER_POSTAL_ADDRESS = env_str(
    "SENDER_POSTAL_ADDRESS",
    "Office of New Americans, 121 N LaSalle St, Chicago, IL 60602",
)

# --- Personal data at rest ---------------------------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated base64 AES-256 keys, newest first
# (`manage.py generate_encryption_key`). LOOKUP_HASH_KEY keys the hash used to find
# an address without decrypting; it is never rotated. dev/test derive both from
# SECRET_KEY; production refuses to start without them.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
LOOKUP_HASH_KEY = env_str("LOOKUP_HASH_KEY")

# --- Logging: ids only, never addresses (see DESIGN.md privacy rules) -----------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Both log every page save at INFO: noise in a terminal running web and workers.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# --- Mailings (see campaigns/mailings) ---------------------------------------------
# Recipients per provider call: Mailgun takes up to 1,000 per batch send.
MAILING_BATCH_SIZE = env_int("MAILING_BATCH_SIZE", 1000)
# Messages per second across all workers, per lane; 0 = unlimited.
MAILING_RATE_LIMIT = env_float("MAILING_RATE_LIMIT", 0)
MAILING_ALERT_RATE_LIMIT = env_float("MAILING_ALERT_RATE_LIMIT", 0)
# Send tasks kept in flight per mailing (about the number of worker processes).
MAILING_PARALLEL_BATCHES = env_int("MAILING_PARALLEL_BATCHES", 2)
# SMTP connections a batch is sent over side by side (EMAIL_PROVIDER=smtp).
MAILING_SMTP_CONNECTIONS = env_int("MAILING_SMTP_CONNECTIONS", 2)
# After this many provider failures in a row a mailing pauses, and probes again later.
MAILING_PAUSE_AFTER_FAILURES = env_int("MAILING_PAUSE_AFTER_FAILURES", 5)
MAILING_PROBE_INTERVAL = env_int("MAILING_PROBE_INTERVAL", 30)
# A delivery claimed longer ago than this is presumed lost with its worker and re-queued.
MAILING_SENDING_TIMEOUT = env_int("MAILING_SENDING_TIMEOUT", 120)
CELERY_BEAT_SCHEDULE.update(
    {
        "dispatch-due-mailings": {
            "task": "campaigns.mailings.tasks.dispatch_due_mailings_task",
            "schedule": 10.0,
        },
        "keep-mailings-moving": {
            "task": "campaigns.mailings.tasks.keep_mailings_moving_task",
            "schedule": 15.0,
        },
    }
)
# Message-ID and List-Id are on our own domain, whatever the provider.
MESSAGE_ID_DOMAIN = env_str(
    "MESSAGE_ID_DOMAIN",
    DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost",
)
# Provider webhook events older than this (seconds) are ignored, not applied.
TRACKING_MAX_EVENT_AGE = env_int("TRACKING_MAX_EVENT_AGE", 7 * 24 * 3600)

# --- Subscribers (issue 3) --------------------------------------------------------
# Confirmation links expire after this many seconds; unconfirmed signups are purged
# after SUBSCRIBERS_PENDING_DAYS by the beat task below.
SUBSCRIBERS_CONFIRM_MAX_AGE = env_int("SUBSCRIBERS_CONFIRM_MAX_AGE", 7 * 24 * 3600)
SUBSCRIBERS_PENDING_DAYS = env_int("SUBSCRIBERS_PENDING_DAYS", 14)
SUBSCRIBERS_CONFIRMATION_INTERVAL = env_int(
    "SUBSCRIBERS_CONFIRMATION_INTERVAL", 24 * 3600
)
# django-ratelimit rates ("count/period"); keys are hashed before they reach the cache.
SUBSCRIBERS_RATE_PER_IP = env_str("SUBSCRIBERS_RATE_PER_IP", "20/h")
SUBSCRIBERS_RATE_PER_ADDRESS = env_str("SUBSCRIBERS_RATE_PER_ADDRESS", "5/h")
RATELIMIT_IP_META_KEY = env_str("RATELIMIT_IP_META_KEY", "REMOTE_ADDR")
RATELIMIT_FAIL_OPEN = True
CELERY_BEAT_SCHEDULE["subscribers-purge-unconfirmed"] = {
    "task": "subscribers.tasks.purge_unconfirmed_task",
    "schedule": 3600.0,
}
# --- Pages and events -------------------------------------------------------------
INSTALLED_APPS += ["wagtail.contrib.routable_page"]
# Whole-page cache for anonymous visitors (cms/page_cache.py); needs the shared Redis
# cache so a publish clears it in every process, hence off without REDIS_URL. First, so
# a hit skips every other middleware yet replays the headers they set on the original.
MIDDLEWARE.insert(0, "cms.page_cache.PageCacheMiddleware")
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if REDIS_URL else 0)

# --- Petitions (campaigns) ------------------------------------------------------
# Partner sites allowed to frame the petition widget, e.g. "https://partner.example.org".
PETITION_FRAME_ANCESTORS = env_list("PETITION_FRAME_ANCESTORS")
# Sign attempts per window: generous per client, since a rally shares one carrier IP.
PETITION_RATE_WINDOW = env_int("PETITION_RATE_WINDOW", 600)
PETITION_RATE_PER_CLIENT = env_int("PETITION_RATE_PER_CLIENT", 60)
PETITION_RATE_PER_ADDRESS = env_int("PETITION_RATE_PER_ADDRESS", 5)
# Never-verified signatures are personal data we no longer need once their link expires.
CELERY_BEAT_SCHEDULE["campaigns-purge-pending-signatures"] = {
    "task": "campaigns.tasks.purge_pending_signatures_task",
    "schedule": 6 * 3600,
}

# --- E-mails the broker missed (issue 8) --------------------------------------------
# A confirmation, signature verification, RSVP confirmation or milestone notice that
# could not be queued (Redis down) keeps its row's "not queued" marker; this beat task
# queues it again once the row is EMAIL_RESEND_GRACE seconds old, for rows younger than
# EMAIL_RESEND_MAX_AGE seconds.
EMAIL_RESEND_INTERVAL = env_float("EMAIL_RESEND_INTERVAL", 60)
EMAIL_RESEND_GRACE = env_int("EMAIL_RESEND_GRACE", 60)
EMAIL_RESEND_MAX_AGE = env_int("EMAIL_RESEND_MAX_AGE", 3 * 24 * 3600)
CELERY_BEAT_SCHEDULE["cms-resend-unqueued-emails"] = {
    "task": "cms.tasks.resend_unqueued_emails_task",
    "schedule": EMAIL_RESEND_INTERVAL,
}

# --- Retention (issue 8) -----------------------------------------------------------
# Webhook events (tracking) and the admin's history of person rows (subscriptions,
# suppressions, RSVPs, signatures) are kept this many days, then deleted daily.
TRACKING_EVENT_RETENTION_DAYS = env_int("TRACKING_EVENT_RETENTION_DAYS", 30)
PERSON_LOG_RETENTION_DAYS = env_int("PERSON_LOG_RETENTION_DAYS", 90)
CELERY_BEAT_SCHEDULE["cms-purge-expired-records"] = {
    "task": "cms.tasks.purge_expired_records_task",
    "schedule": 24 * 3600,
}
