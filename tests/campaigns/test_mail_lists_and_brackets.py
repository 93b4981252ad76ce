"""What a reader found in the mailings as they arrived, read from the real messages
in the file outbox: the calendar links' brackets are the reader's language's, and the
footer names the lists the message came through, and only those."""

import re

import pytest
from django.utils import translation

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import control, sending, starting
from cms.bidi import RLM
from cms.mail import outbox
from cms.mail.services import send_test_email
from subscribers.models import MailingListTranslation, Subscriber
from tests.campaigns.mailing_fixtures import subscribe
from tests.campaigns.test_mail_as_it_arrives import gettext_in, visible_text
from tests.events.guests import guest_event
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    build_bulletin,
    build_bulletin_index,
)

pytestmark = pytest.mark.django_db


def messages_by_language(key=lambda message: message["Content-Language"]):
    found = {}
    for name in outbox.list_messages():
        message = outbox.read_message(name)
        text, html = (p.replace("\r\n", "\n") for p in outbox.body_parts(message))
        found[key(message)] = (text, html)
    return found


@pytest.fixture
def alert(home_page):
    from cms.models import AlertPage

    page = AlertPage(
        title="Know your rights tonight", message="<p>Come.</p>", event=guest_event()
    )
    build_bulletin_index(home_page).add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.mark.parametrize(
    ("language", "opening", "closing"),
    [("zh-hans", "（", "）"), ("ar", " (", ")"), ("pl", " (", ")")],
)
def test_an_alerts_calendar_links_take_the_readers_brackets(
    alert, outbox_dir, language, opening, closing
):
    """The alert's "Add to calendar (Google · Outlook.com)" kept ASCII brackets and
    their space in Chinese, in both parts: the template wrote them, not the language."""
    staff = SuperuserFactory(email="staff@staff.example.org")
    assert send_test_email(user_id=staff.pk, language=language, page_id=alert.pk)
    ((text, html),) = messages_by_language().values()
    add = gettext_in(language, "Add to calendar")
    dot = f" ·{RLM} " if language == "ar" else " · "
    assert f"{add}{opening}Google{dot}Outlook.com{closing}" in visible_text(html)
    line = rf"{re.escape(add)} \[\d+\]{re.escape(opening)}Google \[\d+\]{dot}Outlook\.com \[\d+\]{re.escape(closing)}"
    assert re.search(rf"^{line}$", text, re.M), text
    if language == "zh-hans":
        assert "(" not in visible_text(html).split(add)[1].split("\n")[0]


def test_a_cancelled_events_alert_marks_it_in_the_readers_brackets(alert, outbox_dir):
    """The text part wrote "[已取消]" with ASCII brackets; the event's own summary
    and the HTML say "【已取消】"."""
    event = alert.event.specific
    event.cancelled = True
    event.save_revision().publish()
    staff = SuperuserFactory(email="staff@staff.example.org")
    assert send_test_email(user_id=staff.pk, language="zh-hans", page_id=alert.pk)
    ((text, _html),) = messages_by_language().values()
    cancelled = gettext_in("zh-hans", "[Cancelled] %(title)s") % {"title": ""}
    assert cancelled.startswith("【")
    assert f"\n{cancelled}" in text, text
    assert "[已取消]" not in text


def test_a_news_items_hidden_link_text_takes_the_readers_colon(home_page, outbox_dir):
    """The screen reader's "Read more: <title>" kept an ASCII colon and space in
    Chinese."""
    bulletin = build_bulletin(
        title="Weekly update",
        body=[
            (
                "news_item",
                {
                    "title": "Clinic",
                    "summary": "Free advice.",
                    "link": "https://example.org/clinic",
                },
            )
        ],
    )
    staff = SuperuserFactory(email="staff@staff.example.org")
    assert send_test_email(user_id=staff.pk, language="zh-hans", page_id=bulletin.pk)
    ((_text, html),) = messages_by_language().values()
    assert '<span class="visually-hidden"' in html
    assert re.search(r"visually-hidden[^>]*>：Clinic</span>", html), html


