import os
import stat
from datetime import UTC, timedelta
from email.utils import parsedate_to_datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from cms import retention
from cms.mail import outbox
from cms.tasks import purge_expired_records_task
from tests.factories import SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


def send_one(subject="Hello", to="person@example.org"):
    message = mail.EmailMultiAlternatives(subject, "plain body", to=[to])
    message.attach_alternative(
        "<p>html <script>alert(1)</script> body</p>", "text/html"
    )
    message.send()


def test_outbox_backend_writes_one_file_per_message(outbox_dir):
    send_one("First")
    send_one("Second")

    names = outbox.list_messages()
    assert len(names) == 2
    assert all(
        (outbox_dir / name).read_bytes().startswith(b"Content-Type") for name in names
    )
    subjects = {outbox.read_message(name)["Subject"] for name in names}
    assert subjects == {"First", "Second"}
    assert not list(outbox_dir.glob(".*.part")), "no half-written files left behind"


@pytest.mark.parametrize(
    "name", ["../secret.eml", "..%2Fsecret.eml", "nope.txt", ".hidden.eml"]
)
def test_outbox_refuses_names_outside_the_folder(outbox_dir, name):
    outbox_dir.mkdir(parents=True, exist_ok=True)
    (outbox_dir.parent / "secret.eml").write_text("Subject: secret\r\n\r\nx")
    assert outbox.read_message(name) is None


def test_admin_outbox_shows_message_with_html_sandboxed(client, outbox_dir):
    send_one("Bulletin preview")
    client.force_login(SuperuserFactory())
    (name,) = outbox.list_messages()

    listing = client.get(reverse("cms_outbox:index"))
    detail = client.get(reverse("cms_outbox:message", args=[name]))

    assert "Bulletin preview" in listing.content.decode()
    # The message's date in the site's time zone, as the admin shows dates, not the
    # raw RFC 2822 header in UTC.
    sent = parsedate_to_datetime(outbox.read_message(name)["Date"])
    sent = sent.replace(tzinfo=sent.tzinfo or UTC)  # "-0000" is UTC from Django
    shown = date_format(timezone.localtime(sent), "DATETIME_FORMAT")
    assert f">{shown}</time>" in listing.content.decode()
    html = detail.content.decode()
    assert "<iframe" in html
    assert "sandbox" in html
    assert "<script>alert(1)</script>" not in html, (
        "message HTML is escaped into srcdoc"
    )
    assert (
        client.get(reverse("cms_outbox:message", args=["missing.eml"])).status_code
        == 404
    )


def test_outbox_needs_the_browse_permission(client, outbox_dir):
    send_one()
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("cms_outbox:index")).status_code in (302, 403)
    assert client.post(reverse("cms_outbox:send_test")).status_code in (302, 403)
    assert len(outbox.list_messages()) == 1


def test_send_test_needs_post(client, outbox_dir):
    client.force_login(SuperuserFactory())
    assert client.get(reverse("cms_outbox:send_test")).status_code == 405


def test_with_a_real_provider_the_page_offers_the_test_only(
    client, outbox_dir, settings
):
    # Left by an earlier run on the outbox, before the ESP was configured.
    send_one("Left behind", to="left.behind@example.org")
    (name,) = outbox.list_messages()
    settings.EMAIL_PROVIDER = "mailgun"
    client.force_login(SuperuserFactory())

    page = client.get(reverse("cms_outbox:index")).content.decode()

    assert "Send me a test e-mail" in page
    assert "Test e-mail" in page
    assert "mailgun" in page
    assert "Left behind" not in page
    assert "left.behind@example.org" not in page
    detail = client.get(reverse("cms_outbox:message", args=[name]))
    assert detail.status_code == 404


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_outbox_files_are_the_owners_alone(outbox_dir):
    """Every message holds an address, a name, link tokens: 0600 in a 0700 folder
    (they were 0644, readable by every account on the machine)."""
    old_umask = os.umask(0o022)  # a usual umask: what the files got before
    try:
        send_one("Private")
    finally:
        os.umask(old_umask)
    (name,) = outbox.list_messages()
    assert mode(outbox_dir) == 0o700
    assert mode(outbox_dir / name) == 0o600


