"""Deploy checks: each misconfiguration fails with its own clear message, the documented
production settings pass, and a production process refuses to start wrong."""

import os
import signal
import subprocess
import sys

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from wagtail.models import Site

from cms.sites import sync_default_site
from tests.cms.test_settings import ROOT, production_env
from tests.workers import current_database_url

pytestmark = pytest.mark.django_db
GOOD_KEY = "m0pF1WXh3g8kq0yq8QHc0kC8e7q2d1Vx6Kz3QbqZb4E"


def cms_problems() -> dict[str, str]:
    """Our checks' findings (id -> message); Django's own are tested by Django."""
    return {
        message.id: message.msg
        for message in checks.run_checks(include_deployment_checks=True)
        if message.id and message.id.startswith("cms.")
    }


def use_base_url(settings, url: str) -> None:
    settings.BASE_URL = url
    settings.WAGTAILADMIN_BASE_URL = url or "http://127.0.0.1:8000"


@pytest.fixture
def deployable(settings, home_page):
    """Settings as the README's production section has them, Site synced."""
    use_base_url(settings, "https://ona.example.org")
    settings.ALLOWED_HOSTS = ["ona.example.org"]
    settings.EMAIL_PROVIDER = "mailgun"
    settings.ANYMAIL = {
        "MAILGUN_API_KEY": "key",
        "WEBHOOK_SECRET": "hook:secret",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
    }
    settings.MESSAGE_ID_DOMAIN = "ona.example.org"
    settings.EMAIL_HELO_NAME = "ona.example.org"
    settings.FIELD_ENCRYPTION_KEYS = [GOOD_KEY]
    settings.LOOKUP_HASH_KEY = "2mBq7Yv9pL1sX4cN8rT0wZ6uH3jK5fD2"
    settings.REDIS_URL = "redis://redis.internal:6379/0"
    sync_default_site()
    assert cms_problems() == {}
    return settings


def test_base_url_unset(deployable):
    use_base_url(deployable, "")
    problems = cms_problems()
    assert set(problems) == {"cms.E001"}
    assert "BASE_URL is not set" in problems["cms.E001"]


@pytest.mark.parametrize(
    "url", ["http://ona.example.org", "ona.example.org", "https://"]
)
def test_base_url_not_https(deployable, url):
    use_base_url(deployable, url)
    problems = cms_problems()
    assert set(problems) == {"cms.E002"}
    assert "must be an https address" in problems["cms.E002"]


def test_base_url_with_a_path(deployable):
    use_base_url(deployable, "https://ona.example.org/news")
    assert set(cms_problems()) == {"cms.E003"}


def test_base_url_host_not_allowed(deployable):
    deployable.ALLOWED_HOSTS = ["other.example.org"]
    problems = cms_problems()
    assert set(problems) == {"cms.E004"}
    assert "'ona.example.org' is not in ALLOWED_HOSTS" in problems["cms.E004"]


@pytest.mark.parametrize("hosts", [["*"], ["ona.example.org", "*"]])
def test_any_host_allowed_is_refused(deployable, hosts):
    """ALLOWED_HOSTS=* answers any Host header: a password-reset e-mail asked for
    with Host: evil.example carries a link to evil.example, and cached pages and
    feeds could be filled with a foreign host's links."""
    deployable.ALLOWED_HOSTS = hosts
    problems = cms_problems()
    assert set(problems) == {"cms.E020"}
    assert "ALLOWED_HOSTS" in problems["cms.E020"]
    assert "any host" in problems["cms.E020"]


def test_a_subdomain_pattern_is_not_any_host(deployable):
    deployable.ALLOWED_HOSTS = [".example.org"]
    assert cms_problems() == {}


def test_site_hostname_does_not_match_base_url(deployable):
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    problems = cms_problems()
    assert set(problems) == {"cms.E006"}
    assert "localhost:80" in problems["cms.E006"]
    assert "https://ona.example.org" in problems["cms.E006"]

    sync_default_site()  # what `manage.py sync_site` does
    assert cms_problems() == {}


