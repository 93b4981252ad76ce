"""An update or cancellation in each reader's language: the organizer may give the
message again per language the alert was translated into; readers of a language left
empty get the English words, marked English, after the standard sentence in their own
language where there is one. Sent through the alert screen and the real sending
services to the loopback fake Mailgun, and read back as each reader gets it."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import alerts, sending, starting
from events.guest_mail import build_guest_email
from events.models import EventPage, GuestMessage
from tests.campaigns.alert_fixtures import alert_site, organizer
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.events.guests import rsvp

pytestmark = pytest.mark.django_db

ENGLISH = "Moved to 7 pm, same place."
ARABIC = "انتقلنا إلى الساعة 7 مساءً، في المكان نفسه."
CANCELLED_PL = "To wydarzenie jest odwołane."
CANCELLED_AR = "هذه الفعالية ملغاة."
READERS = {
    "en": "grace@example.org",
    "ar": "omar@example.org",
    "pl": "piotr@example.org",
}


class Surroundings(HTMLParser):
    """The nearest lang and dir around each piece of shown text in an HTML document."""

    VOID = {"br", "img", "meta", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.texts: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def nearest(self, name: str) -> str:
        return next((a[name] for a in reversed(self.stack) if a.get(name)), "")

    def handle_data(self, data):
        # The preheader repeats the message for the inbox list only: never shown.
        hidden = any("preheader" in (a.get("class") or "") for a in self.stack)
        if data.strip() and not hidden:
            self.texts.append((data.strip(), self.nearest("lang"), self.nearest("dir")))


def surroundings(html: str, text: str) -> tuple[str, str]:
    """(lang, dir) of the element that holds ``text`` in ``html``."""
    parser = Surroundings()
    parser.feed(html)
    found = [
        (lang, direction) for data, lang, direction in parser.texts if text in data
    ]
    assert found, f"{text!r} is not in the HTML"
    return found[0]


def send_and_read(mailing_id: int, fake_esp) -> dict:
    """{language: delivered row} of the mailing, sent as the worker sends it."""
    fake_esp.delivered.clear()
    starting.start_mailing(mailing_id=mailing_id)
    while sending.send_batch(mailing_id=mailing_id):
        pass
    by_address = {row.to: row for row in fake_esp.delivered}
    return {language: by_address[address] for language, address in READERS.items()}


@pytest.fixture
def sent_alert(home_page, fake_esp, client):
    """A rally alert in English, Arabic and Polish that went out; the organizer is
    logged in."""
    alert_site(home_page)
    (outreach,) = lists(1)
    for language, address in READERS.items():
        subscribe(address, [outreach], language=language)
    user = organizer("olga", [outreach])
    mailing = alerts.create_rally_alert(
        user=user,
        title="Rally at Federal Plaza",
        what="",
        start=timezone.now() + timedelta(hours=3),
        message="Join us in three hours.",
        list_ids=[outreach.pk],
        translations={
            "ar": {"title": "مسيرة", "message": "انضموا إلينا.", "machine_tool": ""},
            "pl": {"title": "Wiec", "message": "Dołącz do nas.", "machine_tool": ""},
        },
    )
    alerts.send_alert(user=user, mailing_id=mailing.pk)
    send_and_read(mailing.pk, fake_esp)
    client.force_login(user)
    return mailing


def post_action(client, mailing, action: str, data: dict):
    return client.post(
        reverse(f"campaigns_mailings:{action}", args=[mailing.pk]),
        {**data, "confirmed": "1"},
    )


def newest_alert(mailing) -> Mailing:
    return Mailing.objects.exclude(pk=mailing.pk).latest("pk")


def test_the_alert_screen_offers_the_message_in_each_language_of_the_alert(
    client, sent_alert
):
    screen = client.get(
        reverse("campaigns_mailings:alert", args=[sent_alert.pk])
    ).content.decode()
    for form in ("update", "cancel"):
        arabic = re.search(rf'<textarea[^>]*id="{form}-message_ar"[^>]*>', screen)
        assert 'lang="ar"' in arabic.group(0), "Arabic is typed right to left"
        assert 'dir="rtl"' in arabic.group(0)
        polish = re.search(rf'<textarea[^>]*id="{form}-message_pl"[^>]*>', screen)
        assert 'lang="pl"' in polish.group(0)
        assert 'dir="ltr"' in polish.group(0)
    assert "العربية (Arabic)" in screen
    assert "Polski (Polish)" in screen
    assert 'name="message_es"' not in screen, "the alert has no Spanish to update"


def test_an_update_reaches_the_arabic_reader_in_arabic_and_the_polish_in_english(
    client, sent_alert, fake_esp
):
    response = post_action(
        client,
        sent_alert,
        "alert_update",
        {"message": ENGLISH, "message_ar": ARABIC, "message_pl": "  "},
    )
    update = newest_alert(sent_alert)
    assert response.url == reverse("campaigns_mailings:alert", args=[update.pk])

    received = send_and_read(update.pk, fake_esp)
    arabic = received["ar"]
    assert surroundings(arabic.html, ARABIC) == ("ar", "rtl")
    assert ARABIC in arabic.text
    assert ENGLISH not in arabic.html + arabic.text
    polish = received["pl"]
    assert surroundings(polish.html, ENGLISH) == ("en", "ltr")
    assert ENGLISH in polish.text
    assert surroundings(received["en"].html, ENGLISH) == ("en", "ltr")


def test_an_arabic_guest_is_told_in_arabic_too(client, sent_alert, fake_esp):
    event = sent_alert.page.specific.event
    omar = rsvp(event, "Omar", "omar.guest@example.org", "ar")
    piotr = rsvp(event, "Piotr", "piotr.guest@example.org", "pl")

    post_action(
        client, sent_alert, "alert_update", {"message": ENGLISH, "message_ar": ARABIC}
    )

    def told(guest):
        owed = GuestMessage.objects.get(rsvp=guest, notice__isnull=False)
        message = build_guest_email(rsvp=guest, kind=owed.kind, notice=owed.notice)
        ((html, _type),) = message.alternatives
        return message.body, html

    text, html = told(omar)
    assert surroundings(html, ARABIC)[1] == "rtl"
    assert ARABIC in text
    assert ENGLISH not in text
    text, html = told(piotr)
    assert ENGLISH in text
    assert ENGLISH in html


def test_a_cancellation_in_arabic_and_in_english_after_the_polish_sentence(
    client, sent_alert, fake_esp
):
    english = "Called off: stay safe."
    post_action(
        client,
        sent_alert,
        "alert_cancel_event",
        {"message": english, "message_ar": ARABIC, "notify": "on"},
    )
    received = send_and_read(newest_alert(sent_alert).pk, fake_esp)

    arabic = received["ar"]
    assert surroundings(arabic.html, ARABIC) == ("ar", "rtl")
    assert english not in arabic.html + arabic.text
    polish = received["pl"]
    assert surroundings(polish.html, CANCELLED_PL) == ("pl", "ltr")
    assert surroundings(polish.html, english) == ("en", "ltr")
    assert polish.text.index(CANCELLED_PL) < polish.text.index(english)
    assert english in received["en"].text
    assert "This event is cancelled." not in received["en"].text


def test_an_empty_cancellation_form_says_so_in_each_readers_language(
    client, sent_alert, fake_esp
):
    post_action(
        client,
        sent_alert,
        "alert_cancel_event",
        {"message": "", "message_ar": "", "message_pl": "", "notify": "on"},
    )
    received = send_and_read(newest_alert(sent_alert).pk, fake_esp)

    assert surroundings(received["ar"].html, CANCELLED_AR) == ("ar", "rtl")
    assert CANCELLED_AR in received["ar"].text
    assert CANCELLED_PL in received["pl"].text
    assert "This event is cancelled." in received["en"].text
    for language in ("ar", "pl"):
        row = received[language]
        assert "This event is cancelled." not in row.html + row.text, language


def test_an_update_with_only_the_english_message_reads_as_before(
    client, sent_alert, fake_esp
):
    post_action(
        client,
        sent_alert,
        "alert_update",
        {"message": ENGLISH, "message_ar": "", "message_pl": ""},
    )
    received = send_and_read(newest_alert(sent_alert).pk, fake_esp)

    for language in ("ar", "pl", "en"):
        assert surroundings(received[language].html, ENGLISH) == ("en", "ltr")
        assert ENGLISH in received[language].text


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("alert_update", {"message": ENGLISH, "message_ar": "ا" * 601}),
        (
            "alert_cancel_event",
            {"message": "", "message_pl": "x" * 601, "notify": "on"},
        ),
    ],
)
def test_an_over_long_message_in_a_language_is_refused_on_the_screen(
    client, sent_alert, action, data
):
    event = EventPage.objects.get(pk=sent_alert.page.specific.event_id)
    before = (event.ical_sequence, event.cancelled)

    response = post_action(client, sent_alert, action, data)

    assert response.status_code == 302
    screen = client.get(response.url).content.decode()
    assert "at most 600 characters" in screen
    assert Mailing.objects.count() == 1, "nothing sent"
    event.refresh_from_db()
    assert (event.ical_sequence, event.cancelled) == before, "nothing changed"


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("alert_update", {"message": ENGLISH, "message_ar": "", "message_pl": ""}),
        (
            "alert_cancel_event",
            {"message": ENGLISH, "message_ar": "", "message_pl": "", "notify": "on"},
        ),
    ],
)
def test_the_english_fallback_keeps_its_full_stop_in_the_arabic_text_part(
    client, sent_alert, fake_esp, action, data
):
    """An RTL client lays out the whole Arabic text part right to left: the English
    line needs left-to-right marks at both ends, as in guest e-mails."""
    from cms.bidi import LRM

    post_action(client, sent_alert, action, data)
    received = send_and_read(newest_alert(sent_alert).pk, fake_esp)

    lines = received["ar"].text.splitlines()
    assert f"{LRM}{ENGLISH}{LRM}" in lines
    assert ENGLISH in received["pl"].text.splitlines(), "no marks for LTR readers"
    if action == "alert_cancel_event":
        assert CANCELLED_AR in lines, "the reader's own sentence is left alone"
