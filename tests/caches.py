"""Caches of a test's own: rate-limit counters, memos and cached fragments never leak
from one test to the next, nor into the settings' shared Redis."""

import uuid

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def use_private_caches(settings, name: str, aliases=("default",)) -> None:
    """Point every alias in ``aliases`` (and only those) at a fresh in-memory cache."""
    settings.CACHES = {
        alias: {"BACKEND": LOCMEM, "LOCATION": f"{name}-{alias}-{uuid.uuid4().hex}"}
        for alias in aliases
    }
