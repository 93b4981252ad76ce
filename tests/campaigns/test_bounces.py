"""Bounces over plain SMTP: a mailing goes out with signed VERP return paths, real
returned-mail samples (RFC 3464 / 5965 / 3834) addressed to them wait in a loopback
IMAP (or POP3) mailbox, and the bounce reader applies them as the webhooks would."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from campaigns.mailings import bounces, identity
from campaigns.mailings.models import Delivery, TrackingEvent
from campaigns.mailings.services import sending
from campaigns.mailings.services.bounces import process_bounce, process_bounce_mailbox
from campaigns.mailings.services.starting import materialise_deliveries
from subscribers.models import Subscriber, Suppression
from tests.campaigns.mailing_fixtures import lists, sending_mailing, subscribe
from tests.mailbox_servers import LoopbackImap, LoopbackPop3

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "bounces"
BOUNCE_ADDRESS = "bounces@ona.example.org"


def sample(name: str, return_path: str) -> bytes:
    return (SAMPLES / name).read_bytes().replace(b"%%VERP%%", return_path.encode())


@pytest.fixture
def sent_mailing(home_page, settings, smtp_sink):
    """Three deliveries sent over SMTP with VERP; returns {address: VERP sender}."""
    settings.BOUNCE_ADDRESS = BOUNCE_ADDRESS
    (legal,) = lists(1)
    for name in ("ana", "li", "omar"):
        subscribe(f"{name}@example.org", [legal])
    mailing = sending_mailing(home_page, [legal])
    materialise_deliveries(mailing, ["en"])
    sending.send_batch(mailing_id=mailing.pk)
    return {
        recipients[0]: sender
        for (recipients, _), sender in zip(
            smtp_sink.envelopes, smtp_sink.senders, strict=True
        )
    }


def delivery_of(address: str) -> Delivery:
    return Delivery.objects.get(subscriber=Subscriber.objects.with_email(address).get())


def suppressed(address: str) -> bool:
    subscriber = Subscriber.objects.with_email(address).get()
    return Suppression.objects.filter(email_hash=subscriber.email_hash).exists()


def test_each_delivery_goes_out_with_its_own_signed_return_path(sent_mailing):
    assert len(set(sent_mailing.values())) == 3
    for address, sender in sent_mailing.items():
        local, domain = sender.split("@")
        assert domain == "ona.example.org"
        assert local.startswith("bounces+d")
        assert address not in sender  # the return path names no one
        assert identity.delivery_id_from(sender) == delivery_of(address).pk


def test_imap_hard_bounces_suppress_exactly_once_and_the_rest_is_ignored(
    sent_mailing, settings
):
    ana, li, omar = (f"{n}@example.org" for n in ("ana", "li", "omar"))
    with LoopbackImap() as server:
        box = server.mailbox
        box.add(sample("hard-postfix-5.1.1.eml", sent_mailing[ana]))
        # The same failure reported again by another server, and the same message
        # read twice below: still one suppression, one event.
        box.add(sample("hard-exchange-5.1.1.eml", sent_mailing[ana]))
        box.add(sample("soft-postfix-failed-4.4.1.eml", sent_mailing[li]))
        box.add(sample("soft-outlook-delayed-4.4.7.eml", sent_mailing[li]))
        box.add(sample("auto-reply-vacation.eml", sent_mailing[omar]))
        settings.BOUNCE_MAILBOX_URL = server.url("imap")

        outcomes = process_bounce_mailbox()

        assert outcomes == {"hard": 1, "duplicate": 1, "soft": 2, "auto_reply": 1}
        assert box.messages == {}, "every message read is deleted"
        box.add(sample("hard-postfix-5.1.1.eml", sent_mailing[ana]))
        assert process_bounce_mailbox() == {"duplicate": 1}

    assert suppressed(ana)
    assert Suppression.objects.count() == 1
    assert Suppression.objects.get().reason == Suppression.Reason.HARD_BOUNCE
    assert TrackingEvent.objects.count() == 1
    assert delivery_of(ana).status == Delivery.Status.BOUNCED
    assert delivery_of(ana).bounced_at is not None
    assert delivery_of(li).status == Delivery.Status.SENT
    assert not suppressed(li)
    assert not suppressed(omar)


def test_unsigned_or_forged_verp_addresses_are_never_trusted(sent_mailing):
    ana = "ana@example.org"
    genuine = sent_mailing[ana]
    delivery_id = delivery_of(ana).pk
    local, domain = genuine.split("@")
    forged = [
        f"bounces+d{delivery_id}@{domain}",  # no signature
        f"bounces+d{delivery_id}-{'a' * 16}@{domain}",  # wrong signature
        genuine.replace(f"d{delivery_id}-", f"d{delivery_id + 1}-"),  # moved to another
        BOUNCE_ADDRESS,  # the plain address
    ]
    for return_path in forged:
        hard = sample("hard-postfix-5.1.1.eml", return_path)
        assert process_bounce(hard) == "unsigned", return_path
        assert process_bounce(sample("complaint-arf-abuse.eml", return_path)) == (
            "unsigned"
        )
    assert not Suppression.objects.exists()
    assert not TrackingEvent.objects.exists()
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_key_rotation_keeps_bounces_of_mail_sent_before_it(sent_mailing, settings):
    ana = "ana@example.org"
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-after-rotation-0123456789abcdef"
    assert process_bounce(sample("hard-office365-5.1.0.eml", sent_mailing[ana])) == (
        "hard"
    )
    assert suppressed(ana)


def test_a_late_bounce_from_before_a_restore_suppresses_nobody(
    sent_mailing, home_page, smtp_sink
):
    """Delivery ids start again in a database restored from a backup: a bounce of mail
    sent before the restore named a delivery id that now belongs to someone else, and
    suppressed them. The return path is signed with its mailing's tag too."""
    from campaigns.mailings.models import Mailing

    ana, li = "ana@example.org", "li@example.org"
    before_restore = sent_mailing[ana]
    delivery_pk, mailing_pk = delivery_of(ana).pk, delivery_of(ana).mailing_id
    legal = delivery_of(ana).mailing.lists.get()
    Delivery.objects.all().delete()
    Mailing.objects.filter(pk=mailing_pk).delete()
    restored = sending_mailing(home_page, [legal], pk=mailing_pk)
    materialise_deliveries(restored, ["en"])
    Delivery.objects.filter(subscriber=delivery_of(li).subscriber).update(
        id=delivery_pk
    )
    assert delivery_of(li).pk == delivery_pk

    assert process_bounce(sample("hard-postfix-5.1.1.eml", before_restore)) == (
        "unsigned"
    )
    assert not suppressed(li)
    assert not Suppression.objects.exists()

    sending.send_batch(mailing_id=restored.pk)
    now = dict(
        zip((r[0] for r, _ in smtp_sink.envelopes), smtp_sink.senders, strict=True)
    )
    assert now[li] != before_restore
    assert process_bounce(sample("hard-postfix-5.1.1.eml", now[li])) == "hard"
    assert suppressed(li)


