"""A sender that looks like one: our Message-ID domain on every message, our EHLO name,
Auto-Submitted on transactional mail, one lasting List-Id per list, a preheader
hidden without same-colour text."""

import re
from email import message_from_bytes, policy

import pytest
from django.conf import settings

from campaigns.mailings import identity
from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from cms.email.rendering import render_email
from cms.mail.services import send_test_email
from cms.settings.env import helo_name_for
from subscribers.emails import send_confirmation_email
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
from tests.factories import SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db
DOMAIN = "ona.example.org"


@pytest.fixture
def sender_settings(settings):
    settings.MESSAGE_ID_DOMAIN = DOMAIN
    settings.EMAIL_HELO_NAME = "mail.ona.example.org"
    settings.BOUNCE_ADDRESS = f"bounces@{DOMAIN}"
    return settings


def strict(raw: bytes):
    """Python's strict parser: any defect in the message raises."""
    return message_from_bytes(raw, policy=policy.strict)


def test_transactional_mail_over_smtp(sender_settings, smtp_sink):
    (legal,) = lists(1)
    subscriber = subscribe("ana@example.org", [legal], status="pending")
    send_confirmation_email(
        subscriber=subscriber, list_ids=[legal.pk], page_id=None, language="es"
    )
    user = SuperuserFactory(email="staff@example.org")
    send_test_email(user_id=user.pk)

    assert smtp_sink.helos == ["mail.ona.example.org", "mail.ona.example.org"]
    assert smtp_sink.senders == [f"bounces@{DOMAIN}"] * 2
    for _recipients, raw in smtp_sink.envelopes:
        message = strict(raw)
        assert re.fullmatch(rf"<[^@<>\s]+@{re.escape(DOMAIN)}>", message["Message-ID"])
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
        assert "List-Id" not in message
    ids = {strict(raw)["Message-ID"] for _r, raw in smtp_sink.envelopes}
    assert len(ids) == 2


def test_transactional_mail_through_an_esp_and_the_outbox(
    sender_settings, fake_esp, outbox_dir
):
    user = SuperuserFactory(email="staff@example.org")
    sender_settings.EMAIL_PROVIDER = "mailgun"
    sender_settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    send_test_email(user_id=user.pk)
    (row,) = fake_esp.delivered
    headers = {name.lower(): value for name, value in row.headers.items()}
    assert headers["message-id"].endswith(f"@{DOMAIN}>")
    assert headers["auto-submitted"] == "auto-generated"

    sender_settings.EMAIL_PROVIDER = "outbox"
    sender_settings.EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
    send_test_email(user_id=user.pk)
    (written,) = outbox_dir.glob("*.eml")
    message = strict(written.read_bytes())
    assert message["Message-ID"].endswith(f"@{DOMAIN}>")
    assert message["Auto-Submitted"] == "auto-generated"


def test_bulk_mail_is_not_auto_generated_and_keeps_its_ids(
    sender_settings, smtp_sink, home_page
):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal])
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    sending.send_batch(mailing_id=mailing.pk)

    ((_recipients, raw),) = smtp_sink.envelopes
    message = strict(raw)
    delivery = Delivery.objects.get()
    tag = identity.message_id_tag(mailing)
    assert message["Message-ID"] == f"<d{delivery.pk}.m{mailing.pk}.{tag}@{DOMAIN}>"
    assert "Auto-Submitted" not in message
    assert message["Precedence"] == "bulk"
    assert smtp_sink.helos == ["mail.ona.example.org"]


def test_a_restored_database_never_reuses_a_sent_message_id(
    sender_settings, smtp_sink, home_page
):
    """Delivery and mailing ids start again in a database restored from a backup (or on
    a staging site on the same domain): the new bulletin's Message-ID must not be one
    a reader's mailbox already holds, or Gmail drops it unseen. A retry of the same
    delivery keeps its Message-ID, so a resend after a crash is still hidden."""
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal])
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    sending.send_batch(mailing_id=mailing.pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.QUEUED)
    sending.send_batch(mailing_id=mailing.pk)  # the same delivery sent again
    first, retry = (strict(raw)["Message-ID"] for _r, raw in smtp_sink.envelopes)
    assert retry == first

    # The backup was taken before this mailing: the restored database makes a new
    # mailing and delivery with the very same ids.
    mailing_pk, delivery_pk = mailing.pk, delivery.pk
    Delivery.objects.all().delete()
    Mailing.objects.filter(pk=mailing_pk).delete()
    restored = sending_mailing(home_page, [legal], pk=mailing_pk)
    materialise_deliveries(restored, ["en"])
    Delivery.objects.update(id=delivery_pk)
    sending.send_batch(mailing_id=restored.pk)

    *_, (_recipients, raw) = smtp_sink.envelopes
    assert Delivery.objects.get().pk == delivery_pk
    assert strict(raw)["Message-ID"] != first


def test_list_id_is_the_same_for_every_mailing_to_a_list(sender_settings, home_page):
    legal, outreach = lists(2)
    legal.name = "Legal Protection/Services"
    legal.save()
    first = sending_mailing(home_page, [legal])
    second = sending_mailing(home_page, [legal])
    both = sending_mailing(home_page, [outreach, legal])

    expected = f"Legal Protection/Services <list-{legal.pk}.{DOMAIN}>"
    assert identity.list_id_for(first) == expected
    assert identity.list_id_for(second) == expected
    # A mailing to several lists names none of them: an Outreach reader's copy must
    # not say they are on the Legal list (found by the staff tester).
    site = f"{settings.WAGTAIL_SITE_NAME} <list-0.{DOMAIN}>"
    assert identity.list_id_for(both) == site
    assert sending.envelopes_for(both)["en"].list_id == site

    legal.name = 'Legal, "urgent"'
    legal.save()
    assert identity.list_id_for(first) == (
        f'"Legal, \\"urgent\\"" <list-{legal.pk}.{DOMAIN}>'
    ), "a renamed list keeps its id; the name is quoted where RFC 5322 needs it"
    assert Mailing.objects.count() == 3


def test_ehlo_default_is_the_base_url_host():
    assert helo_name_for("https://ona.example.org") == "ona.example.org"
    assert helo_name_for("https://ona.example.org:8443/") == "ona.example.org"
    assert helo_name_for("http://127.0.0.1:8000") == "[127.0.0.1]"


def test_preheader_is_hidden_without_same_colour_text(home_page):
    bulletin = build_bulletin(summary="Know your rights before Saturday.")
    html = render_email(
        bulletin, language="en", base_url="https://ona.example.org"
    ).html
    (style,) = re.findall(r'<div class="preheader" style="([^"]*)">', html)
    declarations = {
        part.split(":", 1)[0].strip(): part.split(":", 1)[1].strip()
        for part in style.split(";")
        if ":" in part
    }
    assert declarations["display"] == "none"
    assert "color" not in declarations, "text coloured like its background"
    assert "font-size" not in declarations
    assert "Know your rights before Saturday." in html
