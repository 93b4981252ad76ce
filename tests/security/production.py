"""The production settings module, laid over the test settings for one test.

``production_overrides()`` imports ``cms.settings.production`` under a production
environment and returns every setting it changes from ``cms.settings.base`` (the
middleware stack with WhiteNoise, DEBUG off, HTTPS redirects, secure cookies,
X-Frame-Options DENY, ...), minus what must stay the test run's own: the database,
the caches, the keys that decrypt the test rows, hashed static files (no
collectstatic here) and the fast password hasher.
"""

import importlib
import os
import sys
from functools import cache
from unittest import mock

from django.conf import settings
from django.test import Client

from cms.settings import base

KEEP = {
    "DATABASES",
    "CACHES",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "LOOKUP_HASH_KEY",
    "STORAGES",
    "PASSWORD_HASHERS",
    "ALLOWED_HOSTS",
}


@cache
def production_overrides() -> dict:
    env = {
        "SECRET_KEY": "production-probe-" + "k" * 40,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "LOOKUP_HASH_KEY": settings.LOOKUP_HASH_KEY,
        # Production insists on one (DATABASES stays the test run's, in KEEP).
        "DATABASE_URL": os.environ.get("DATABASE_URL") or "sqlite:///unused.sqlite3",
    }
    # cms.settings.base is imported once, under the test environment: give it the
    # keys production insists on, as the environment would.
    with (
        mock.patch.dict(os.environ, env),
        mock.patch.object(
            base, "FIELD_ENCRYPTION_KEYS", settings.FIELD_ENCRYPTION_KEYS
        ),
        mock.patch.object(base, "LOOKUP_HASH_KEY", settings.LOOKUP_HASH_KEY),
    ):
        sys.modules.pop("cms.settings.production", None)
        try:
            module = importlib.import_module("cms.settings.production")
        finally:
            sys.modules.pop("cms.settings.production", None)
    return {
        name: value
        for name, value in vars(module).items()
        if name.isupper()
        and name not in KEEP
        and getattr(base, name, object()) != value
    }


def apply_production(settings_fixture) -> None:
    for name, value in production_overrides().items():
        setattr(settings_fixture, name, value)


class HttpsClient(Client):
    """A test client whose every request arrives over HTTPS."""

    def generic(self, method, path, *args, secure=True, **kwargs):
        return super().generic(method, path, *args, secure=True, **kwargs)


def https_client(**defaults) -> HttpsClient:
    """A test client speaking HTTPS (production redirects plain HTTP), sending the
    Referer a browser on this site would (Django's CSRF check wants it over HTTPS)."""
    defaults.setdefault("HTTP_REFERER", "https://testserver/")
    return HttpsClient(**defaults)
