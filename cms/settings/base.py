"""Settings shared by every environment; everything variable comes from the environment."""

import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.functional import lazy

from .env import (
    display_address,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_networks,
    env_per_language,
    env_prefixed,
    env_rate,
    env_str,
    helo_name_for,
)


def embedded_broker_options(broker_dir: Path) -> dict:
    """Celery's filesystem transport in ``broker_dir`` (created if missing)."""
    for folder in ("queue", "control", "processed"):
        (broker_dir / folder).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "control_folder": str(broker_dir / "control"),
        "processed_folder": str(broker_dir / "processed"),
        "store_processed": False,
        # Files are polled: look often, so a send starts (and Ctrl-C is noticed) at once.
        "polling_interval": env_float("CELERY_BROKER_POLLING_INTERVAL", 0.2),
    }


BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
# After a rotation, the old keys (comma-separated): sessions and the links in e-mails
# already sent still verify with them; new ones are signed with SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)
# load_demo resets a known admin password and adds made-up subscribers: only the dev and
# test settings allow it (production needs --i-know-this-is-production).
LOAD_DEMO_ALLOWED = False
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
    "django.contrib.sitemaps",  # its sitemap.xml template (cms/sitemaps.py)
    # Its catalogue: Wagtail's side panel says when a page was sent for moderation
    # with humanize's naturaltime, "5 minutes ago" in English on every admin screen.
    "django.contrib.humanize",
]

