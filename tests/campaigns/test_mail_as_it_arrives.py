"""What subscribers found in the e-mails as they arrived, read from the real messages
(both parts) in the file outbox: the text part says what the HTML part says, in the
reader's language."""

import html as html_lib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import control, sending, starting
from campaigns.models import Milestone
from campaigns.services.counters import record_milestone
from campaigns.tasks import notify_milestone_task
from cms.bidi import LRM, RLM
from cms.mail import outbox
from cms.mail.services import send_test_email
from subscribers.models import MailingList, Subscriber
from tests.campaigns.mailing_fixtures import lists, subscribe
from tests.events.guests import guest_event
from tests.factories import (
    SuperuserFactory,
    build_bulletin,
    build_bulletin_index,
    speaking,
    translate_page,
)

pytestmark = pytest.mark.django_db

READERS = ["en", "es", "zh-hans", "ar"]


def gettext_in(language: str, msgid: str) -> str:
    with translation.override(language):
        return translation.gettext(msgid)


def colon_in(language: str) -> str:
    from cms.languages import label_colon

    with translation.override(language):
        return label_colon()


def received() -> dict[str, tuple[str, str]]:
    """Each reader's (text, html), by the reader's language."""
    parts = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        language = Subscriber.objects.with_email(message["To"]).get().language
        text, html = (p.replace("\r\n", "\n") for p in outbox.body_parts(message))
        parts[language] = (text, html)
    return parts


