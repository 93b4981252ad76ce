"""Mailgun tracking webhooks through anymail's real view: authenticated, applied once."""

import base64
import hashlib
import hmac
import json
import time
import uuid

import pytest

from campaigns.mailings.models import Delivery, TrackingEvent
from campaigns.mailings.services.starting import materialise_deliveries
from subscribers.crypto import lookup_hash
from subscribers.models import Suppression
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe

pytestmark = pytest.mark.django_db
SECRET = "hook-user:hook-pass"
SIGNING_KEY = "mailgun-signing-key"
URL = "/anymail/mailgun/tracking/"


@pytest.fixture(autouse=True)
def webhook_settings(settings):
    settings.EMAIL_PROVIDER = (
        "mailgun"  # only the configured provider's webhook answers
    )
    settings.ANYMAIL = {
        "WEBHOOK_SECRET": SECRET,
        "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
        "MAILGUN_API_KEY": "unused",
    }


@pytest.fixture
def delivery(home_page):
    (legal,) = lists(1)
    subscribe("ana@example.org", [legal], language="es")
    mailing = sending_mailing(home_page, [legal], languages=("es",))
    materialise_deliveries(mailing, ["es"])
    Delivery.objects.update(
        status="sent", esp_message_id="<batch-1@mg.ona.example.org>"
    )
    return Delivery.objects.get()


def mailgun_event(event, delivery_id, *, token=None, timestamp=None, **extra):
    token = token or uuid.uuid4().hex
    stamp = str(int(timestamp or time.time()))
    signature = hmac.new(
        SIGNING_KEY.encode(), (stamp + token).encode(), hashlib.sha256
    ).hexdigest()
    data = {
        "event": event,
        "timestamp": float(stamp),
        "id": uuid.uuid4().hex,
        "recipient": "ana@example.org",
        "message": {"headers": {"message-id": "batch-1@mg.ona.example.org"}},
        "user-variables": {"delivery_id": str(delivery_id), "mailing_id": "1"},
        **extra,
    }
    return {
        "signature": {"token": token, "timestamp": stamp, "signature": signature},
        "event-data": data,
    }


def post(client, payload, secret=SECRET):
    auth = "Basic " + base64.b64encode(secret.encode()).decode()
    return client.post(
        URL,
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
    )


def test_delivered_event_updates_the_delivery(client, delivery):
    response = post(client, mailgun_event("delivered", delivery.pk))
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert delivery.delivered_at is not None


def test_bad_secret_is_400_and_writes_nothing(client, delivery):
    response = post(
        client, mailgun_event("failed", delivery.pk, severity="permanent"), secret="x:y"
    )
    assert response.status_code == 400
    payload = mailgun_event("failed", delivery.pk, severity="permanent")
    payload["signature"]["signature"] = "0" * 64
    assert post(client, payload).status_code == 400
    assert not TrackingEvent.objects.exists()
    assert not Suppression.objects.exists()
    assert Delivery.objects.get().status == "sent"


def test_replay_is_applied_once(client, delivery):
    payload = mailgun_event("opened", delivery.pk)
    delivery.mailing.track_opens = True
    delivery.mailing.save()
    assert post(client, payload).status_code == 200
    first = Delivery.objects.get().opened_at
    assert post(client, payload).status_code == 200
    assert TrackingEvent.objects.count() == 1
    assert Delivery.objects.get().opened_at == first


def test_hard_bounce_and_complaint_suppress_at_once(client, delivery):
    post(
        client,
        mailgun_event("failed", delivery.pk, severity="permanent", reason="bounce"),
    )
    delivery.refresh_from_db()
    assert delivery.status == "bounced"
    assert (
        Suppression.objects.get(email_hash=lookup_hash("ana@example.org")).reason
        == "hard_bounce"
    )

    post(client, mailgun_event("complained", delivery.pk))
    assert Delivery.objects.get().status == "complained"
    assert Suppression.objects.count() == 1


