"""Lead and verification e-mails, produced for real into the file outbox."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from freezegun import freeze_time

from campaigns.models import Counter, Milestone, Signature
from campaigns.services.counters import increment_counter, record_milestone
from campaigns.services.petitions import record_signature
from campaigns.tasks import notify_milestone_task, send_signature_verification_task
from cms.mail import outbox
from subscribers import crypto
from tests.factories import speaking

pytestmark = pytest.mark.django_db


def messages():
    return [outbox.read_message(name) for name in outbox.list_messages()]


def test_milestone_task_mails_the_leads_once(campaign, outbox_dir):
    increment_counter(campaign_id=campaign.pk, kind="signatures", by=12)
    milestone = Milestone.objects.get(threshold=10)

    notify_milestone_task(milestone.pk)
    notify_milestone_task(milestone.pk)  # a redelivered task sends nothing more

    first, second = messages()
    assert {first["To"], second["To"]} == {
        "lead@organizers.example.org",
        "second-lead@organizers.example.org",
    }
    for message in (first, second):
        assert message["Subject"] == (
            "Hate has no place in Chicago: 10 signatures reached"
        )
        text, html = outbox.body_parts(message)
        assert "10 signatures reached" in text.splitlines()
        assert "<strong>10 signatures reached</strong>" in html
    milestone.refresh_from_db()
    assert milestone.notified_at is not None
    assert milestone.leads_mailed is None


def test_each_lead_gets_a_message_of_their_own_in_their_language(
    campaign, petition, outbox_dir, django_user_model
):
    """A milestone e-mail went to all the leads in one To: line, so the partners'
    leads saw each other's addresses; and it was always in English."""

    from subscribers.models import Subscriber

    campaign.lead_emails = (
        "staff@ona.example.org\nabogada@legal-aid.example.org\n"
        "nurse@hospital.example.org\nStaff@ona.example.org\n"
    )
    campaign.save()
    staff = django_user_model.objects.create_superuser(
        username="staff", email="staff@ona.example.org", password="x"
    )
    speaking(staff, "pl")
    Subscriber.for_email("abogada@legal-aid.example.org", language="es").save()
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=25
    )
    notify_milestone_task(milestone.pk)

    found = messages()
    addresses = [
        "staff@ona.example.org",
        "abogada@legal-aid.example.org",
        "nurse@hospital.example.org",
    ]
    assert sorted(message["To"] for message in found) == sorted(addresses)
    languages = {message["To"]: message["Content-Language"] for message in found}
    assert languages == {
        "staff@ona.example.org": "pl",
        "abogada@legal-aid.example.org": "es",
        "nurse@hospital.example.org": "en",
    }
    for message in found:
        assert message["Cc"] is None
        assert message["Bcc"] is None
        raw = message.as_string()
        text, html = outbox.body_parts(message)
        for other in addresses:
            if other != message["To"]:
                assert other not in raw.lower()
                assert other not in text.lower()
                assert other not in html.lower()
    spanish = next(m for m in found if m["To"] == addresses[1])
    text, html = outbox.body_parts(spanish)
    with translation.override("es"):
        assert translation.gettext("Time reached: %(time)s") != "Time reached: %(time)s"
    assert "Time reached" not in text
    assert '<html lang="es"' in html
    # A partner's lead has no admin account: the public petition, not a sign-in page.
    assert "/admin/" not in text
    assert petition.full_url in text
    staff_message = next(m for m in found if m["To"] == addresses[0])
    text, html = outbox.body_parts(staff_message)
    assert f"/admin/campaigns/report/{campaign.pk}/" in text


def test_a_retry_after_one_lead_failed_mails_only_the_others(
    campaign, outbox_dir, settings
):
    """One message per lead: when the second lead's failed, the retry must not
    announce the milestone to the first lead a second time."""
    FailsFor.address = "second-lead@organizers.example.org"
    settings.EMAIL_BACKEND = "tests.campaigns.test_notifications.FailsFor"
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    with pytest.raises(OSError, match="refused"):
        notify_milestone_task(milestone.pk)
    assert [m["To"] for m in messages()] == ["lead@organizers.example.org"]
    milestone.refresh_from_db()
    assert milestone.notified_at is None

    FailsFor.address = None
    notify_milestone_task(milestone.pk)
    notify_milestone_task(milestone.pk)
    assert sorted(m["To"] for m in messages()) == [
        "lead@organizers.example.org",
        "second-lead@organizers.example.org",
    ]
    milestone.refresh_from_db()
    assert milestone.leads_mailed is None