SECURITY_MIDDLEWARE = "django.middleware.security.SecurityMiddleware"
MIDDLEWARE = [
    SECURITY_MIDDLEWARE,
    # Outside the others, so the errors they answer under /api/ become JSON too.
    "cms.partners.api.json_errors.JsonErrorsMiddleware",
    # TRACE, PUT, DELETE...: a 405 naming the address's methods, before any view.
    "cms.methods.RefuseOtherMethodsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Wagtail's refusals made outside its views in the staff member's language.
    "cms.admin_language.AdminLanguageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Wagtail's redirects for 404s, the 404 kept if the database cannot answer.
    "cms.page_redirects.RedirectMiddleware",
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
# SQLite file under var/ by default, so a first run needs no server. A connection kept
# between requests (DATABASE_CONN_MAX_AGE) is checked before a request reuses it: after
# a PostgreSQL restart each web process would otherwise answer its next request 500 on
# the connection the server closed (Django's CONN_HEALTH_CHECKS; no-op without reuse).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
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
# The cookie Django's language form (/i18n/setlang/) sets: no script of ours reads it.
# Secure in production, like the session cookie.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"


# Each language's name in English, which the admin translates into the staff member's
# admin language (Django's catalogues have most). A language added to LANGUAGES needs
# one here too (docs/languages.md).
LANGUAGE_NAMES_IN_ENGLISH = {
    "en": "English",
    "es": "Spanish",
    "hi": "Hindi",
    "zh-hans": "Simplified Chinese",
    "ar": "Arabic",
    "pl": "Polish",
}


# The admin names content languages as "العربية (Arabic)": the language's own name, then
# its name in the staff member's admin language (issue 13). Public pages keep the own
# names of LANGUAGES.
def _admin_language_name(name: str, english: str) -> str:
    from django.utils.translation import gettext

    translated = gettext(english).strip()
    return (
        name if translated.casefold() == name.casefold() else f"{name} ({translated})"
    )


def content_languages(
    languages: list[tuple[str, str]], names_in_english: dict[str, str]
) -> list[tuple[str, str]]:
    """WAGTAIL_CONTENT_LANGUAGES from LANGUAGES; refuses a language with no English name."""
    from django.core.exceptions import ImproperlyConfigured

    unnamed = [code for code, _name in languages if code not in names_in_english]
    if unnamed:
        raise ImproperlyConfigured(
            f"LANGUAGES has {', '.join(unnamed)} but LANGUAGE_NAMES_IN_ENGLISH "
            "(cms/settings/base.py) has no English name for it: add one "
            "(docs/languages.md)."
        )
    return [
        (code, lazy(_admin_language_name, str)(name, names_in_english[code]))
        for code, name in languages
    ]


WAGTAIL_CONTENT_LANGUAGES = content_languages(LANGUAGES, LANGUAGE_NAMES_IN_ENGLISH)
LOCALE_PATHS = [BASE_DIR / "locale"]
# The city's clock: events and alerts are typed and shown in it (cms.local_time). Its
# name for readers: LOCAL_TIME_NAME in English, LOCAL_TIME_NAME_ES, _HI, _ZH_HANS, _AR,
# _PL in the others (the English one where a language has none). Unset: the
# catalogues' "Chicago time", right only for America/Chicago (check cms.W005).
TIME_ZONE = env_str("TIME_ZONE", "America/Chicago")
LOCAL_TIME_NAMES = env_per_language("LOCAL_TIME_NAME", [code for code, _n in LANGUAGES])
# Added to an event's address in its map link unless the address already names it.
MAP_SEARCH_CITY = env_str("MAP_SEARCH_CITY", "Chicago")
# The footer's line on the city's stance (cms.languages.city_note): CITY_NOTE in
# English, CITY_NOTE_ES, _HI, _ZH_HANS, _AR, _PL in the others (the English one,
# marked English, where a language has none). Unset: the catalogues' "Chicago is a
# Welcoming City: ..."; CITY_NOTE=none: no line.
CITY_NOTES = env_per_language("CITY_NOTE", [code for code, _n in LANGUAGES])
USE_I18N = True
# Formats Django's own locales lack (cms/formats: Hindi and Arabic date-times).
FORMAT_MODULE_PATH = ["cms.formats"]
USE_TZ = True

# --- Static and media -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static")))
# cms/static is the cms app's own static folder (found by the app finder): listed in
# STATICFILES_DIRS too, every collectstatic warned of each file found twice.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# A file part outside the admin stops the upload (cms/uploads.py); then Django's own.
FILE_UPLOAD_HANDLERS = [
    "cms.uploads.FilesOnlyInTheAdmin",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Wagtail --------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("SITE_NAME", "Office of New Americans")
# The office's name in the other languages (cms.languages.site_name): SITE_NAME_ES, _HI,
# _ZH_HANS, _AR, _PL; a language left unset has the catalogues' translation of
# SITE_NAME when they hold it (the default's), else SITE_NAME as written.
SITE_NAMES = {
    code: name
    for code, name in env_per_language("SITE_NAME", [c for c, _n in LANGUAGES]).items()
    if code != LANGUAGE_CODE
}
# The product identifier of every .ics file (calendar feeds, invitations).
ICAL_PRODID = env_str("ICAL_PRODID", f"-//{WAGTAIL_SITE_NAME}//Events//EN")
# Absolute links in e-mails and admin notifications start with this. BASE_URL keeps
# what the environment said (empty when unset), for the deploy checks (cms/checks.py).
BASE_URL = env_str("BASE_URL").strip().rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024

# --- Redis, Celery and the cache ------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    if REDIS_URL.startswith("redis://"):
        # kombu's own, with one Redis client per pool instead of one per message.
        CELERY_BROKER_TRANSPORT = "cms.broker:Transport"
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
    # kombu's, with each message written whole before a worker can take it.
    CELERY_BROKER_TRANSPORT = "cms.file_broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker_options(BROKER_DIR)
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
# When Redis goes away mid-send, the batch a worker is sending runs to its end and
# records what the provider accepted; its message goes back to the queue and a second
# run claims only rows still queued. Terminating it instead (Celery 6's announced
# default) would leave mail the provider took to be swept back and sent twice
# (tests/security/test_redis_restart_mid_send.py).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULER = "cms.celery:Schedule"
# Output a task or library prints is not a log record (Django's LOGGING is: cms.celery).
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_BEAT_SCHEDULE: dict = {}
# Lanes: alerts never wait behind a bulletin (see DESIGN.md).
CELERY_QUEUES_ALL = ["default", "bulk", "alerts"]

# --- E-mail ---------------------------------------------------------------------
# EMAIL_PROVIDER picks the transport: "outbox" (default, files under var/outbox that
# administrators can browse in the admin; sends nothing, so `check --deploy` warns of it
# under production settings: cms.W003), "smtp", "console", or any anymail ESP name
# ("mailgun", "postmark", "brevo", "amazon_ses", ...). Every ANYMAIL_* variable
# goes into the ANYMAIL setting without its prefix.
EMAIL_PROVIDER = env_str("EMAIL_PROVIDER", "outbox").lower()
OUTBOX_DIR = Path(env_str("OUTBOX_DIR", str(VAR_DIR / "outbox")))
if EMAIL_PROVIDER == "outbox":
    EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
elif EMAIL_PROVIDER == "smtp":
    # Django's SMTP backend with our EHLO name and bounce address (cms/mail/smtp.py).
    EMAIL_BACKEND = "cms.mail.smtp.EmailBackend"
elif EMAIL_PROVIDER == "console":
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = f"anymail.backends.{EMAIL_PROVIDER}.EmailBackend"
ANYMAIL = env_prefixed("ANYMAIL_")
# While the tracking webhook's secret is rotated, the old and the new one, comma-
# separated (user:password pairs hold no comma): anymail accepts a call with any one.
if "," in ANYMAIL.get("WEBHOOK_SECRET", ""):
    ANYMAIL["WEBHOOK_SECRET"] = [
        secret.strip() for secret in ANYMAIL["WEBHOOK_SECRET"].split(",")
    ]
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_float("EMAIL_TIMEOUT", 20)
# Every message's Date on the office's clock (TIME_ZONE), "-0600" in a Chicago winter:
# Django's default, UTC written "-0000", means "no information about the local time
# zone" (RFC 5322 3.3), and every time in our messages is on that clock.
EMAIL_USE_LOCALTIME = True
# Unset: the office's name (SITE_NAME) as the display name, which every e-mail then
# shows in the reader's language (cms/mail/sender.py).
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL",
    display_address(WAGTAIL_SITE_NAME, "newsletter@ona.example.org"),
)
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Where readers' replies go (Reply-To on mailings, alerts and the e-mails a reader may
# answer); unset: no Reply-To, replies go to DEFAULT_FROM_EMAIL (cms/mail/sender.py).
REPLY_TO_EMAIL = env_str("REPLY_TO_EMAIL")
# Shown in every bulletin's footer (CAN-SPAM and common sense).
# Unset: Chicago's office (check cms.W011 when another city is evident).
CHICAGO_POSTAL_ADDRESS = "Office of New Americans, 121 N LaSalle St, Chicago, IL 60602"
SENDER_POSTAL_ADDRESS = env_str("SENDER_POSTAL_ADDRESS", CHICAGO_POSTAL_ADDRESS)

# --- Personal data at rest ---------------------------------------------------------
# FIELD_ENCRYPTION_KEYS: comma-separated base64 AES-256 keys, newest first
# (`manage.py generate_encryption_key`). LOOKUP_HASH_KEY keys the hash used to find
# an address without decrypting; it is never rotated. dev/test derive both from
# SECRET_KEY; production refuses to start without them.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
LOOKUP_HASH_KEY = env_str("LOOKUP_HASH_KEY")

# --- Logging: ids only, never addresses (see DESIGN.md privacy rules) -----------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
# Log every run of the beat's frequent sweeps too (cms/quiet_sweeps.py); off by default.
LOG_ROUTINE_SWEEPS = env_bool("LOG_ROUTINE_SWEEPS", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Link tokens and addresses never reach a log line (cms/accesslog.py, and the JSON
    # formatter of cms/observability.py).
    "formatters": {
        "plain": {
            "()": "cms.accesslog.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {
        "quiet_sweeps": {"()": "cms.quiet_sweeps.QuietRoutineSweeps"},
        "one_line": {"()": "cms.observability.OneLineWarning"},
        "client_error_one_line": {"()": "cms.observability.OneLineClientError"},
        "beat_send_error_one_line": {"()": "cms.observability.OneLineBeatSendError"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # The beat's sweeps every few seconds, "received" and "succeeded" each time.
        "celery.beat": {"filters": ["quiet_sweeps", "beat_send_error_one_line"]},
        "celery.worker.strategy": {"filters": ["quiet_sweeps"]},
        "celery.app.trace": {"filters": ["quiet_sweeps"]},
        # Django's own "console" handler (with DEBUG) stays on this logger beside ours
        # on the root: runserver's "Watching for file changes" came twice under `make
        # run`, and every 404 and traceback with it, once unredacted. Ours alone.
        # (Its other handler, mail_admins, mailed ADMINS: we configure none.)
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "WARNING"},
        # runserver's access lines (`make run`): Django gives them a handler and
        # formatter of their own, which would write link tokens as they came.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A request for a host we do not serve (scanners send thousands) is answered
        # 400; it is worth a line, not an ERROR with a traceback (an alert in Sentry).
        "django.security.DisallowedHost": {"filters": ["one_line"]},
        # So is a body anyone can send to a public form: too large, too many fields,
        # broken multipart (Django logs each as an ERROR with its traceback, so a flood
        # of them would page whoever watches the errors), or in another charset.
        **{
            f"django.security.{name}": {"filters": ["one_line"]}
            for name in (
                "RequestDataTooBig",
                "TooManyFieldsSent",
                "TooManyFilesSent",
                "SuspiciousMultipartForm",
                # A webhook call without the secret or the provider's signature
                # (anymail's message names the provider and what was wrong).
                "AnymailWebhookValidationFailure",
            )
        },
        "django.request": {"filters": ["client_error_one_line"]},
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
# A mailing STARTING for longer than this (seconds) lost its start task (a Redis restart
# without persistence, a purged queue): the upkeep below queues the start again. Alerts
# are urgent: with the upkeep every 15 s, one is moving again within about a minute.
MAILING_START_TIMEOUT = env_int("MAILING_START_TIMEOUT", 300)
MAILING_ALERT_START_TIMEOUT = env_int("MAILING_ALERT_START_TIMEOUT", 45)
# A batch the provider refused (429/5xx) is retried after 2, 4, 8, ... seconds (or the
# provider's Retry-After, if longer), never more than this many seconds apart.
MAILING_RETRY_BACKOFF_CAP = env_int("MAILING_RETRY_BACKOFF_CAP", 300)
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
# Someone who left every list is deleted this many days after their last list change
# (the daily retention task); only the hashed suppression stays.
SUBSCRIBERS_UNSUBSCRIBED_DAYS = env_int("SUBSCRIBERS_UNSUBSCRIBED_DAYS", 30)
# A mailing footer's preferences link (lists, language; address masked) works this many
# days; each mailing sends a fresh one, and an expired one offers to e-mail a new link.
SUBSCRIBERS_PREFERENCES_LINK_DAYS = env_int("SUBSCRIBERS_PREFERENCES_LINK_DAYS", 60)
# The link e-mailed on request opens everything (download, erase): it works this many
# hours, long enough for someone who reads mail once a day, short for a forward.
SUBSCRIBERS_MAILED_LINK_HOURS = env_int("SUBSCRIBERS_MAILED_LINK_HOURS", 24)
# The least time between two confirmation e-mails to one subscriber: a double tap or
# two tabs send one. How many a mailbox gets in a day is the allowance
# RATE_LIMITS["confirmation-mail.address"] (3): at one a day a person who left by
# mistake, or joined a second list the next morning, was told "check your e-mail"
# and got nothing, their lists pending until purged. A list asked for within the
# interval is mailed once it has passed (subscribers.services.send_owed_confirmation).
SUBSCRIBERS_CONFIRMATION_INTERVAL = env_int("SUBSCRIBERS_CONFIRMATION_INTERVAL", 60)
CELERY_BEAT_SCHEDULE["subscribers-purge-unconfirmed"] = {
    "task": "subscribers.tasks.purge_unconfirmed_task",
    "schedule": 3600.0,
}
# --- Pages and events -------------------------------------------------------------
INSTALLED_APPS += ["wagtail.contrib.routable_page"]
# Whole-page cache for anonymous visitors (cms/page_cache.py), in its own cache alias:
# PAGE_CACHE_URL (default: REDIS_URL, own key prefix; better a Redis database of its own
# with maxmemory-policy volatile-lru or allkeys-lru, every entry has a TTL). It must be
# shared by all processes so a purge shows in each, hence off without Redis. First, so
# a hit skips every other middleware yet replays the headers they set on the original.
MIDDLEWARE.insert(0, "cms.page_cache.PageCacheMiddleware")
# Outside the page cache, so the cache keeps (and refills) plain bodies and each reader
# gets a page compressed or not by their own Accept-Encoding (cms/compression.py).
MIDDLEWARE.insert(0, "cms.compression.TextGZipMiddleware")
PAGE_CACHE_URL = env_str("PAGE_CACHE_URL", REDIS_URL)
if PAGE_CACHE_URL:
    CACHES["pages"] = {
        "BACKEND": "cms.cache.FailSoftRedisCache",
        "LOCATION": PAGE_CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ona") + "-pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
    }
# Seconds a cached page stays fresh (0: no page cache).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if PAGE_CACHE_URL else 0)
# A change purges the URLs it affects (cms/page_urls.py) through Wagtail's frontend
# cache: our page cache, and a Varnish/CDN answering HTTP PURGE when
# FRONTEND_CACHE_PURGE_URL is set. The URLs come in every language already.
WAGTAILFRONTENDCACHE = {"pages": {"BACKEND": "cms.frontend_cache.PageCacheBackend"}}
if env_str("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE["proxy"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env_str("FRONTEND_CACHE_PURGE_URL"),
    }
WAGTAILFRONTENDCACHE_LANGUAGES: list[str] = []
# Header, footer and bulletin bodies (cms/frame_cache.py). Without Redis the cache is
# per process: a single dev server sees every change at once, but several web processes
# would each keep their own copy, so there it lives only briefly.
FRAME_CACHE_SECONDS = env_int("FRAME_CACHE_SECONDS", 3600 if REDIS_URL else 30)
# Seconds each process remembers which Wagtail Site answers a host (cms/site_lookup.py):
# a change of the sites shows in other processes within this time. Off (0) unless set:
# a database restored or rewritten under running processes (no signal tells them)
# would be routed with the sites they remember until the time runs out.
SITE_LOOKUP_SECONDS = env_int("SITE_LOOKUP_SECONDS", 0)

# --- Petitions (campaigns) ------------------------------------------------------
# Partner sites allowed to frame the petition widget, e.g. "https://partner.example.org".
PETITION_FRAME_ANCESTORS = env_list("PETITION_FRAME_ANCESTORS")
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
# A kept signup (subscribers.SignupRequest) is deleted by the worker that records it:
# one still there this long after it was queued met a worker that failed or died, and
# is queued again (recording it twice is a no-op).
SIGNUP_REQUEST_RETRY_SECONDS = env_int("SIGNUP_REQUEST_RETRY_SECONDS", 600)
# A milestone notice whose worker died after claiming it (and perhaps mailing some
# leads) is claimed again by the same beat task once its claim is this many seconds
# old; longer than CELERY_TASK_TIME_LIMIT, so a worker still sending never loses it.
MILESTONE_NOTIFY_LEASE_SECONDS = env_int(
    "MILESTONE_NOTIFY_LEASE_SECONDS", max(600, CELERY_TASK_TIME_LIMIT + 60)
)
CELERY_BEAT_SCHEDULE["cms-resend-unqueued-emails"] = {
    "task": "cms.tasks.resend_unqueued_emails_task",
    "schedule": EMAIL_RESEND_INTERVAL,
}

# --- Event guests (issue 16) -------------------------------------------------------
# How often beat claims due reminders and queues owed guest messages (updates,
# cancellations, reminders, places from the waitlist) that are still waiting.
EVENT_GUEST_MAIL_INTERVAL = env_float("EVENT_GUEST_MAIL_INTERVAL", 60)
# The guest-mail sender shares the alerts lane's worker with rally alerts: it sends
# for about this long, then queues itself again behind whatever came meanwhile.
EVENT_GUEST_MAIL_TURN_SECONDS = env_float("EVENT_GUEST_MAIL_TURN_SECONDS", 1)
# An event with "hold a place only once the guest confirms by e-mail" (EventPage.
# confirm_by_email): the link in the e-mail works this many hours, or until the event
# starts if that comes first; unconfirmed RSVPs hold no place and the daily retention
# task deletes them once their link has expired.
EVENT_RSVP_CONFIRM_HOURS = env_int("EVENT_RSVP_CONFIRM_HOURS", 48)
CELERY_BEAT_SCHEDULE["events-dispatch-guest-mail"] = {
    "task": "events.tasks.dispatch_guest_mail_task",
    "schedule": EVENT_GUEST_MAIL_INTERVAL,
}

# --- Retention (issue 8) -----------------------------------------------------------
# Webhook events (tracking) and the admin's history of person rows (subscriptions,
# suppressions, RSVPs, signatures) are kept this many days, then deleted daily.
TRACKING_EVENT_RETENTION_DAYS = env_int("TRACKING_EVENT_RETENTION_DAYS", 30)
PERSON_LOG_RETENTION_DAYS = env_int("PERSON_LOG_RETENTION_DAYS", 90)
# The file outbox's messages (addresses, venues, link tokens) are kept this many days.
OUTBOX_RETENTION_DAYS = env_int("OUTBOX_RETENTION_DAYS", 7)
CELERY_BEAT_SCHEDULE["cms-purge-expired-records"] = {
    "task": "cms.tasks.purge_expired_records_task",
    "schedule": 24 * 3600,
}

# --- Production, deliverability and operations (issue 14) ---------------------------
# Deploy checks (cms/checks.py) also run when a web or worker process starts where this
# is on (production): a process configured wrong refuses to start.
STARTUP_CHECKS = env_bool("STARTUP_CHECKS", False)

# The name our SMTP client gives in EHLO: a relay passes it on in Received, and filters
# score "localhost" (Django's default, the machine's name) as spam.
EMAIL_HELO_NAME = env_str("EMAIL_HELO_NAME") or helo_name_for(WAGTAILADMIN_BASE_URL)
# Bounces over plain SMTP: mailings go out with a VERP return path
# bounces+<signed delivery id>@domain (campaigns/mailings/identity.py), other mail with
# BOUNCE_ADDRESS itself; BOUNCE_MAILBOX_URL (imaps://user:password@host/INBOX or
# pop3s://user:password@host) is read by a beat task every BOUNCE_MAILBOX_INTERVAL
# seconds, and hard bounces and complaints suppress the address.
BOUNCE_ADDRESS = env_str("BOUNCE_ADDRESS")
# The DKIM selector check_sending_domain prints records for (--dkim-selector overrides).
DKIM_SELECTOR = env_str("DKIM_SELECTOR", "ona")
BOUNCE_MAILBOX_URL = env_str("BOUNCE_MAILBOX_URL")
BOUNCE_MAILBOX_INTERVAL = env_float("BOUNCE_MAILBOX_INTERVAL", 300)
BOUNCE_MAILBOX_BATCH = env_int("BOUNCE_MAILBOX_BATCH", 200)
if BOUNCE_MAILBOX_URL:
    CELERY_BEAT_SCHEDULE["campaigns-process-bounce-mailbox"] = {
        "task": "campaigns.mailings.tasks.process_bounce_mailbox_task",
        "schedule": BOUNCE_MAILBOX_INTERVAL,
    }

# Uploaded media (images, documents). MEDIA_STORAGE=local keeps them under MEDIA_ROOT
# and, with MEDIA_SERVE on, the app serves /media/images/ itself (cms/media.py; or let
# the reverse proxy do it and set MEDIA_SERVE=off). MEDIA_STORAGE=s3 puts them in an
# S3-compatible bucket through django-storages.
MEDIA_STORAGE = env_str(
    "MEDIA_STORAGE", "s3" if env_str("AWS_STORAGE_BUCKET_NAME") else "local"
).lower()
MEDIA_SERVE = env_bool("MEDIA_SERVE", MEDIA_STORAGE == "local")
MEDIA_CACHE_SECONDS = env_int("MEDIA_CACHE_SECONDS", 7 * 24 * 3600)
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # "path" for MinIO and most S3-compatible servers; AWS works with "auto".
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            # Images in e-mails are opened long after the send: plain public URLs
            # (on AWS_S3_CUSTOM_DOMAIN, e.g. a CDN), never expiring signed ones.
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "default_acl": env_str("AWS_DEFAULT_ACL") or None,
            "file_overwrite": False,
            "location": env_str("AWS_LOCATION"),
            "object_parameters": {
                "CacheControl": f"public, max-age={MEDIA_CACHE_SECONDS}"
            },
        },
    }
# Documents always go through Wagtail's view, which honours collection privacy; a
# redirect to the bucket would hand out a permanent public URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# A page or document kept behind a password asks for it in the site's look and the
# reader's language (Wagtail's own forms are bare, English-looking pages with no
# viewport), without naming the page it keeps (templates/cms/password_required.html).
# (S105: template names, not passwords.)
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = "cms/password_required.html"  # noqa: S105
WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "cms/document_password_required.html"  # noqa: S105

# Health: /health/ answers load balancers before any other middleware (no host check,
# no HTTPS redirect, no page cache). Beat writes a heartbeat every
# BEAT_HEARTBEAT_INTERVAL seconds; older than HEALTH_BEAT_MAX_AGE counts as down.
MIDDLEWARE.insert(0, "cms.health.HealthMiddleware")
BEAT_HEARTBEAT_INTERVAL = env_float("BEAT_HEARTBEAT_INTERVAL", 60)
HEALTH_BEAT_MAX_AGE = env_int("HEALTH_BEAT_MAX_AGE", 300)
CELERY_BEAT_SCHEDULE["cms-beat-heartbeat"] = {
    "task": "cms.tasks.beat_heartbeat_task",
    "schedule": BEAT_HEARTBEAT_INTERVAL,
}
# The same heartbeat on the bulk and alerts queues proves each lane has a worker. One
# older than HEALTH_BEAT_MAX_AGE is dropped unrun: a lane down for hours does not wake
# to hundreds of them.
for _lane in ("bulk", "alerts"):
    CELERY_BEAT_SCHEDULE[f"cms-lane-heartbeat-{_lane}"] = {
        "task": "cms.tasks.lane_heartbeat_task",
        "schedule": BEAT_HEARTBEAT_INTERVAL,
        "args": (_lane,),
        "options": {"queue": _lane, "expires": HEALTH_BEAT_MAX_AGE},
    }
# A mailing starting or sending with no progress for longer than this (seconds) makes
# /health/ fail: the upkeep has re-queued its work in vain.
HEALTH_MAILING_STUCK_AFTER = env_int("HEALTH_MAILING_STUCK_AFTER", 900)
HEALTH_ALERT_STUCK_AFTER = env_int("HEALTH_ALERT_STUCK_AFTER", 120)
# Each web process answers /health/ from a report at most this old (seconds).
HEALTH_CACHE_SECONDS = env_float("HEALTH_CACHE_SECONDS", 5)
# Anyone gets /health/'s status code; its checks (timings, heartbeats, stuck mailings)
# only a request with "Authorization: Bearer <HEALTH_TOKEN>" or a signed-in user who
# may see Admin -> Queues and health. Unset: no token opens them.
HEALTH_TOKEN = env_str("HEALTH_TOKEN")
# Shares one Redis between deployments (staging and production) or test runs.
if REDIS_URL and env_str("CELERY_BROKER_KEY_PREFIX"):
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = env_str(
        "CELERY_BROKER_KEY_PREFIX"
    )

# Logs: LOG_FORMAT=json writes one JSON object per line (production's default).
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
LOGGING["formatters"]["json"] = {"()": "cms.observability.JsonFormatter"}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"

# Errors to Sentry (or a compatible service) when SENTRY_DSN is set; personal data is
# scrubbed before anything leaves the process (cms/observability.py).
SENTRY_DSN = env_str("SENTRY_DSN")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACES_SAMPLE_RATE = env_float("SENTRY_TRACES_SAMPLE_RATE", 0)
if SENTRY_DSN:
    from cms.observability import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# --- Partner API, outgoing webhooks and embeds (issue 19) ----------------------------
# /api/v1/ (cms/partners): keys per partner, idempotent POSTs, Standard Webhooks out.
INSTALLED_APPS += ["ninja", "cms.partners"]
# The visible start of every new key (<prefix>_<row>_<secret>): another city's own
# name, so a key found in a paste or a repository is recognised as its own. Keys made
# under an earlier prefix keep working (the keyed hash covers the whole key).
PARTNER_API_KEY_PREFIX = env_str("PARTNER_API_KEY_PREFIX", "ona")
if not re.fullmatch(r"[a-z0-9]{1,16}", PARTNER_API_KEY_PREFIX):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"PARTNER_API_KEY_PREFIX: {PARTNER_API_KEY_PREFIX!r} is not 1 to 16 lower-case "
        "letters and digits (e.g. houston)."
    )
# Requests per minute per API key, unless staff set the key's own limit.
PARTNER_API_RATE_PER_MINUTE = env_int("PARTNER_API_RATE_PER_MINUTE", 600)
# Failed authentications per client address per minute (keys are long and random:
# this only keeps a scanner from costing us a query per guess).
PARTNER_API_BAD_KEYS_PER_MINUTE = env_int("PARTNER_API_BAD_KEYS_PER_MINUTE", 30)
# A retried POST with the same Idempotency-Key is answered from its record this long.
PARTNER_IDEMPOTENCY_HOURS = env_int("PARTNER_IDEMPOTENCY_HOURS", 24)
# Outgoing webhooks: seconds between attempts after a failure (one entry per retry),
# the HTTP timeout, how often beat queues due deliveries (requests only record them),
# and when a claimed delivery is presumed lost with its worker.
PARTNER_WEBHOOK_RETRY_SCHEDULE = [
    float(value)
    for value in env_list(
        "PARTNER_WEBHOOK_RETRY_SCHEDULE", ["5", "300", "1800", "7200", "18000", "36000"]
    )
]
PARTNER_WEBHOOK_TIMEOUT = env_float("PARTNER_WEBHOOK_TIMEOUT", 5)
PARTNER_WEBHOOK_SWEEP_SECONDS = env_float("PARTNER_WEBHOOK_SWEEP_SECONDS", 2)
PARTNER_WEBHOOK_SENDING_TIMEOUT = env_int("PARTNER_WEBHOOK_SENDING_TIMEOUT", 60)
# Plain http:// receivers are refused unless this is on (development and tests).
PARTNER_WEBHOOK_ALLOW_HTTP = env_bool("PARTNER_WEBHOOK_ALLOW_HTTP", False)
# Receivers whose host name resolves to a loopback, private, link-local or other
# non-public address are refused unless this is on (development and tests): a
# registered URL must not make the worker reach the city's own network.
PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False
)
PARTNER_WEBHOOK_RETENTION_DAYS = env_int("PARTNER_WEBHOOK_RETENTION_DAYS", 30)
CELERY_BEAT_SCHEDULE["partners-send-due-webhooks"] = {
    "task": "cms.partners.tasks.send_due_webhooks_task",
    "schedule": PARTNER_WEBHOOK_SWEEP_SECONDS,
}
CELERY_BEAT_SCHEDULE["partners-purge-old-records"] = {
    "task": "cms.partners.tasks.purge_partner_records_task",
    "schedule": 3600.0,
}
# Partner sites allowed to frame the embeddable signup form (/subscribers/embed/<id>/);
# by default the same origins as the petition widget.
SIGNUP_FRAME_ANCESTORS = env_list("SIGNUP_FRAME_ANCESTORS", PETITION_FRAME_ANCESTORS)


# --- Machine translation (issue 13) ------------------------------------------------
# Drafts for the alert screen and the localize editor, through wagtail-localize's
# machine-translator interface. Off unless chosen: "libretranslate" (self-hosted, so no
# text leaves the office; recommended) or "deepl". Drafts stay marked as machine-made.
MACHINE_TRANSLATOR = env_str("MACHINE_TRANSLATOR", "").lower()
if MACHINE_TRANSLATOR == "libretranslate":
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        "OPTIONS": {
            "LIBRETRANSLATE_URL": env_str(
                "LIBRETRANSLATE_URL", "http://127.0.0.1:5000"
            ).rstrip("/"),
            "API_KEY": env_str("LIBRETRANSLATE_API_KEY", ""),
            "TIMEOUT": env_float("MACHINE_TRANSLATOR_TIMEOUT", 20),
        },
    }