def test_soft_bounce_does_not_suppress(client, delivery):
    post(
        client,
        mailgun_event("failed", delivery.pk, severity="temporary", reason="generic"),
    )
    assert not Suppression.objects.exists()
    assert Delivery.objects.get().status == "sent"


def test_opens_and_clicks_only_when_tracking_is_on(client, delivery):
    post(client, mailgun_event("opened", delivery.pk))
    post(client, mailgun_event("clicked", delivery.pk, url="https://example.org"))
    delivery.refresh_from_db()
    assert delivery.opened_at is None
    assert delivery.clicked_at is None


def test_stale_event_is_rejected(client, delivery):
    old = time.time() - 30 * 24 * 3600
    payload = mailgun_event("delivered", delivery.pk, timestamp=old)
    payload["signature"] = mailgun_event("delivered", delivery.pk)["signature"]
    response = post(client, payload)
    assert (
        response.status_code == 200
    )  # signature fine; the event is simply not applied
    assert Delivery.objects.get().status == "sent"
    assert not TrackingEvent.objects.exists()


def test_a_used_signature_carries_no_other_event(client, delivery):
    """Mailgun signs a timestamp and a token, not the body: whoever saw one genuine
    call (with the secret) could put a complaint for any address under its
    signature, and everyone so named would be suppressed."""
    genuine = mailgun_event("delivered", delivery.pk)
    assert post(client, genuine).status_code == 200
    forged = mailgun_event("complained", delivery.pk, recipient="victim@example.org")
    forged["signature"] = genuine["signature"]
    assert post(client, forged).status_code == 400
    assert not Suppression.objects.exists()
    assert Delivery.objects.get().status == "delivered"
    # The same genuine call again (Mailgun retrying) is answered, and applied once.
    assert post(client, genuine).status_code == 200
    assert TrackingEvent.objects.count() == 1


@pytest.mark.parametrize("days", [-1, 8, 400])
def test_a_signature_from_another_time_is_refused(client, delivery, days):
    """Tokens are remembered as long as an event may be applied: an older signature
    (or one from the future) under a fresh event would escape that memory."""
    payload = mailgun_event("complained", delivery.pk, recipient="victim@example.org")
    signed = mailgun_event(
        "complained", delivery.pk, timestamp=time.time() - days * 24 * 3600
    )
    payload["signature"] = signed["signature"]
    assert post(client, payload).status_code == 400
    assert not Suppression.objects.exists()
    assert not TrackingEvent.objects.exists()


def test_a_call_that_failed_here_is_taken_when_mailgun_retries(
    client, delivery, monkeypatch
):
    """Our own failure (a 500) must not burn the token: Mailgun retries the call."""
    from campaigns.mailings import receivers

    genuine = mailgun_event("failed", delivery.pk, severity="permanent")
    real = receivers.record_tracking_event

    def broken(event):
        raise RuntimeError("database went away")

    monkeypatch.setattr(receivers, "record_tracking_event", broken)
    client.raise_request_exception = False
    assert post(client, genuine).status_code == 500
    monkeypatch.setattr(receivers, "record_tracking_event", real)
    assert post(client, genuine).status_code == 200
    assert Delivery.objects.get().status == "bounced"