def test_base_url_on_another_port(deployable):
    use_base_url(deployable, "https://ona.example.org:8443")
    problems = cms_problems()
    # The Site cannot say https on 8443 either (Wagtail: http on any port but 443).
    assert set(problems) == {"cms.E015", "cms.E006"}
    assert "not 8443" in problems["cms.E015"]


def test_no_default_site(deployable):
    Site.objects.all().delete()
    assert set(cms_problems()) == {"cms.E005"}


def test_esp_without_webhook_secret(deployable):
    deployable.ANYMAIL = {"MAILGUN_API_KEY": "key"}
    problems = cms_problems()
    # E007: production refuses to start; W150 (cms/webhooks.py): the webhook is closed.
    assert set(problems) == {"cms.E007", "cms.W150"}
    assert "ANYMAIL_WEBHOOK_SECRET is not set" in problems["cms.E007"]
    deployable.ANYMAIL = {
        "MAILGUN_API_KEY": "key",
        "WEBHOOK_SECRET": "no-colon",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
    }
    assert set(cms_problems()) == {"cms.E007"}


def test_esp_without_its_api_key_or_misspelt_refuses_to_start(deployable):
    """With no ANYMAIL_MAILGUN_API_KEY every process started and the first mailing
    failed in the worker; a misspelt EMAIL_PROVIDER the same, at import. Both are
    found at start now, naming the setting (never a secret)."""
    deployable.ANYMAIL = {
        "WEBHOOK_SECRET": "hook:secret",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
    }
    problems = cms_problems()
    assert set(problems) == {"cms.E018"}
    assert "EMAIL_PROVIDER=mailgun cannot send" in problems["cms.E018"]
    assert "ANYMAIL_MAILGUN_API_KEY" in problems["cms.E018"]

    deployable.ANYMAIL = {"MAILGUN_API_KEY": "key", "WEBHOOK_SECRET": "hook:secret"}
    deployable.EMAIL_PROVIDER = "mailgn"
    problems = cms_problems()
    assert "cms.E018" in problems
    assert "EMAIL_PROVIDER=mailgn is not an e-mail provider" in problems["cms.E018"]


def test_production_without_redis_url_warns_of_the_embedded_broker(deployable):
    """A unit file that forgot REDIS_URL started its worker on the embedded file
    broker, where no web process on another machine (or with REDIS_URL) ever puts a
    task: nothing said so. A warning names it at start."""
    deployable.REDIS_URL = ""
    problems = cms_problems()
    assert set(problems) == {"cms.W010"}
    assert "REDIS_URL is not set" in problems["cms.W010"]
    deployable.DEBUG = True
    assert cms_problems() == {}


def test_no_webhook_secret_needed_without_an_esp(deployable):
    deployable.ANYMAIL = {}
    deployable.EMAIL_PROVIDER = "smtp"
    deployable.BOUNCE_ADDRESS = "bounces@ona.example.org"
    assert cms_problems() == {}


@pytest.mark.parametrize(
    "domain", ["localhost", "ona", "ona.local", "mail.internal", "127.0.0.1", ""]
)
def test_message_id_domain_is_a_local_name(deployable, domain):
    deployable.MESSAGE_ID_DOMAIN = domain
    problems = cms_problems()
    assert set(problems) == {"cms.E008"}
    assert "a local name" in problems["cms.E008"]


def test_ehlo_name_is_a_local_name(deployable):
    deployable.EMAIL_PROVIDER = "smtp"
    deployable.BOUNCE_ADDRESS = "bounces@ona.example.org"
    deployable.EMAIL_HELO_NAME = "localhost"
    assert set(cms_problems()) == {"cms.E009"}


def test_smtp_without_a_bounce_address_warns(deployable):
    deployable.EMAIL_PROVIDER = "smtp"
    deployable.BOUNCE_ADDRESS = ""
    problems = cms_problems()
    assert set(problems) == {"cms.W002"}
    assert "no hard bounce ever suppresses anyone" in problems["cms.W002"]