@pytest.fixture
def three_lists():
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    outreach = MailingListFactory(name="Community Outreach/Education", slug="outreach")
    health = MailingListFactory(name="Mental Health/Well-being", slug="health")
    for item, language, name in (
        (legal, "es", "Protección y servicios legales"),
        (outreach, "es", "Alcance comunitario y educación"),
        (legal, "zh-hans", "法律保护与服务"),
        (outreach, "zh-hans", "社区外展与教育"),
        (legal, "ar", "الحماية والخدمات القانونية"),
        (health, "ar", "الصحة النفسية والرفاه"),
    ):
        MailingListTranslation.objects.create(
            mailing_list=item, language=language, name=name
        )
    return legal, outreach, health


def test_the_footer_names_the_readers_lists_of_the_mailing_and_no_other(
    home_page, outbox_dir, three_lists
):
    """The footer said "you joined one of our lists" and named none; it names the
    lists the message came through for this reader, in their language, joined with
    their comma, and never a list of theirs the mailing was not sent to."""
    legal, outreach, health = three_lists
    subscribe("es@example.org", [legal, health], language="es")
    subscribe("zh@example.org", [legal, outreach, health], language="zh-hans")
    subscribe("ar@example.org", [outreach, health], language="ar")
    subscribe("pl@example.org", [legal], language="pl")
    bulletin = build_bulletin(title="Weekly", body=[("paragraph", "<p>News.</p>")])
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=bulletin, list_ids=[legal.pk, outreach.pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    assert starting.start_mailing(mailing_id=mailing.pk) == 4
    while sending.send_batch(mailing_id=mailing.pk):
        pass
    got = messages_by_language(
        key=lambda message: Subscriber.objects.with_email(message["To"]).get().language
    )
    expected = {
        "es": ["Protección y servicios legales"],
        "zh-hans": ["法律保护与服务", "社区外展与教育"],
        # No Arabic name for this list: its own.
        "ar": ["Community Outreach/Education"],
        "pl": ["Legal Protection/Services"],
    }
    for language, names in expected.items():
        text, html = got[language]
        with translation.override(language):
            from cms.languages import join_names

            reason = translation.ngettext(
                "You receive this because you joined our list: %(lists)s.",
                "You receive this because you joined our lists: %(lists)s.",
                len(names),
            ) % {"lists": join_names(names)}
        assert reason != "You receive this because you joined our list: %(lists)s."
        assert reason in visible_text(html), (language, visible_text(html)[-600:])
        # A line of its own, with nothing after its full stop (no mark for a link).
        assert f"\n{reason}\n" in text, (language, text)
        generic = gettext_in(
            language, "You receive this because you joined one of our lists."
        )
        assert generic not in text + html
        # Never another list of the reader's, in any language.
        for other in ("Mental Health/Well-being", "الصحة النفسية والرفاه"):
            assert other not in text + html, language
        assert "%%" not in text + html
    assert "、" in got["zh-hans"][0]
    assert "Protección" not in got["pl"][0]


def test_a_list_name_is_text_in_the_footer_not_markup(home_page, outbox_dir):
    """A list name is staff's words, merged per reader into the HTML: escaped."""
    odd = MailingListFactory(name="Parents & <b>Teachers</b>", slug="odd")
    subscribe("en@example.org", [odd], language="en")
    bulletin = build_bulletin(title="Weekly", body=[("paragraph", "<p>News.</p>")])
    mailing = control.create_mailing(
        user=SuperuserFactory(), page=bulletin, list_ids=[odd.pk]
    )
    Mailing.objects.filter(pk=mailing.pk).update(status=Mailing.Status.STARTING)
    starting.start_mailing(mailing_id=mailing.pk)
    while sending.send_batch(mailing_id=mailing.pk):
        pass
    ((text, html),) = messages_by_language().values()
    assert "Parents &amp; &lt;b&gt;Teachers&lt;/b&gt;" in html
    assert "<b>Teachers</b>" not in html
    assert "our list: Parents & <b>Teachers</b>." in text
