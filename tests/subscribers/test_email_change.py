"""A subscriber who changed e-mail provider moves their lists and language to a new
address from the preference centre a mailed link opens: the new mailbox confirms it
with a button, the answer never tells whether an address is known, and every earlier
link stops working."""

import logging
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext
from freezegun import freeze_time

from cms.celery import app as celery_app
from subscribers import crypto, services, tokens
from subscribers.models import EmailChange, Subscriber, Subscription, Suppression
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"
NEW = "fatima.new@example.net"


@pytest.fixture(autouse=True)
def tasks_run_at_once():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def lists():
    return (
        MailingListFactory(name="Legal Protection/Services", slug="legal"),
        MailingListFactory(name="Housing", slug="housing"),
    )


@pytest.fixture
def fatima(lists):
    person = make_subscriber("fatima@example.org", language="ar", name="Fatima")
    Subscription.objects.create(
        subscriber=person, mailing_list=lists[0], status="confirmed", source="signup"
    )
    return person


def mailed_link(person: Subscriber) -> str:
    person.refresh_from_db()
    url = tokens.mailed_preferences_url(
        person.pk, generation=person.link_generation, language=person.language
    )
    return url.removeprefix(BASE)


def footer_link(person: Subscriber) -> str:
    person.refresh_from_db()
    # As a mailing's footer carries it: under the reader's language.
    url = tokens.preferences_url(
        person.pk, generation=person.link_generation, language=person.language
    )
    return url.removeprefix(BASE)


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Post the form; the mail is queued when the request's transaction commits."""

    def post(client, link: str, address: str = NEW, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                link, {"action": "change_email", "new_email": address, **extra}
            )

    return post


def change_link() -> str:
    (message,) = mail.outbox
    mail.outbox.clear()
    assert message.to == [NEW]
    (link,) = set(re.findall(r"http://\S+/change-email/[^/\s]+/", message.body))
    return link.removeprefix(BASE)


def test_the_whole_journey_moves_lists_and_language_and_kills_old_links(
    ask, client, fatima, caplog
):
    mailed, footer = mailed_link(fatima), footer_link(fatima)
    page = client.get(mailed)
    assert 'value="change_email"' in page.content.decode()

    with caplog.at_level(logging.INFO):
        asked = ask(client, mailed)
        assert asked.status_code == 200
        assert '<html lang="ar" dir="rtl"' in asked.content.decode()
        # The new address is kept encrypted, and only the new mailbox is written to.
        (message,) = mail.outbox
        assert message.to == [NEW]
        assert message.extra_headers["Content-Language"] == "ar"
        html = message.alternatives[0][0]
        assert 'dir="rtl"' in html
        link = change_link()
        assert NEW not in link
        assert "fatima" not in link
        assert Subscriber.objects.get().email == "fatima@example.org"

        # Opening the link (a mail scanner does) changes nothing.
        opened = client.get(link)
        assert opened.status_code == 200
        assert '<html lang="ar"' in opened.content.decode()
        assert Subscriber.objects.get().email == "fatima@example.org"

        done = client.post(link)
        assert done.status_code == 200
    person = Subscriber.objects.get()
    assert person.email == NEW
    assert person.email_hash == crypto.lookup_hash(NEW)
    assert person.language == "ar"
    assert person.name == "Fatima"
    assert list(person.subscriptions.values_list("status", flat=True)) == ["confirmed"]
    assert not EmailChange.objects.exists()
    logged = caplog.text
    assert f"subscriber {person.pk} changed e-mail address" in logged
    assert "fatima" not in logged

    # Every earlier preferences link, and the used change link, stop working.
    assert client.get(mailed).status_code == 410
    assert client.get(footer).status_code == 410
    used = client.post(link)
    assert used.status_code == 410
    assert '<html lang="ar"' in used.content.decode()
    assert Subscriber.objects.get().email == NEW
    # The page after the change opens the preferences for the new address.
    (preferences,) = re.findall(
        r'href="(/[^"]*preferences/[^"]+)"', done.content.decode()
    )
    assert NEW in client.get(preferences.replace("&amp;", "&")).content.decode()


