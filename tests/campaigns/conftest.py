import pytest

from tests.fake_esp import FakeMailgun


@pytest.fixture
def fake_esp(settings):
    """The loopback fake Mailgun, wired into anymail's real Mailgun backend."""
    fake = FakeMailgun(keep_bodies=True).start()
    settings.EMAIL_PROVIDER = "mailgun"
    settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    settings.ANYMAIL = fake.anymail_settings()
    yield fake
    fake.stop()