class FailsFor:
    """The outbox, except for one address, which the server refuses."""

    address = None

    def __init__(self, *args, **kwargs):
        self.backend = outbox.OutboxBackend(*args, **kwargs)

    def send_messages(self, email_messages):
        for message in email_messages:
            if self.address in message.to:
                raise OSError("refused")
        return self.backend.send_messages(email_messages)


def test_the_count_is_said_to_be_the_count_at_the_time_of_writing(campaign, outbox_dir):
    """The line "Count now: 1,234" read as the count when the milestone was reached, though a
    retried e-mail may be written hours later: the count is labelled with its time."""
    reached = datetime(2026, 12, 5, 3, 14, tzinfo=ZoneInfo("America/Chicago"))
    written = datetime(2026, 12, 5, 9, 41, tzinfo=ZoneInfo("America/Chicago"))
    Counter.objects.update_or_create(
        campaign=campaign, kind="signatures", defaults={"value": 1234}
    )
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=1000, reached_at=reached
    )
    with freeze_time(written):
        notify_milestone_task(milestone.pk)
    message = messages()[0]
    text, html = outbox.body_parts(message)
    lines = text.splitlines()
    assert "1,000 signatures reached" in lines
    assert "Time reached: Dec. 5, 2026, 3:14 a.m. (Chicago time)" in lines
    assert (
        "Count when this e-mail was written, Dec. 5, 2026, 9:41 a.m. (Chicago time):"
        " 1,234"
    ) in lines
    assert "Count now" not in text
    assert "Count now" not in html


# Two sentence ends in a row, with or without a space: "a.m..", "。。", "।।".
DOUBLE_STOP = re.compile(r"[.。।]\s*[.。।]")


def test_the_milestone_time_is_not_followed_by_a_second_full_stop(campaign, outbox_dir):
    """English read "Reached at Dec. 5, 2026, 3:14 a.m..": the time has a labelled
    line of its own now, with no full stop after it, in all six languages."""
    reached = datetime(2026, 12, 5, 3, 14, tzinfo=ZoneInfo("America/Chicago"))
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=25, reached_at=reached
    )
    notify_milestone_task(milestone.pk)

    message = messages()[0]
    text, html = outbox.body_parts(message)
    # On the city's clock, named as every other e-mail names it.
    assert "Time reached: Dec. 5, 2026, 3:14 a.m. (Chicago time)" in text.splitlines()
    assert "Time reached: Dec. 5, 2026, 3:14 a.m. (Chicago time)<br>" in html
    context = {
        "milestone": milestone,
        "campaign": campaign,
        "count": 25,
        "threshold": 25,
        "reached": "Dec. 5, 2026, 3:14 a.m. (Chicago time)",
    }
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for part in ("txt", "html"):
                body = render_to_string(f"email/milestone_reached.{part}", context)
                assert not DOUBLE_STOP.search(body), (code, part)
                assert code == "en" or "Time reached" not in body, (code, part)


def test_large_counts_are_grouped_and_the_mail_says_its_direction(campaign, outbox_dir):
    """It read "1000 signatures reached" and "Count now: 1234"; the report writes 1,000."""
    Counter.objects.update_or_create(
        campaign=campaign, kind="signatures", defaults={"value": 1234}
    )
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=1000
    )
    notify_milestone_task(milestone.pk)
    message = messages()[0]
    assert message["Subject"] == (
        "Hate has no place in Chicago: 1,000 signatures reached"
    )
    text, html = outbox.body_parts(message)
    assert "1,000 signatures reached" in text.splitlines()
    assert text.splitlines()[4].endswith("(Chicago time): 1,234")
    assert '<html lang="en" dir="ltr">' in html


def test_signup_milestone_subject(campaign, outbox_dir):
    milestone = record_milestone(campaign_id=campaign.pk, kind="signups", threshold=25)
    notify_milestone_task(milestone.pk)
    message = messages()[0]
    assert message["Subject"] == "Hate has no place in Chicago: 25 signups reached"