def test_the_answer_is_the_same_whatever_the_new_address(ask, client, fatima, lists):
    other = make_subscriber("known@example.net", language="en")
    Subscription.objects.create(
        subscriber=other, mailing_list=lists[1], status="confirmed", source="signup"
    )
    Suppression.objects.create(
        email_hash=crypto.lookup_hash("bounced@example.net"), reason="hard_bounce"
    )
    answers = set()
    for address in ["known@example.net", "bounced@example.net", "nobody@example.net"]:
        answer = ask(client, mailed_link(fatima), address)
        assert answer.status_code == 200
        answers.add(re.search(r"<h1>.*?</p>", answer.content.decode(), re.S)[0])
    assert len(answers) == 1
    # A bounced address is not written to; the others are, whoever they belong to.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "known@example.net",
        "nobody@example.net",
    ]


def test_the_footer_link_cannot_change_the_address(ask, client, fatima):
    footer = footer_link(fatima)
    page = client.get(footer).content.decode()
    assert 'value="change_email"' not in page
    with translation.override("ar"):  # the page's language: Fatima's
        offer = ngettext(
            "To download or erase your data, or change your e-mail address, we "
            "e-mail you a link that works for %(hours)s hour. Links to your "
            "preferences sent before it stop working.",
            "To download or erase your data, or change your e-mail address, we "
            "e-mail you a link that works for %(hours)s hours. Links to your "
            "preferences sent before it stop working.",
            24,
        ) % {"hours": 24}
        button = gettext(
            "E-mail me a link to download or erase my data, or change my address"
        )
        refusal = gettext(
            "The link in our newsletters cannot download or erase your data, or "
            "change your e-mail address, because newsletters get forwarded. Ask for "
            "a link on your preferences page: we e-mail it to you."
        )
    # It says where the address change is: behind the link it offers to e-mail.
    assert '<html lang="ar"' in page
    assert offer in page
    assert f">{button}</button>" in page
    refused = ask(client, footer)
    assert refused.status_code == 403
    # The refusal names what was refused, not only download and erasure.
    assert refusal in refused.content.decode()
    assert not mail.outbox
    assert not EmailChange.objects.exists()


def test_the_honeypot_and_bad_addresses_send_nothing(ask, client, fatima):
    mailed = mailed_link(fatima)
    bot = ask(client, mailed, website="http://spam")
    assert bot.status_code == 200
    for bad in ["not an address", "a" * 250 + "@example.org"]:
        answer = ask(client, mailed, bad)
        assert answer.status_code == 400
        assert '<html lang="ar"' in answer.content.decode()
    assert not mail.outbox
    assert not EmailChange.objects.exists()


def test_asking_again_replaces_the_first_link(ask, client, fatima):
    ask(client, mailed_link(fatima))
    first = change_link()
    ask(client, mailed_link(fatima))
    second = change_link()
    assert client.post(first).status_code == 410
    assert Subscriber.objects.get().email == "fatima@example.org"
    assert client.post(second).status_code == 200
    assert Subscriber.objects.get().email == NEW


def test_an_existing_record_for_the_new_address_is_merged_into_this_one(
    ask, client, fatima, lists
):
    other = make_subscriber(NEW, language="en")
    Subscription.objects.create(
        subscriber=other, mailing_list=lists[1], status="confirmed", source="signup"
    )
    Subscription.objects.create(
        subscriber=other, mailing_list=lists[0], status="unsubscribed", source="signup"
    )
    Suppression.objects.create(
        email_hash=crypto.lookup_hash(NEW), reason="unsubscribed"
    )
    ask(client, mailed_link(fatima))
    assert client.post(change_link()).status_code == 200
    person = Subscriber.objects.get()
    assert person.pk == fatima.pk
    assert person.email == NEW
    assert person.language == "ar"
    assert dict(person.subscriptions.values_list("mailing_list__slug", "status")) == {
        "legal": "confirmed",
        "housing": "confirmed",
    }
    # The new mailbox proved itself: its "left everything" is lifted, as on re-joining.
    assert not Suppression.objects.exists()