def test_an_outbox_folder_made_before_is_made_private(outbox_dir):
    outbox_dir.mkdir(parents=True)
    outbox_dir.chmod(0o755)
    send_one()
    assert mode(outbox_dir) == 0o700


def age(path, days: float) -> None:
    then = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(path, (then, then))


def test_the_daily_retention_task_deletes_old_outbox_files(outbox_dir, settings):
    settings.OUTBOX_RETENTION_DAYS = 7
    send_one("Old", to="old@example.org")
    (old,) = outbox.list_messages()
    send_one("Recent", to="recent@example.org")
    (recent,) = set(outbox.list_messages()) - {old}
    crashed = outbox_dir / ".20270101T000000000000-abc.eml.part"
    crashed.write_bytes(b"half a message")
    other = outbox_dir / "notes.txt"  # not ours: left alone
    other.write_text("x")
    age(outbox_dir / old, 7.01)
    age(crashed, 8)
    age(other, 30)
    age(outbox_dir / recent, 6.99)

    purge_expired_records_task()  # the beat task, called directly

    assert outbox.list_messages() == [recent]
    assert not crashed.exists()
    assert other.exists()
    assert retention.purge_outbox() == 0, "safe to run twice"


def test_the_purge_clears_what_an_earlier_outbox_left(outbox_dir, settings):
    """Files written before a provider was configured hold addresses too."""
    send_one("Left behind")
    (name,) = outbox.list_messages()
    age(outbox_dir / name, 8)
    settings.EMAIL_PROVIDER = "mailgun"
    assert retention.purge_outbox() == 1
    assert not (outbox_dir / name).exists()


def test_the_purge_without_an_outbox_folder(outbox_dir):
    assert not outbox_dir.exists()
    assert retention.purge_outbox() == 0


def test_a_chinese_admin_gets_the_test_message_in_chinese(outbox_dir):
    """The admin's language went to the worker cut at its hyphen ("zh"), which has no
    catalogue: the test message came in English."""
    from django.utils import translation

    from cms.admin_views import admin_language
    from cms.mail.services import send_test_email

    staff = SuperuserFactory(email="staff@example.org")
    with translation.override("zh-hans"):
        language = admin_language()
    with translation.override("en-us"):
        assert admin_language() == "en"
    assert language == "zh-hans"

    assert send_test_email(user_id=staff.pk, language=language)
    (message,) = [outbox.read_message(name) for name in outbox.list_messages()]
    assert message["Content-Language"] == "zh-hans"
    assert "测试邮件" in str(message["Subject"])


FULL_DISK_PROBE = """
import os, resource, signal, sys
import django
django.setup()
from django.core.mail import EmailMessage
from cms.mail.outbox import OutboxBackend

# The file size the kernel lets this process write: a message of 20 KB fails
# part-way, as it does on a full disk (EFBIG here, ENOSPC there: both OSErrors).
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, hard))
message = EmailMessage("Full", "x" * 20000, "a@example.org", ["person@example.org"])
for attempt in range(3):  # the task's retries
    try:
        OutboxBackend().send_messages([message])
    except OSError as error:
        print("refused", error.errno)
resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
print("sent", OutboxBackend().send_messages([message]))
"""


def test_a_message_the_disk_refuses_leaves_no_part_behind(tmp_path):
    """A full disk (tried on a 32 KB tmpfs) refused each attempt part-way, and each
    left its half-written ``.<name>.eml.part``: the disk stayed full for the retries
    to come, and the parts (addresses in them) stayed until the retention purge."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    folder = tmp_path / "outbox"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        OUTBOX_DIR=str(folder),
        VAR_DIR=str(tmp_path / "var"),
    )
    result = subprocess.run(
        [sys.executable, "-c", FULL_DISK_PROBE],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.count("refused") == 3, result.stdout + result.stderr
    assert result.stdout.strip().endswith("sent 1"), result.stdout + result.stderr
    names = sorted(path.name for path in folder.iterdir())
    assert len(names) == 1, names
    assert names[0].endswith(".eml")
    assert not names[0].startswith(".")
