"""Tracking webhooks of the providers other than Mailgun, through anymail's real views,
with the bodies each provider posts (their documented webhook payloads).

Brevo, Mailjet and Mandrill give no event id, and Postmark, Brevo, Amazon SES and
Mailjet report a soft bounce as anymail's "bounced", told apart only in the provider's
own fields: a hard bounce or complaint must still suppress, a soft bounce must not.
"""

import base64
import json
import time

import pytest

from campaigns.mailings.models import Delivery, TrackingEvent
from campaigns.mailings.services.starting import materialise_deliveries
from subscribers.crypto import lookup_hash
from subscribers.models import Suppression
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe

pytestmark = pytest.mark.django_db
SECRET = "hook-user:hook-pass"
ADDRESS = "ana@example.org"
MESSAGE_ID = "<d1.m1.abc@ona.example.org>"


@pytest.fixture
def delivery(home_page):
    (legal,) = lists(1)
    subscribe(ADDRESS, [legal], language="es")
    mailing = sending_mailing(home_page, [legal], languages=("es",))
    materialise_deliveries(mailing, ["es"])
    Delivery.objects.update(status="sent", esp_message_id=MESSAGE_ID)
    return Delivery.objects.get()


def use(settings, provider):
    settings.EMAIL_PROVIDER = provider
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    return f"/anymail/{provider}/tracking/"


def post(client, url, payload):
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    response = client.post(
        url,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )
    assert response.status_code == 200
    return response


def suppression_reason():
    row = Suppression.objects.filter(email_hash=lookup_hash(ADDRESS)).first()
    return row and row.reason


def brevo(event, delivery, **extra):
    now = time.time()
    return {
        "event": event,
        "email": ADDRESS,
        "id": 1234,  # the webhook's id in Brevo's account, the same on every call
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "ts": int(now),
        "message-id": MESSAGE_ID,
        "ts_event": int(now),
        "subject": "Recursos",
        "ts_epoch": int(now * 1000),
        "X-Mailin-custom": json.dumps({"delivery_id": delivery.pk, "mailing_id": 1}),
        **extra,
    }


def test_brevo_soft_bounce_then_hard_bounce(client, settings, delivery):
    url = use(settings, "brevo")
    post(client, url, brevo("soft_bounce", delivery, reason="mailbox full"))
    assert suppression_reason() is None
    assert Delivery.objects.get().status == "sent"

    hard = brevo("hard_bounce", delivery, reason="unknown user")
    post(client, url, hard)
    assert suppression_reason() == "hard_bounce"
    assert Delivery.objects.get().status == "bounced"
    # Brevo retries a call it thinks failed: the same event is applied once.
    post(client, url, hard)
    assert TrackingEvent.objects.count() == 1
    # The id we made up for it names nobody.
    assert ADDRESS not in TrackingEvent.objects.get().esp_event_id


def test_brevo_complaint_suppresses(client, settings, delivery):
    post(client, use(settings, "brevo"), brevo("spam", delivery))
    assert suppression_reason() == "complaint"
    assert Delivery.objects.get().status == "complained"


def postmark(kind, delivery, event_id):
    return {
        "RecordType": "Bounce",
        "ID": event_id,
        "Type": kind,
        "TypeCode": {"SoftBounce": 4096, "HardBounce": 1}[kind],
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Description": "The server was unable to deliver your message.",
        "Email": ADDRESS,
        "BouncedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "Metadata": {"delivery_id": str(delivery.pk)},
    }


def test_postmark_soft_bounce_then_hard_bounce(client, settings, delivery):
    url = use(settings, "postmark")
    post(client, url, postmark("SoftBounce", delivery, 4323372036))
    assert suppression_reason() is None
    assert Delivery.objects.get().status == "sent"

    post(client, url, postmark("HardBounce", delivery, 4323372037))
    assert suppression_reason() == "hard_bounce"
    assert Delivery.objects.get().status == "bounced"


