"""Security tests: a private cache (rate limits) and a fresh petition memo per test."""

import uuid

import pytest


@pytest.fixture(autouse=True)
def private_cache(settings):
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"security-{alias}-{uuid.uuid4().hex}",
        }
        for alias in ("default", "ratelimit")
    }


@pytest.fixture(autouse=True)
def fresh_petition_memo():
    from campaigns.selectors import clear_petition_copies

    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.fixture
def production(settings):
    """cms.settings.production over the test settings (see tests/security/production.py);
    make requests with ``https_client()``."""
    from tests.security.production import apply_production

    apply_production(settings)
    return settings
