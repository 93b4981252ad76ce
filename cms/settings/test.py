"""The test suite: real database and broker from the environment, fast hashing."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import (
    BASE_DIR,
    CACHES,
    CELERY_BROKER_TRANSPORT_OPTIONS,
    DATABASES,
    FIELD_ENCRYPTION_KEYS,
    LOOKUP_HASH_KEY,
    REDIS_URL,
    embedded_broker_options,
)
from .derived_keys import derive_key
from .env import env_bool, env_float, env_int, env_str

DEBUG = False
LOAD_DEMO_ALLOWED = True
SECRET_KEY = env_str("SECRET_KEY", "test-only-insecure-key")
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
    derive_key(SECRET_KEY, "field-encryption")
]
LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or derive_key(SECRET_KEY, "lookup-hash")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
# Off unless a test turns it on (tests/cms/test_page_cache.py): pages at the same paths
# come and go from test to test, and a copy left by one must not answer the next.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0)

# The tests' files live apart from a dev run's (`make run` uses var/): a newcomer may run
# both at once, and a test worker must never take a task of the dev run's, or the reverse.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var" / "test")))
OUTBOX_DIR = Path(env_str("OUTBOX_DIR", str(VAR_DIR / "outbox")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
BROKER_DIR = VAR_DIR / "broker"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# Under pytest-xdist (PYTEST_XDIST_WORKER = "gw0", "gw1", ...) each test process has its
# own test database (pytest-django), and here its own broker and cache keys: the Celery
# workers a test starts inherit the variable, so they take only their own process's tasks.
XDIST_WORKER = env_str("PYTEST_XDIST_WORKER")
if REDIS_URL:
    if XDIST_WORKER:
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            **CELERY_BROKER_TRANSPORT_OPTIONS,
            "global_keyprefix": f"test-{XDIST_WORKER}:",
        }
    # Cache keys of their own in one process too: a run without xdist on the Redis of
    # a dev server shared its keys ("ona") and left it Wagtail's site root paths from
    # the tests' sites (its /es/ answered 500 until the cache was flushed).
    CACHES = {
        alias: {
            **config,
            "KEY_PREFIX": f"{config['KEY_PREFIX']}-{XDIST_WORKER or 'test'}",
        }
        if "KEY_PREFIX" in config
        else config
        for alias, config in CACHES.items()
    }
else:
    if XDIST_WORKER:
        BROKER_DIR = VAR_DIR / f"broker-{XDIST_WORKER}"
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker_options(BROKER_DIR)

# Loopback webhook receivers speak plain http.
PARTNER_WEBHOOK_ALLOW_HTTP = env_bool("PARTNER_WEBHOOK_ALLOW_HTTP", True)
PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool(
    "PARTNER_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", True
)

# Browsers in the end-to-end tests sign in from parallel threads; the cap on password
# hashing has tests of its own that switch it on.
LOGIN_HASH_CONCURRENCY = 0

# Each test reads /health/ afresh (tests/cms/test_health.py turns the reuse on).
HEALTH_CACHE_SECONDS = env_float("HEALTH_CACHE_SECONDS", 0)