def send_to_readers(page) -> dict[str, tuple[str, str]]:
    """Send ``page`` as a mailing to one reader per language of READERS."""
    audience = lists(1)
    for language in READERS:
        subscribe(f"reader-{language}@example.org", audience, language=language)
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=page, list_ids=[audience[0].pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    assert starting.start_mailing(mailing_id=mailing.pk) == len(READERS)
    while sending.send_batch(mailing_id=mailing.pk):
        pass
    return received()


def visible_text(html: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def bulletin_with_an_event(home_page):
    event = guest_event()
    return build_bulletin(
        title="Weekly update",
        body=[
            (
                "event_listing",
                {"title": "Events", "events": [event.pk], "kinds": [], "limit": 3},
            )
        ],
    )


def test_the_text_part_names_the_calendars_as_the_html_does(
    bulletin_with_an_event, outbox_dir
):
    """The HTML said "Add to calendar: Google · Outlook.com" in the reader's words;
    the text part said "Google Calendar", in English, in every language."""
    for language, (text, html) in send_to_readers(bulletin_with_an_event).items():
        add = gettext_in(language, "Add to calendar")
        assert f"{add}{colon_in(language)}" in visible_text(html), language
        assert "Google Calendar" not in text, language
        line = next(line for line in text.splitlines() if "Google [" in line)
        assert line.startswith(f"{add}{colon_in(language)}Google ["), (language, line)
        dot = f" ·{RLM} " if language == "ar" else " · "
        assert f"]{dot}Outlook.com [" in line, (language, line)


def test_an_alerts_text_part_names_the_calendars_as_the_html_does(
    home_page, outbox_dir
):
    from cms.models import AlertPage

    alert = AlertPage(
        title="Know your rights tonight", message="<p>Come.</p>", event=guest_event()
    )
    build_bulletin_index(home_page).add_child(instance=alert)
    alert.save_revision().publish()
    staff = SuperuserFactory(email="staff@staff.example.org")
    for language in ("es", "ar"):
        assert send_test_email(user_id=staff.pk, language=language, page_id=alert.pk)
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        # The alert is not translated: "en, <the copy's language>".
        language = message["Content-Language"].split(",")[-1].strip()
        text, html = (p.replace("\r\n", "\n") for p in outbox.body_parts(message))
        add = gettext_in(language, "Add to calendar")
        dot = f" ·{RLM} " if language == "ar" else " · "
        assert f"{add} (Google{dot}Outlook.com)" in visible_text(html), language
        assert "Google Calendar" not in text
        assert re.search(
            rf"^{re.escape(add)} \[\d+\] \(Google \[\d+\]{dot}Outlook\.com \[\d+\]\)$",
            text,
            re.M,
        ), (language, text)


def test_the_text_part_says_why_the_reader_gets_it_as_the_html_does(
    bulletin_with_an_event, outbox_dir
):
    """The HTML footer's "You receive this because you joined one of our lists." was
    missing from the text part. (It now names the reader's list: see
    test_mail_lists_and_brackets.)"""
    msgid = "You receive this because you joined our list: %(lists)s."
    for language, (text, html) in send_to_readers(bulletin_with_an_event).items():
        (name,) = MailingList.objects.values_list("name", flat=True)
        reason = gettext_in(language, msgid) % {"lists": name}
        assert language == "en" or reason != msgid % {"lists": name}, "translated"
        assert reason in visible_text(html), language
        foot = text[text.index("\n-- \n") :]
        unsubscribe = gettext_in(language, "Unsubscribe")
        assert foot.index(reason) < foot.index(unsubscribe), (language, foot)


def test_the_staff_preview_shows_the_text_part_a_reader_reads(
    client, bulletin_with_an_event
):
    """The preview's text part showed "%%UNSUBSCRIBE_URL%%" where a reader reads a
    link."""
    client.force_login(SuperuserFactory())
    url = reverse("cms_email_preview:preview", args=[bulletin_with_an_event.pk])
    for language in ("en", "ar"):
        body = client.get(f"{url}?language={language}").content.decode()
        text = html_lib.unescape(
            re.search(r"<pre[^>]*>(.*?)</pre>", body, re.S).group(1)
        )
        srcdoc = html_lib.unescape(re.search(r'srcdoc="([^"]*)"', body).group(1))
        assert "%%" not in text, language
        assert "%%" not in srcdoc, language
        home = settings.WAGTAILADMIN_BASE_URL + (
            "/" if language == "en" else f"/{language}/"
        )
        unsubscribe = gettext_in(language, "Unsubscribe")
        assert f"{unsubscribe}{colon_in(language)}{home}" in text, language
        assert f'href="{home}"' in srcdoc, language


def test_a_title_half_english_half_arabic_takes_the_arabic_readers_direction(
    home_page, outbox_dir
):
    """An untranslated title starting with English words was marked left to right in
    the Arabic text part although its second half is Arabic."""
    title = "Know your rights: اعرف حقوقك"
    bulletin = build_bulletin(title=title, body=[("paragraph", "<p>Come.</p>")])
    text, _html = send_to_readers(bulletin)["ar"]
    (line,) = [line for line in text.splitlines() if "Know your rights" in line]
    assert line == f"{RLM}{title}{RLM}"
    # A line wholly in English still keeps its own direction.
    (body,) = [line for line in text.splitlines() if "Come." in line]
    assert body == f"{LRM}Come.{LRM}"


@pytest.mark.parametrize(
    ("language", "title"),
    [("es", "No al odio en Chicago"), ("ar", "لا مكان للكراهية في شيكاغو")],
)
def test_a_milestone_names_the_campaign_with_its_translated_petition(
    campaign, petition, outbox_dir, django_user_model, language, title
):
    """The milestone e-mail named the campaign with its English name in every
    language, though its petition is published in the lead's."""

    translate_page(petition, language, title=title)
    campaign.lead_emails = "lead@ona.example.org\nother@ona.example.org"
    campaign.save()
    for address, chosen in (
        ("lead@ona.example.org", language),
        ("other@ona.example.org", "pl"),
    ):
        user = django_user_model.objects.create_user(
            username=address, email=address, password="x"
        )
        speaking(user, chosen)
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10
    )
    notify_milestone_task(milestone.pk)

    by_lead = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        by_lead[message["To"]] = (message["Subject"], *outbox.body_parts(message))
    subject, text, html = by_lead["lead@ona.example.org"]
    assert subject.startswith(f"{title}{colon_in(language)}")
    assert text.splitlines()[0] == title
    assert f">{title}</h1>" in html
    assert campaign.name not in subject + text + html
    # No Polish petition: the campaign's own name.
    subject, text, html = by_lead["other@ona.example.org"]
    assert subject.startswith(f"{campaign.name}{colon_in('pl')}")
    assert text.splitlines()[0] == campaign.name
    assert Milestone.objects.get(pk=milestone.pk).notified_at is not None