elif MACHINE_TRANSLATOR == "deepl":
    WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.deepl.DeepLTranslator",
        "OPTIONS": {
            "AUTH_KEY": env_str("DEEPL_AUTH_KEY", ""),
            "TIMEOUT": env_float("MACHINE_TRANSLATOR_TIMEOUT", 20),
        },
    }
elif MACHINE_TRANSLATOR:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "MACHINE_TRANSLATOR must be empty, 'libretranslate' or 'deepl'."
    )

# --- Public doors: client address, rate limits, login throttling (issue 15) ---------
# Reverse proxies in front of the app that append to X-Forwarded-For (nginx, a load
# balancer, a CDN: count each). 0 = clients connect directly and REMOTE_ADDR is theirs.
# Every limiter and the login lockout read the client through cms/ratelimit.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# "count/period" (s, m, h, d), "0" for no limit. Per client, sized for a crowd: at a
# rally hundreds of phones share one carrier address, so the ceiling per client is
# high; per address (normalised: case, +tags, Gmail dots) it is low, and silent.
RATE_LIMITS = {
    "signup.client": env_rate("RATE_LIMIT_SIGNUP_PER_CLIENT", "300/10m"),
    "signup.address": env_rate("RATE_LIMIT_SIGNUP_PER_ADDRESS", "5/1h"),
    "petition.client": env_rate("RATE_LIMIT_PETITION_PER_CLIENT", "1000/10m"),
    "petition.address": env_rate("RATE_LIMIT_PETITION_PER_ADDRESS", "5/10m"),
    "rsvp.client": env_rate("RATE_LIMIT_RSVP_PER_CLIENT", "300/10m"),
    "rsvp.address": env_rate("RATE_LIMIT_RSVP_PER_ADDRESS", "5/1h"),
    # Verification and confirmation e-mails to one address, across petitions and
    # signups (one form submission counts once, whatever it sends): a few, so a
    # person who left by mistake or joins another list that day is not stuck; a
    # stranger's flood of signups for one mailbox still sends no more than these.
    "confirmation-mail.address": env_rate(
        "RATE_LIMIT_CONFIRMATION_MAILS_PER_ADDRESS", "3/1d"
    ),
    # Preference links asked for from a link the person already holds: their own
    # allowance, or someone who joined that day could not reach their preferences.
    "preferences-link.address": env_rate(
        "RATE_LIMIT_PREFERENCES_LINKS_PER_ADDRESS", "2/1d"
    ),
    # RSVP confirmations, per address and event (the first, and one "send it again").
    "rsvp-mail.address": env_rate(
        "RATE_LIMIT_RSVP_MAILS_PER_ADDRESS_AND_EVENT", "2/1d"
    ),
    # ...and all of them to one mailbox, across events: per event alone, a stranger
    # could have two a day sent to someone for every open event.
    "rsvp-mails.address": env_rate("RATE_LIMIT_RSVP_MAILS_PER_ADDRESS", "6/1d"),
    "password-reset.client": env_rate("RATE_LIMIT_PASSWORD_RESET_PER_CLIENT", "20/1h"),
    "password-reset.address": env_rate("RATE_LIMIT_PASSWORD_RESET_PER_ADDRESS", "3/1d"),
    "page-password.client": env_rate("RATE_LIMIT_PAGE_PASSWORD_PER_CLIENT", "30/10m"),
    "link-request.client": env_rate("RATE_LIMIT_LINK_REQUEST_PER_CLIENT", "60/1h"),
    # Searches with words (each a full-text query the page cache cannot answer): one a
    # second on average per client, far above a crowd's reading, far below a flood's.
    "search.client": env_rate("RATE_LIMIT_SEARCH_PER_CLIENT", "600/10m"),
}
# Counters and lockouts live in the broker's Redis (no eviction: a flood of cached
# pages must not evict them), under keyed hashes that expire with their window.
CACHES["ratelimit"] = {
    **CACHES["default"],
    "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ona") + "-rl",
}
if not REDIS_URL:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
    }