def test_a_later_bounce_on_the_new_address_refuses_without_writing(ask, client, fatima):
    ask(client, mailed_link(fatima))
    link = change_link()
    services.suppress(email=NEW, reason="hard_bounce")
    refused = client.post(link)
    assert refused.status_code == 410
    assert Subscriber.objects.get().email == "fatima@example.org"


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-3] + "AAA", lambda t: t[:10], lambda t: "x" * 2000]
)
def test_a_tampered_link_is_400_in_the_readers_language(ask, client, fatima, mangle):
    ask(client, mailed_link(fatima))
    link = change_link()
    token = link.rstrip("/").rsplit("/", 1)[1]
    bad = link.replace(token, mangle(token))
    assert bad.startswith("/ar/"), "mailed in Fatima's language"
    for answer in (client.get(bad), client.post(bad), client.get(bad[3:])):
        assert answer.status_code == 400
    assert '<html lang="ar" dir="rtl"' in client.get(bad).content.decode()
    assert Subscriber.objects.get().email == "fatima@example.org"


def test_an_expired_link_is_410_and_changes_nothing(ask, client, fatima, settings):
    settings.SUBSCRIBERS_MAILED_LINK_HOURS = 2
    ask(client, mailed_link(fatima))
    link = change_link()
    with freeze_time(timedelta(hours=3), tick=True):
        expired = client.post(link)
        assert expired.status_code == 410
        assert '<html lang="ar"' in expired.content.decode()
        services.purge_unconfirmed()
    assert not EmailChange.objects.exists()
    assert Subscriber.objects.get().email == "fatima@example.org"


def test_a_merged_records_pending_lists_get_a_fresh_link_in_the_persons_language(
    ask, client, fatima, lists, django_capture_on_commit_callbacks
):
    """Its confirmation link named the record that the merge deletes: dead. A fresh
    one goes to the new address, in Fatima's language, and works; the list is not
    confirmed without it (anyone can type an address into a signup form)."""
    other = make_subscriber(NEW, language="en")
    Subscription.objects.create(
        subscriber=other, mailing_list=lists[1], status="pending", source="signup"
    )
    ask(client, mailed_link(fatima))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_link()).status_code == 200

    person = Subscriber.objects.get()
    assert dict(person.subscriptions.values_list("mailing_list__slug", "status")) == {
        "legal": "confirmed",
        "housing": "pending",
    }
    # The old address is told of the change (its own test below); the new one
    # gets the link.
    notice, message = mail.outbox
    assert notice.to == ["fatima@example.org"]
    assert message.to == [NEW]
    assert message.extra_headers["Content-Language"] == "ar"
    assert 'dir="rtl"' in message.alternatives[0][0]
    (link,) = set(re.findall(r"http://\S+/confirm/[^/\s]+/", message.body))
    assert link.removeprefix(BASE).startswith("/ar/")
    assert client.post(link.removeprefix(BASE)).status_code == 303
    assert dict(person.subscriptions.values_list("mailing_list__slug", "status")) == {
        "legal": "confirmed",
        "housing": "confirmed",
    }


def test_a_signup_to_a_list_this_record_had_left_is_kept_pending_with_a_link(
    ask, client, fatima, lists, django_capture_on_commit_callbacks
):
    Subscription.objects.create(
        subscriber=fatima, mailing_list=lists[1], status="unsubscribed", source="signup"
    )
    other = make_subscriber(NEW, language="en")
    Subscription.objects.create(
        subscriber=other, mailing_list=lists[1], status="pending", source="signup"
    )
    ask(client, mailed_link(fatima))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_link()).status_code == 200

    assert Subscription.objects.get(mailing_list=lists[1]).status == "pending"
    (message,) = [sent for sent in mail.outbox if sent.to == [NEW]]
    assert "/confirm/" in message.body


