"""Links that travel with forwards (the unsubscribe link in every message's headers, a
bulletin footer's preferences link) must not tell whoever holds them whether the reader
is still here or erased their data: the same answer, in the same language, for both."""

import re
from datetime import timedelta

import pytest
from freezegun import freeze_time

from subscribers import services, tokens
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import MailingListFactory
from tests.security.production import https_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_readers(home_page):
    """One reader still here, one who erased their data: their ids."""
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    here = subscribe("here@example.org", [legal])
    gone = subscribe("gone@example.org", [legal])
    services.erase_subscriber(subscriber_id=gone.pk)
    return here.pk, gone.pk


def _text(response) -> str:
    """The answer's words, without what differs by request (CSRF token, nonce)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    body = re.sub(r'nonce="[^"]*"', "", body)
    return re.sub(r"/subscribers/[a-z-]+/[^/\"]+/", "/subscribers/LINK/", body)


def test_asking_for_links_from_an_unsubscribe_link_never_tells_who_is_gone(
    production, two_readers, queued, settings
):
    here, gone = two_readers
    answers = {}
    for person in (here, gone):
        link = tokens.unsubscribe_url(person).removeprefix(
            settings.WAGTAILADMIN_BASE_URL
        )
        client = https_client()
        answers[person] = [
            client.post(link, {"action": "send_link"}, HTTP_ACCEPT_LANGUAGE="es")
            for _ in range(4)
        ]
    for asked in answers[here] + answers[gone]:
        assert asked.status_code == 200
    # Past the owner's daily allowance (2) the page said "we have already sent this
    # address links today" for a person still here, and never for one who is gone.
    assert [_text(page) for page in answers[here]] == [
        _text(page) for page in answers[gone]
    ]
    assert "already sent" not in answers[here][-1].content.decode()
    # The page hands every request to the worker alike (its timing told them apart
    # too); the worker sends two links to the one still here, none to anyone else.
    from subscribers.tasks import preferences_link_for_id_task

    asked = [args for task, args in queued if task == "preferences_link_for_id_task"]
    assert asked == [(here,)] * 4 + [(gone,)] * 4
    for args in asked:
        preferences_link_for_id_task(*args)
    assert [task for task in queued if task[0] == "send_preferences_link_task"] == [
        ("send_preferences_link_task", (here,)),
        ("send_preferences_link_task", (here,)),
    ]


def test_an_expired_footer_link_answers_alike_for_a_reader_who_is_gone(
    production, two_readers, queued
):
    here, gone = two_readers
    with freeze_time(timedelta(days=-61)):
        old = {person: tokens.make_preferences_token(person) for person in two_readers}
    pages, asked = {}, {}
    for person in (here, gone):
        path = f"/subscribers/preferences/{old[person]}/"
        client = https_client()
        # A browser in another language than the link's (English, no prefix).
        pages[person] = client.get(path, HTTP_ACCEPT_LANGUAGE="pl")
        assert pages[person].status_code == 410
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"',
            pages[person].content.decode(),
        )[1]
        asked[person] = [
            client.post(
                path,
                {"action": "send_link", "csrfmiddlewaretoken": token},
                HTTP_ACCEPT_LANGUAGE="pl",
            )
            for _ in range(3)
        ]
    # The erased reader's page was in the browser's language (Polish), the other's in
    # the link's: the language alone told them apart.
    assert pages[here]["Content-Language"] == pages[gone]["Content-Language"] == "en"
    assert _text(pages[here]) == _text(pages[gone])
    assert [_text(page) for page in asked[here]] == [
        _text(page) for page in asked[gone]
    ]
    assert "already sent" not in asked[here][-1].content.decode()