@pytest.mark.parametrize(
    ("language", "threshold", "reached"),
    [
        # Arabic's noun follows the number: 3-10 take the plural, 11-99 the
        # accusative singular, 100 the singular. The mail always said "توقيع".
        ("ar", 10, "تم بلوغ 10 توقيعات"),
        ("ar", 25, "تم بلوغ 25 توقيعًا"),
        ("ar", 100, "تم بلوغ 100 توقيع"),
        ("en", 1, "1 signature reached"),
        ("pl", 25, "Zebrano 25 podpisów"),
    ],
)
def test_the_milestone_mail_says_the_number_in_the_form_it_takes(
    campaign, outbox_dir, django_user_model, language, threshold, reached
):
    """An Arabic lead read "تم بلوغ 10 توقيع" (10 signature) in the subject and the
    mail, and a campaign whose first milestone is 1 sent "1 signatures reached": the
    mail wrote one form for every number, where the petition's timeline says it
    right. It uses the timeline's phrase now."""

    campaign.milestone_thresholds = [threshold]
    campaign.lead_emails = "lead@ona.example.org"
    campaign.save()
    lead = django_user_model.objects.create_user(
        username="lead", email="lead@ona.example.org", password="x"
    )
    speaking(lead, language)
    increment_counter(campaign_id=campaign.pk, kind="signatures", by=threshold)
    notify_milestone_task(Milestone.objects.get(threshold=threshold).pk)

    (message,) = messages()
    assert message["Content-Language"] == language
    assert message["Subject"] == f"Hate has no place in Chicago: {reached}"
    text, html = outbox.body_parts(message)
    assert reached in text.splitlines()
    assert f"<strong>{reached}</strong>" in html


def test_a_chinese_lead_reads_the_chinese_colon_in_the_subject(
    campaign, outbox_dir, django_user_model
):

    campaign.lead_emails = "lead@ona.example.org"
    campaign.save()
    lead = django_user_model.objects.create_user(
        username="lead", email="lead@ona.example.org", password="x"
    )
    speaking(lead, "zh-hans")
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    notify_milestone_task(milestone.pk)

    (message,) = messages()
    assert message["Subject"] == "Hate has no place in Chicago：已达到 10 个签名"
    # The time it was reached names the clock in Chinese brackets, as event times do.
    text, html = outbox.body_parts(message)
    assert "（芝加哥时间）" in text
    assert "（芝加哥时间）" in html


def test_a_signup_milestone_of_one_is_one_signup(campaign, outbox_dir):
    milestone = record_milestone(campaign_id=campaign.pk, kind="signups", threshold=1)
    notify_milestone_task(milestone.pk)
    message = messages()[0]
    assert message["Subject"] == "Hate has no place in Chicago: 1 signup reached"
    text, _html = outbox.body_parts(message)
    assert "1 signup reached" in text.splitlines()


def test_no_leads_means_no_mail_but_the_milestone_stays(campaign, outbox_dir):
    campaign.lead_emails = ""
    campaign.save()
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    notify_milestone_task(milestone.pk)
    assert messages() == []
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_failed_send_releases_the_claim_for_the_retry(campaign, outbox_dir, settings):
    settings.EMAIL_BACKEND = "tests.campaigns.test_notifications.BrokenBackend"
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    with pytest.raises(OSError, match="ESP down"):
        notify_milestone_task(milestone.pk)
    milestone.refresh_from_db()
    assert milestone.notified_at is None

    settings.EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
    notify_milestone_task(milestone.pk)
    assert len(messages()) == 2  # one per lead


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("ESP down")


