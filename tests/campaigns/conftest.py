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


@pytest.fixture
def smtp_sink(settings):
    """A loopback aiosmtpd sink behind Django's real SMTP backend."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.stop()