@pytest.mark.parametrize("language", ["ar", "zh-hans", "pl"])
def test_the_old_address_is_told_once_the_change_takes_effect(
    ask, client, lists, language, django_capture_on_commit_callbacks
):
    """The address left behind heard nothing: whoever had taken over the account's
    link could move someone's lists away unseen. Once the new mailbox confirms, the
    old one gets a short notice in the person's language, naming no list and not the
    new address, and the old address is then forgotten."""
    from subscribers.models import AddressChangeNotice

    person = make_subscriber("fatima@example.org", language=language, name="Fatima")
    Subscription.objects.create(
        subscriber=person, mailing_list=lists[0], status="confirmed", source="signup"
    )
    ask(client, mailed_link(person))
    link = change_link()
    # Asking is not changing: the old address hears nothing yet.
    assert not mail.outbox
    assert not AddressChangeNotice.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 200
    (notice,) = mail.outbox
    assert notice.to == ["fatima@example.org"]
    assert notice.extra_headers["Content-Language"] == language
    with translation.override(language):
        subject = gettext("Your e-mail address for our lists was changed")
        said = gettext(
            "The address we send our e-mails to has just been changed: from now on "
            "they go to another address, not to this one."
        )
        unknown = gettext("If this was not you, contact us right away:")
    assert subject != "Your e-mail address for our lists was changed"
    assert notice.subject == subject
    html = notice.alternatives[0][0]
    assert said in notice.body
    assert unknown in notice.body
    assert "311" in notice.body
    assert (
        f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in html
    )
    assert said in html
    everything = notice.subject + notice.body + html
    for secret in (NEW, "fatima.new", "Legal Protection", "Fatima", "/preferences/"):
        assert secret not in everything, secret
    # The old address was kept only to send this.
    assert not AddressChangeNotice.objects.exists()


def test_a_suppressed_old_address_gets_no_notice_and_is_forgotten(
    ask, client, fatima, django_capture_on_commit_callbacks
):
    from subscribers.models import AddressChangeNotice

    ask(client, mailed_link(fatima))
    link = change_link()
    Suppression.objects.create(
        email_hash=crypto.lookup_hash("fatima@example.org"), reason="complaint"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link).status_code == 200
    assert Subscriber.objects.get().email == NEW
    assert not mail.outbox
    assert not AddressChangeNotice.objects.exists()


def test_a_notice_whose_task_was_lost_is_purged(settings):
    from subscribers.models import AddressChangeNotice

    AddressChangeNotice.objects.create(email="old@example.org", language="es")
    with freeze_time(timedelta(hours=settings.SUBSCRIBERS_MAILED_LINK_HOURS + 1)):
        services.purge_unconfirmed()
    assert not AddressChangeNotice.objects.exists()


def test_a_link_mailed_to_the_old_address_and_not_yet_opened_stops_working(
    ask, client, fatima
):
    """A link asked for revokes nothing until it is opened, so it carries the next
    link generation; an address change must revoke it too, or the old mailbox (given
    up, perhaps someone else's now) would keep a link to the moved preferences."""
    footer = footer_link(fatima)
    assert client.post(footer, {"action": "send_link"}).status_code == 200
    (message,) = mail.outbox
    mail.outbox.clear()
    assert message.to == ["fatima@example.org"]
    (pending,) = set(re.findall(r"http://\S+/preferences/[^/\s]+/", message.body))

    ask(client, mailed_link(fatima))
    assert client.post(change_link()).status_code == 200
    assert Subscriber.objects.get().email == NEW
    assert client.get(pending.removeprefix(BASE)).status_code == 410
    assert client.get(footer).status_code == 410