# Part of every keyed hash; the tests give each test its own.
RATELIMIT_NAMESPACE = env_str("RATELIMIT_NAMESPACE", "")

# Provider webhooks answer only calls from these networks (CIDR, comma-separated),
# when set: the provider's published ranges (cms/webhooks.py).
WEBHOOK_ALLOWED_NETWORKS = env_networks("WEBHOOK_ALLOWED_NETWORKS")

# Admin login (django-axes): lock after LOGIN_FAILURE_LIMIT wrong passwords, by
# username and by client separately, for LOGIN_LOCKOUT_MINUTES; from a browser that
# signed in with the username within LOGIN_DEVICE_DAYS, by that browser at its client
# only (cms/logins.py).
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "cms.logins.FailSoftAxesCacheHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = "cms.logins.lockout_parameters"
LOGIN_DEVICE_DAYS = env_int("LOGIN_DEVICE_DAYS", 90)
AXES_RESET_ON_SUCCESS = True
# Axes sees keyed hashes, never an address or a username (its cache keys are plain
# SHA-256 of what it is given).
AXES_CLIENT_IP_CALLABLE = "cms.logins.lockout_client"
AXES_USERNAME_CALLABLE = "cms.logins.username_id"
AXES_LOCKOUT_CALLABLE = "cms.logins.lockout_response"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Password hashes computed at once on one machine across all web processes (login
# and page-login POSTs); a guess beyond that is answered "busy" at once, so guesses
# never hold every web worker. 0 = no cap.
LOGIN_HASH_CONCURRENCY = env_int("LOGIN_HASH_CONCURRENCY", 1)
LOGIN_SLOT_DIR = Path(env_str("LOGIN_SLOT_DIR", str(VAR_DIR / "login-slots")))
CSRF_FAILURE_VIEW = "cms.errors.csrf_failure"
# The debug page (DEBUG on) survives a body it cannot decode (cms/errors.py).
DEFAULT_EXCEPTION_REPORTER = "cms.errors.BodySafeExceptionReporter"
MIDDLEWARE += [
    # A page asked of a database never migrated: a 503 saying so (cms/unmigrated.py).
    "cms.unmigrated.UnmigratedDatabaseMiddleware",
    "cms.logins.PasswordHashingCapMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp, cms/csp.py): strict on public pages; the admin
# keeps Wagtail's inline scripts and styles working. CSP_REPORT_URI collects reports.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index(SECURITY_MIDDLEWARE) + 1, "cms.csp.SiteCSPMiddleware"
)
_CSP_REPORT = [env_str("CSP_REPORT_URI")] if env_str("CSP_REPORT_URI") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
        "report-uri": _CSP_REPORT,
    }
}
# No Gravatar in the admin: it hands each staff member's e-mail hash to a third party
# on every page (and the admin's policy allows images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor the dashboard's call to wagtail.org for new releases (staff browsers talk to us
# only); upgrades are checked with pip-audit and the release notes.
WAGTAIL_ENABLE_UPDATE_CHECK = False
CSP_ADMIN_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "frame-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
    "report-uri": _CSP_REPORT,
}