def test_production_behind_a_proxy_without_a_proxy_count_warns(deployable):
    """Production trusts X-Forwarded-Proto, so it stands behind a proxy; left at 0,
    TRUSTED_PROXY_COUNT made every visitor the proxy's address (one rate limit for
    a whole crowd), and nothing said so."""
    deployable.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    deployable.DEBUG = False
    deployable.TRUSTED_PROXY_COUNT = 0
    problems = cms_problems()
    assert set(problems) == {"cms.W015"}
    assert "every visitor has the proxy's address" in problems["cms.W015"]
    deployable.TRUSTED_PROXY_COUNT = 1
    assert cms_problems() == {}


def test_the_file_outbox_under_production_settings_warns(deployable):
    """A deployment that forgot EMAIL_PROVIDER sends nothing and keeps every message
    on disk: `check --deploy` says so (it was silent)."""
    deployable.EMAIL_PROVIDER = "outbox"  # the default when the variable is unset
    deployable.ANYMAIL = {}
    deployable.DEBUG = False
    problems = cms_problems()
    assert set(problems) == {"cms.W003"}
    assert "no e-mail is sent" in problems["cms.W003"]
    assert str(deployable.OUTBOX_DIR) in problems["cms.W003"]
    with pytest.raises(SystemCheckError) as failure:
        call_command("check", deploy=True, fail_level="WARNING")
    assert "(cms.W003) EMAIL_PROVIDER is outbox" in str(failure.value)
    assert "HINT: Set EMAIL_PROVIDER to your provider" in str(failure.value)


def test_the_file_outbox_is_fine_on_a_laptop(deployable):
    deployable.EMAIL_PROVIDER = "outbox"
    deployable.DEBUG = True
    assert cms_problems() == {}


def test_encryption_keys_missing(deployable):
    deployable.FIELD_ENCRYPTION_KEYS = []
    deployable.LOOKUP_HASH_KEY = ""
    assert set(cms_problems()) == {"cms.E012", "cms.E014"}


def test_encryption_key_malformed(deployable):
    deployable.FIELD_ENCRYPTION_KEYS = [GOOD_KEY, "too-short"]
    problems = cms_problems()
    assert set(problems) == {"cms.E013"}
    assert "entry 2" in problems["cms.E013"]


def test_keys_that_do_not_open_the_stored_data(deployable):
    """A database restored under another deployment's keys passed every check (the
    admin's subscriber screens then answered 500): found by an operator's restore."""
    from tests.factories import make_subscriber

    make_subscriber("ana@example.org")
    assert cms_problems() == {}

    deployable.FIELD_ENCRYPTION_KEYS = ["9Yq3kTz1VbN6wP0sR8dL4hF2jC7xM5gA1uE3oI9kQ2s"]
    problems = cms_problems()
    assert set(problems) == {"cms.E016"}
    assert "cannot open the stored subscribers' addresses" in problems["cms.E016"]

    deployable.FIELD_ENCRYPTION_KEYS = [GOOD_KEY]
    deployable.LOOKUP_HASH_KEY = "another-lookup-key-than-the-data-was-hashed-with"
    assert set(cms_problems()) == {"cms.E017"}


def test_key_checks_run_without_deploy(deployable):
    deployable.FIELD_ENCRYPTION_KEYS = []
    found = {message.id for message in checks.run_checks()}
    assert "cms.E012" in found
    assert "cms.E001" not in found  # deploy checks wait for --deploy


def test_s3_media_without_a_bucket(deployable):
    deployable.MEDIA_STORAGE = "s3"
    deployable.STORAGES = {
        **deployable.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": ""},
        },
    }
    assert set(cms_problems()) == {"cms.E011"}


