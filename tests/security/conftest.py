"""Security tests: a private cache (rate limits) and a fresh petition memo per test."""

import pytest

from tests.caches import use_private_caches


@pytest.fixture(autouse=True)
def private_cache(settings):
    use_private_caches(settings, "security", ("default", "ratelimit"))


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