def test_verification_mail_is_in_the_signers_language_with_a_working_link(
    petition, outbox_dir, client
):
    petition.require_verification = True
    petition.save_revision().publish()
    outcome = record_signature(
        page=petition, email="zhang.min@example.org", language="zh-hans"
    )

    send_signature_verification_task(outcome.signature_id)

    (message,) = messages()
    assert message["To"] == "zhang.min@example.org"
    assert message["Subject"].strip() == "请确认您的签名：Hate has no place in Chicago"
    assert message["Content-Language"] == "zh-hans"
    text, html = outbox.body_parts(message)
    link = next(line for line in text.splitlines() if "/petitions/verify/" in line)
    assert "zhang" not in link
    path = link.split("127.0.0.1:8000", 1)[1]
    client.post(path)
    assert Signature.objects.get().status == Signature.Status.VERIFIED
    assert 'lang="zh-hans"' in html
    head = html[html.index("<head>") : html.index("</head>")]
    assert "<title>请确认您的签名：Hate has no place in Chicago</title>" in head
    assert (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' in head
    )

    send_signature_verification_task(outcome.signature_id)
    assert len(messages()) == 1, "no verification e-mail once verified"


def test_a_suppressed_address_gets_no_verification_mail(petition, outbox_dir):
    from subscribers.models import Suppression

    petition.require_verification = True
    petition.save_revision().publish()
    Suppression.objects.create(
        email_hash=crypto.lookup_hash("gone@example.org"),
        reason=Suppression.Reason.ERASED,
    )
    outcome = record_signature(page=petition, email="gone@example.org", language="en")
    send_signature_verification_task(outcome.signature_id)
    assert messages() == []


def test_a_killed_workers_notification_is_finished_by_the_resend_task(
    campaign, outbox_dir, settings, monkeypatch
):
    """A worker killed after claiming a milestone and mailing one lead left it
    claimed for good: the other leads were never mailed. The claim is a lease now;
    once it is older than MILESTONE_NOTIFY_LEASE_SECONDS the resend task queues the
    notification again and only the lead not yet mailed gets a message."""
    from campaigns.services.counters import renotify_unqueued_milestones

    settings.EMAIL_RESEND_GRACE = 0
    settings.MILESTONE_NOTIFY_LEASE_SECONDS = 600
    queued = []
    monkeypatch.setattr(
        "cms.celery.publish", lambda task, *args, **kw: queued.append(args) or True
    )
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    # What the killed worker left: its claim, and the first lead recorded as mailed.
    Milestone.objects.filter(pk=milestone.pk).update(
        notify_claimed_at=timezone.now() - timedelta(seconds=60),
        leads_mailed=[crypto.lookup_hash("lead@organizers.example.org")],
    )
    # A claim younger than the lease may be a worker still sending: left alone.
    assert renotify_unqueued_milestones() == 0
    notify_milestone_task(milestone.pk)
    assert messages() == []

    Milestone.objects.filter(pk=milestone.pk).update(
        notify_claimed_at=timezone.now() - timedelta(seconds=601)
    )
    assert renotify_unqueued_milestones() == 1
    assert queued == [(milestone.pk,)]

    notify_milestone_task(milestone.pk)
    notify_milestone_task(milestone.pk)  # redelivered: nothing more
    assert [m["To"] for m in messages()] == ["second-lead@organizers.example.org"]
    milestone.refresh_from_db()
    assert milestone.notified_at is not None
    assert milestone.notify_claimed_at is None
    assert milestone.leads_mailed is None
    assert renotify_unqueued_milestones() == 0  # nothing more to queue


@pytest.mark.parametrize(
    ("language", "report", "petition"),
    [
        ("zh-hans", "活动报告：", "请愿页面："),
        ("es", "Informe de la campaña: ", "Página de la petición: "),
    ],
)
def test_the_milestone_mail_labels_its_links_with_the_readers_colon(
    campaign, language, report, petition
):
    """The labels carried their colon in the msgid and the template typed a space
    after it, so Chinese read "请愿页面： http…" with a space after the full-width colon."""
    context = {
        "campaign": campaign,
        "campaign_title": campaign.name,
        "reached_text": "10",
        "report_url": "https://ona.example.org/admin/report/",
        "petition_url": "https://ona.example.org/petition/",
    }
    with translation.override(language):
        text = render_to_string("email/milestone_reached.txt", context)
        html = render_to_string("email/milestone_reached.html", context)
    assert f"\n{report}https://ona.example.org/admin/report/\n" in text
    assert f"\n{petition}https://ona.example.org/petition/\n" in text
    assert f">{report}{campaign.name}</a>" in html
    assert f">{petition}{campaign.name}</a>" in html