def test_check_deploy_command_prints_the_message_and_hint(deployable):
    use_base_url(deployable, "http://ona.example.org")
    with pytest.raises(SystemCheckError) as failure:
        call_command("check", deploy=True)
    assert "(cms.E002) BASE_URL must be an https address" in str(failure.value)
    assert "HINT: e.g. BASE_URL=https://ona.example.org" in str(failure.value)


# --- The documented production settings, in real processes ---------------------------


def documented_env(tmp_path, **extra) -> dict[str, str]:
    """The README's production variables (Mailgun), against this run's database."""
    return production_env(
        tmp_path,
        DATABASE_URL=current_database_url(),
        REDIS_URL="redis://redis.internal:6379/0",  # never connected to by the checks
        BASE_URL="https://ona.example.org",
        CSRF_TRUSTED_ORIGINS="https://ona.example.org",
        EMAIL_PROVIDER="mailgun",
        ANYMAIL_MAILGUN_API_KEY="key-from-env",
        ANYMAIL_MAILGUN_SENDER_DOMAIN="mg.example.org",
        ANYMAIL_WEBHOOK_SECRET="hook-user:hook-password",
        ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY="signing-key-from-env",
        DEFAULT_FROM_EMAIL="Office of New Americans <news@mg.example.org>",
        TRUSTED_PROXY_COUNT="1",  # the README's: nginx in front
        **extra,
    )


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.django_db(transaction=True)
def test_documented_production_settings_pass_check_deploy(tmp_path, home_page):
    env = documented_env(tmp_path)
    failed = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert failed.returncode != 0
    assert "cms.E006" in failed.stderr  # the Site still says localhost

    synced = manage(env, "sync_site")
    assert synced.returncode == 0, synced.stderr
    assert "https://ona.example.org" in synced.stdout

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_web_and_worker_refuse_to_start_wrong(tmp_path):
    env = production_env(tmp_path, BASE_URL="http://ona.example.org")
    # Both at once: each is mostly Django's start-up.
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "--pool", "solo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        web = subprocess.run(
            [sys.executable, "-c", "import cms.wsgi"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        _, worker_stderr = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert web.returncode != 0
    assert "Refusing to start: the deploy checks failed." in web.stderr
    assert "cms.E002" in web.stderr
    assert worker.returncode != 0
    assert "cms.E002" in worker_stderr


def test_page_urls_follow_base_url_once_the_site_is_synced(home_page, settings):
    """Share links and feeds are built from the Site: after sync_site they are https
    on BASE_URL's host."""
    from cms.models import HomePage

    assert HomePage.objects.get(pk=home_page.pk).full_url.startswith("http://localhost")
    use_base_url(settings, "https://ona.example.org")
    sync_default_site()
    assert HomePage.objects.get(pk=home_page.pk).full_url == "https://ona.example.org/"


def test_the_console_mail_backend_under_production_settings_warns(deployable):
    """Like the outbox, and its messages land in the logs."""
    deployable.EMAIL_PROVIDER = "console"
    deployable.ANYMAIL = {}
    deployable.DEBUG = False
    problems = cms_problems()
    assert set(problems) == {"cms.W004"}
    assert "written to the process's output" in problems["cms.W004"]


def test_a_language_without_a_compiled_catalogue(deployable, tmp_path):
    """A language added to LANGUAGES before its catalogue is made and compiled."""
    deployable.LANGUAGES = [*deployable.LANGUAGES, ("eo", "Esperanto")]
    problems = cms_problems()
    assert set(problems) == {"cms.W006"}
    assert problems["cms.W006"].startswith("LANGUAGES has eo but locale/")

    compiled = tmp_path / "eo" / "LC_MESSAGES" / "django.mo"
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes(b"")
    deployable.LOCALE_PATHS = [*deployable.LOCALE_PATHS, tmp_path]
    assert cms_problems() == {}


@pytest.mark.parametrize("reply_to", ["ona", "Office <ona@>", "<>", "ona@@example.org"])
def test_a_reply_to_that_is_no_address_is_refused(deployable, reply_to):
    deployable.REPLY_TO_EMAIL = reply_to
    problems = cms_problems()
    assert set(problems) == {"cms.E021"}
    assert "not an e-mail address" in problems["cms.E021"]


@pytest.mark.parametrize(
    "reply_to", ["", "ona@example.org", "Office of New Americans <ona@example.org>"]
)
def test_a_reply_to_address_passes(deployable, reply_to):
    deployable.REPLY_TO_EMAIL = reply_to
    assert cms_problems() == {}


def test_a_misspelt_anymail_variable_is_named(deployable):
    """ANYMAIL_MAILGUN_SENDER_DOMIAN went into ANYMAIL and anymail never read it: every
    process started, the check said nothing, and mail went out from the wrong domain
    while the operator believed it configured. The startup checks name it now."""
    deployable.ANYMAIL = {**deployable.ANYMAIL, "MAILGUN_SENDER_DOMIAN": "mg.example"}
    problems = cms_problems()
    assert set(problems) == {"cms.W016"}
    assert "ANYMAIL_MAILGUN_SENDER_DOMIAN" in problems["cms.W016"]
    hint = {m.id: m.hint for m in checks.run_checks(include_deployment_checks=True)}
    assert "ANYMAIL_MAILGUN_SENDER_DOMAIN" in hint["cms.W016"]


def test_a_plural_api_key_is_named_beside_the_missing_one(deployable):
    deployable.ANYMAIL = {
        "MAILGUN_API_KEYS": "key",
        "WEBHOOK_SECRET": "hook:secret",
        "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key",
    }
    problems = cms_problems()
    assert set(problems) == {"cms.E018", "cms.W016"}
    assert "ANYMAIL_MAILGUN_API_KEYS" in problems["cms.W016"]


def test_an_esp_variable_without_the_anymail_prefix_is_named(deployable, monkeypatch):
    """MAILGUN_API_KEY (no ANYMAIL_ prefix) in the unit file was never read."""
    monkeypatch.setenv("MAILGUN_API_KEY", "s3cr3t-value")
    monkeypatch.setenv("MAILGUN_WEBHOOK_SIGNING_KEY", "s3cr3t-value")
    monkeypatch.setenv("MAILGUN_SOMETHING_OF_OURS", "not anymail's")
    found = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.id and message.id.startswith("cms.")
    ]
    assert {message.id for message in found} == {"cms.W016"}
    text = "\n".join(f"{message.msg} {message.hint}" for message in found)
    assert len(found) == 2
    assert "MAILGUN_API_KEY is set in the environment but never read" in text
    assert "ANYMAIL_MAILGUN_API_KEY" in text
    assert "MAILGUN_WEBHOOK_SIGNING_KEY" in text
    assert "s3cr3t" not in text  # never a value


def test_another_providers_anymail_setting_is_named(deployable):
    deployable.ANYMAIL = {**deployable.ANYMAIL, "POSTMARK_SERVER_TOKEN": "token"}
    problems = cms_problems()
    assert set(problems) == {"cms.W016"}
    assert "ANYMAIL_POSTMARK_SERVER_TOKEN" in problems["cms.W016"]
    assert "EMAIL_PROVIDER is mailgun" in problems["cms.W016"]


def test_every_setting_anymail_reads_passes(deployable):
    """Global settings, the provider's own, its send defaults: no warning."""
    deployable.ANYMAIL = {
        **deployable.ANYMAIL,
        "MAILGUN_SENDER_DOMAIN": "mg.ona.example.org",
        "MAILGUN_API_URL": "https://api.eu.mailgun.net/v3",
        "MAILGUN_SEND_DEFAULTS": {},
        "SEND_DEFAULTS": {},
        "IGNORE_RECIPIENT_STATUS": "1",
        "REQUESTS_TIMEOUT": "10",
        "DEBUG_API_REQUESTS": "",
    }
    assert cms_problems() == {}
