import pytest


@pytest.fixture
def smtp_sink(settings):
    """A loopback relay (tests/smtp_sink.py) behind the production SMTP backend."""
    from tests.smtp_sink import SmtpSink

    sink = SmtpSink().start()
    settings.EMAIL_PROVIDER = "smtp"
    settings.EMAIL_BACKEND = "cms.mail.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    yield sink
    sink.stop()
