"""Production: secrets only from the environment, HTTPS everywhere, static files hashed.

Whatever else a deployment needs (BASE_URL, encryption keys, the webhook secret, a
real Message-ID domain) is verified by the checks in cms/checks.py: `manage.py check
--deploy`, and every web, worker and beat process when it starts (STARTUP_CHECKS).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, STORAGES
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
STARTUP_CHECKS = env_bool("STARTUP_CHECKS", True)

if not os.environ.get("SECRET_KEY"):
    raise ImproperlyConfigured("Set SECRET_KEY in the environment.")
SECRET_KEY = os.environ["SECRET_KEY"]

# A process whose environment forgot DATABASE_URL would otherwise open a SQLite file of
# its own under VAR_DIR: a web process taking signups no worker ever sees, a worker
# finding no mailing, migrate making tables nobody reads. SQLite on purpose is named.
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set DATABASE_URL in the environment (postgres://user:password@host:5432/name; "
        "a SQLite file on purpose: DATABASE_URL=sqlite:////absolute/path/db.sqlite3)."
    )

# Behind a TLS-terminating proxy, which sets X-Forwarded-Proto. It also appends the
# visitor's address to X-Forwarded-For: set TRUSTED_PROXY_COUNT (cms/settings/base.py)
# to the number of such proxies, or every visitor shares the proxy's address and one
# rate limit (check cms.W015); never more, or a visitor picks the address read.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
# The origin of BASE_URL is trusted for CSRF unless the environment lists others.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS") or (
    [BASE_URL] if BASE_URL.startswith("https://") else []  # noqa: F405
)

# WhiteNoise serves the collected, hashed static files, right after SecurityMiddleware
# as its documentation says: a static file gets a page's redirect to HTTPS and its
# headers (HSTS over HTTPS, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy).
MIDDLEWARE = [*MIDDLEWARE]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# One JSON object per log line, for the log collector.
LOG_FORMAT = env_str("LOG_FORMAT", "json").lower()
LOGGING["handlers"]["console"]["formatter"] = (
    "json" if LOG_FORMAT == "json" else "plain"
)