def test_report_counts_the_people_who_opened_and_clicked(client, home_page):
    """Opens and clicks reach the mailing's report (tables and CSV) by language and
    list when the mailing tracked them: people, not events."""
    from django.urls import reverse

    from campaigns.mailings import reports
    from tests.factories import SuperuserFactory

    legal, outreach = lists(2)
    subscribe("ana@example.org", [legal, outreach], language="es")
    subscribe("grace@example.org", [legal], language="en")
    mailing = sending_mailing(
        home_page,
        [legal, outreach],
        languages=("en", "es"),
        track_opens=True,
        track_clicks=True,
        recipients_count=2,
    )
    materialise_deliveries(mailing, ["en", "es"])
    Delivery.objects.update(
        status="sent", esp_message_id="<batch-1@mg.ona.example.org>"
    )
    ana = Delivery.objects.get(language="es")
    for event in ("opened", "opened", "clicked"):
        assert (
            post(client, mailgun_event(event, ana.pk, url="https://e.org")).status_code
            == 200
        )

    tables = reports.report_tables(mailing)
    assert [key for key, _label in tables["statuses"]] == ["sent", "opened", "clicked"]
    assert dict(tables["by_language"]) == {"en": [1, 0, 0], "es": [1, 1, 1]}
    by_list = dict(tables["by_list"])
    assert by_list[legal.name] == [2, 1, 1]
    assert by_list[outreach.name] == [1, 1, 1]
    rows = reports.csv_report(mailing).splitlines()
    assert rows[0].endswith(",opened,clicked")
    assert rows[2].startswith("language,es,")
    assert rows[2].endswith(",1,1")

    client.force_login(SuperuserFactory())
    page = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    assert (
        '<th scope="col">Opened</th><th scope="col">Clicked</th>'
        in page.content.decode()
    )

    untracked = sending_mailing(home_page, [legal], languages=("en",))
    materialise_deliveries(untracked, ["en"])
    assert [key for key, _ in reports.report_tables(untracked)["statuses"]] == [
        "queued"
    ]
    assert reports.csv_report(untracked).splitlines()[1].endswith(",,")


def test_a_rejection_reason_is_stored_without_the_address(client, delivery):
    """Providers quote the address in their reasons; a delivery row keeps no address
    in clear (it outlives the person's erasure)."""
    reason = "Not delivering to previously bounced address ana@example.org"
    payload = mailgun_event("rejected", delivery.pk, reject={"reason": reason})
    assert post(client, payload).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "failed"
    assert "ana@example.org" not in delivery.error
    assert delivery.error.startswith("Not delivering to previously bounced address")


def test_a_used_signature_split_another_way_carries_no_other_event(client, delivery):
    """Mailgun signs the timestamp and the token run together, with nothing between
    them: a token starting "e0" lets the same signature stand for the timestamp
    "<stamp>e0" (the same number, to float()) and the rest of the token, a token not
    seen before. Whoever saw such a call could put a complaint for anyone under it."""
    genuine = mailgun_event("delivered", delivery.pk, token="e0a" + uuid.uuid4().hex)
    assert post(client, genuine).status_code == 200
    block = genuine["signature"]
    forged = mailgun_event("complained", delivery.pk, recipient="victim@example.org")
    forged["signature"] = {
        "token": block["token"][2:],
        "timestamp": block["timestamp"] + "e0",
        "signature": block["signature"],
    }
    assert post(client, forged).status_code == 400
    assert not Suppression.objects.filter(
        email_hash=lookup_hash("victim@example.org")
    ).exists()
    assert Delivery.objects.get().status == "delivered"


def test_a_rotated_webhook_secret_takes_the_old_and_the_new_one(
    client, delivery, settings
):
    """Rotating ANYMAIL_WEBHOOK_SECRET: the provider's webhook address and the
    deployment's environment cannot change at the same instant, so while both are
    listed (comma-separated in the environment; anymail takes a list) a call with
    either is taken, and one with neither is not (the operator round's note)."""
    from cms.checks import check_webhook_secret
    from cms.webhooks import missing_settings

    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": [SECRET, "new:secret"]}
    assert missing_settings("mailgun") == [], "the webhook stays open"
    assert check_webhook_secret() == []
    for secret in (SECRET, "new:secret"):
        response = post(client, mailgun_event("delivered", delivery.pk), secret=secret)
        assert response.status_code == 200, secret
    assert (
        post(client, mailgun_event("delivered", delivery.pk), "x:y").status_code == 400
    )
    settings.ANYMAIL = {**settings.ANYMAIL, "WEBHOOK_SECRET": [SECRET, "no-colon"]}
    assert [error.id for error in check_webhook_secret()] == ["cms.E007"]