def test_pop3_complaint_suppresses_and_marks_the_delivery(sent_mailing, settings):
    omar = "omar@example.org"
    with LoopbackPop3() as server:
        server.mailbox.add(sample("complaint-arf-abuse.eml", sent_mailing[omar]))
        server.mailbox.add(sample("auto-reply-vacation.eml", sent_mailing[omar]))
        settings.BOUNCE_MAILBOX_URL = server.url("pop3")

        call_command("process_bounces")

        assert server.mailbox.messages == {}
    assert delivery_of(omar).status == Delivery.Status.COMPLAINED
    assert Suppression.objects.get().reason == Suppression.Reason.COMPLAINT


def test_the_mailbox_keeps_what_a_failed_run_did_not_handle(sent_mailing, settings):
    """The database (or anything) failing mid-run leaves the messages for next time."""
    ana = "ana@example.org"
    with LoopbackImap() as server:
        server.mailbox.add(sample("hard-postfix-5.1.1.eml", sent_mailing[ana]))
        url = server.url("imap")

        def broken(raw: bytes) -> None:
            raise RuntimeError("database went away")

        from campaigns.mailings.mailbox import read_mailbox

        with pytest.raises(RuntimeError):
            read_mailbox(url, limit=10, handle=broken)
        assert len(server.mailbox.messages) == 1

        settings.BOUNCE_MAILBOX_URL = url
        assert process_bounce_mailbox() == {"hard": 1}
    assert suppressed(ana)


def test_wrong_mailbox_credentials_are_a_clear_error(settings):
    with LoopbackImap() as server:
        settings.BOUNCE_MAILBOX_URL = server.url("imap", password="wrong")
        with pytest.raises(CommandError, match="AUTHENTICATIONFAILED"):
            call_command("process_bounces")
    settings.BOUNCE_MAILBOX_URL = "https://example.org/"
    with pytest.raises(CommandError, match="imap"):
        call_command("process_bounces")


def test_classification_of_the_samples():
    """The samples are what their names say, whoever sent them."""
    expected = {
        "hard-postfix-5.1.1.eml": (bounces.HARD, "5.1.1"),
        "hard-exchange-5.1.1.eml": (bounces.HARD, "5.1.1"),
        "hard-office365-5.1.0.eml": (bounces.HARD, "5.1.0"),
        "soft-postfix-failed-4.4.1.eml": (bounces.SOFT, "4.4.1"),
        "soft-outlook-delayed-4.4.7.eml": (bounces.SOFT, "4.4.7"),
        "complaint-arf-abuse.eml": (bounces.COMPLAINT, ""),
        "auto-reply-vacation.eml": (bounces.AUTO_REPLY, ""),
    }
    for name, (kind, status) in expected.items():
        report = bounces.classify(sample(name, "someone@example.net"))
        assert (report.kind, report.status, report.delivery_id) == (kind, status, None)
    assert bounces.classify(b"\xff\xfe not a message").kind == bounces.OTHER