def test_an_event_time_with_any_offset_is_stored_not_a_500(client, settings, delivery):
    """Postmark's times are parsed with their offset, and Python reads offsets up to
    23:59 where PostgreSQL stores up to 15:59: a body whose BouncedAt said "+23:59"
    (the webhook's secret is all a Postmark call needs) failed the insert with a 500,
    so Postmark retried it for hours. Every event's time is made UTC first."""
    from datetime import UTC, datetime, timedelta, timezone

    from anymail.signals import AnymailTrackingEvent

    from campaigns.mailings.services.tracking import normalise_event

    url = use(settings, "postmark")
    now = datetime.now(UTC).replace(microsecond=0)
    far_east = timezone(timedelta(hours=23, minutes=59))
    body = postmark("HardBounce", delivery, 4323372038)
    body["BouncedAt"] = now.astimezone(far_east).isoformat()
    post(client, url, body)
    assert TrackingEvent.objects.get().occurred_at == now
    assert suppression_reason() == "hard_bounce"

    event = AnymailTrackingEvent(
        event_type="delivered", timestamp=now.astimezone(far_east)
    )
    assert normalise_event(event).timestamp.utcoffset() == timedelta(0)


def mailjet(delivery, *, hard):
    return {
        "event": "bounce",
        "time": int(time.time()),
        "MessageID": 19421777835146490,
        "email": ADDRESS,
        "mj_campaign_id": 7173,
        "mj_contact_id": 320,
        "customcampaign": "",
        "Payload": json.dumps({"delivery_id": delivery.pk}),
        "blocked": False,
        "hard_bounce": hard,
        "error_related_to": "recipient",
        "error": "user unknown" if hard else "quota exceeded",
    }


def test_mailjet_soft_bounce_then_hard_bounce(client, settings, delivery):
    url = use(settings, "mailjet")
    post(client, url, mailjet(delivery, hard=False))
    assert suppression_reason() is None
    post(client, url, mailjet(delivery, hard=True))
    assert suppression_reason() == "hard_bounce"


def test_amazon_ses_transient_bounce_does_not_suppress(delivery):
    """SES through SNS: its body is verified by anymail against AWS's certificate, so
    the event anymail makes of it is recorded here directly."""
    from anymail.signals import AnymailTrackingEvent, EventType

    from campaigns.mailings.services.tracking import record_tracking_event

    def ses(kind, event_id):
        bounce = {"bounceType": kind, "bounceSubType": "General"}
        return AnymailTrackingEvent(
            event_type=EventType.BOUNCED,
            event_id=event_id,
            recipient=ADDRESS,
            metadata={"delivery_id": delivery.pk},
            esp_event={"eventType": "Bounce", "bounce": bounce},
        )

    record_tracking_event(ses("Transient", "sns-1"))
    assert suppression_reason() is None
    record_tracking_event(ses("Permanent", "sns-2"))
    assert suppression_reason() == "hard_bounce"


def sparkpost(delivery, bounce_class, event_id):
    return [
        {
            "msys": {
                "message_event": {
                    "type": "bounce",
                    "bounce_class": bounce_class,
                    "event_id": event_id,
                    "transmission_id": "65832150921904138",
                    "raw_rcpt_to": ADDRESS,
                    "rcpt_to": ADDRESS,
                    "rcpt_meta": {"delivery_id": str(delivery.pk)},
                    "raw_reason": "552 5.2.2 mailbox full",
                    "timestamp": str(int(time.time())),
                }
            }
        }
    ]


def test_sparkpost_soft_bounce_then_hard_bounce(client, settings, delivery):
    """SparkPost tells bounces apart only by their class: a full mailbox (22), a
    timeout (24) or a block by the receiving server (50) must not suppress for good;
    an invalid recipient (10) must."""
    url = use(settings, "sparkpost")
    for number, bounce_class in enumerate(("22", "24", "50")):
        post(client, url, sparkpost(delivery, bounce_class, f"9207{number}"))
    assert suppression_reason() is None
    assert Delivery.objects.get().status == "sent"

    post(client, url, sparkpost(delivery, "10", "92080"))
    assert suppression_reason() == "hard_bounce"
    assert Delivery.objects.get().status == "bounced"
