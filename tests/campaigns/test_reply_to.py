"""A reader who answers a bulletin, an alert, an RSVP or a confirmation reached the From
address, often a sending domain nobody reads: no message carried a Reply-To. With
REPLY_TO_EMAIL set, every message a reader may answer carries it, on each sending path
(SMTP's once-encoded bulk messages, an ESP's batch, Django's own messages), its name
the office's in the reader's language as on the From line."""

from email import message_from_bytes, policy
from email.utils import parseaddr

import pytest

from campaigns.mailings.services import sending
from campaigns.mailings.services.starting import materialise_deliveries
from campaigns.models import Signature
from campaigns.services import notifications, petitions
from events import services as events
from subscribers.emails import send_confirmation_email
from tests.campaigns.mailing_fixtures import (
    lists,
    send_a_bulletin_and_a_confirmation,
    sending_mailing,
    subscribe,
)
from tests.factories import CampaignFactory, build_event, build_petition_page

pytestmark = pytest.mark.django_db

OFFICE = "help@ona.example.org"
SENDING = "news@mg.ona.example.org"


@pytest.fixture
def office(settings):
    settings.DEFAULT_FROM_EMAIL = f"{settings.WAGTAIL_SITE_NAME} <{SENDING}>"
    settings.REPLY_TO_EMAIL = f"{settings.WAGTAIL_SITE_NAME} <{OFFICE}>"
    return settings


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=policy.default)


def reply_to_of(message) -> tuple[str, str]:
    name, address = parseaddr(" ".join(str(message["Reply-To"]).split()))
    return name, address


def test_every_message_a_reader_may_answer_has_the_offices_reply_to(
    office, smtp_sink, home_page
):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal], language="es")
    mailing = sending_mailing(home_page, [legal], languages=("es",))
    materialise_deliveries(mailing, ["es"])
    sending.send_batch(mailing_id=mailing.pk)

    pending = subscribe("li@example.org", [legal], language="zh-hans", status="pending")
    send_confirmation_email(
        subscriber=pending, list_ids=[legal.pk], page_id=None, language="zh-hans"
    )
    petition = build_petition_page(
        home_page, CampaignFactory(), require_verification=True
    )
    petitions.record_signature(
        page=petition, email="signer@example.org", language="pl", name="Ana"
    )
    notifications.send_signature_verification(signature_id=Signature.objects.get().pk)
    event = build_event(title="Know your rights", rsvp_mode="internal")
    guest = events.record_rsvp(
        event_id=event.pk, name="Omar", email="omar@example.org", language="ar"
    )
    events.send_rsvp_confirmation(rsvp_id=guest.pk)

    messages = [parsed(raw) for _recipients, raw in smtp_sink.envelopes]
    assert len(messages) == 4
    for message in messages:
        name, address = reply_to_of(message)
        assert address == OFFICE, message["Subject"]
        # The office's name as the From line gives it, in the reader's language.
        from_name, from_address = parseaddr(" ".join(str(message["From"]).split()))
        assert from_address == SENDING
        assert name == from_name
    languages = [message["Content-Language"] for message in messages]
    assert languages == ["es", "zh-hans", "pl", "ar"]
    assert reply_to_of(messages[3])[0] != office.WAGTAIL_SITE_NAME, "in Arabic"


def test_a_bulletin_through_an_esp_and_the_outbox_has_it_too(
    office, fake_esp, home_page, outbox_dir
):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal])
    office.EMAIL_PROVIDER = "mailgun"
    office.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    sending.send_batch(mailing_id=mailing.pk)
    (row,) = fake_esp.delivered
    headers = {name.lower(): value for name, value in row.headers.items()}
    assert parseaddr(headers["reply-to"])[1] == OFFICE

    # One message per recipient through Django's backend (the outbox here).
    office.EMAIL_PROVIDER = "outbox"
    office.EMAIL_BACKEND = "cms.mail.outbox.OutboxBackend"
    subscribe("bo@example.org", [legal])
    second = sending_mailing(home_page, [legal])
    materialise_deliveries(second, ["en"])
    sending.send_batch(mailing_id=second.pk)
    written = sorted(outbox_dir.glob("*.eml"))
    assert written
    for path in written:
        assert reply_to_of(parsed(path.read_bytes()))[1] == OFFICE


def test_unset_no_reply_to(settings, smtp_sink, home_page):
    settings.REPLY_TO_EMAIL = ""
    send_a_bulletin_and_a_confirmation(home_page)
    assert len(smtp_sink.envelopes) == 2
    for _recipients, raw in smtp_sink.envelopes:
        assert "Reply-To" not in parsed(raw)
