"""Fixtures for campaign tests: a campaign with leads and its published petition."""

import pytest

from tests.caches import use_private_caches
from tests.factories import CampaignFactory, build_petition_page
from tests.fake_esp import FakeMailgun


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate-limit counters live in the cache: give each test its own, never Redis's."""
    use_private_caches(settings, "campaigns")


@pytest.fixture
def campaign(db):
    return CampaignFactory(
        name="Hate has no place in Chicago",
        slug="hate-has-no-place",
        goal=100,
        milestone_thresholds=[10, 25, 50, 100, 500],
    )


@pytest.fixture
def petition(home_page, campaign):
    return build_petition_page(home_page, campaign)


@pytest.fixture
def no_rate_limits(settings):
    """A load test comes from one address: switch the per-client limit off."""
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "petition.client": "0",
        "petition.address": "0",
    }


@pytest.fixture(autouse=True)
def fresh_petition_memo():
    """Rolled-back tests reuse page ids: never let one test see another's petition."""
    from campaigns.selectors import clear_petition_copies

    clear_petition_copies()
    yield
    clear_petition_copies()


@pytest.fixture
def fake_esp(settings):
    """The loopback fake Mailgun, wired into anymail's real Mailgun backend."""
    fake = FakeMailgun(keep_bodies=True).start()
    settings.EMAIL_PROVIDER = "mailgun"
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = fake.anymail_settings()
    yield fake
    fake.stop()


@pytest.fixture
def smtp_sink(settings):
    """A loopback SMTP sink (tests/smtp_sink.py) behind our SMTP backend (Django's, with
    our EHLO name and bounce address: cms/mail/smtp.py)."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "cms.mail.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.stop()
