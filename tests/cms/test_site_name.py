"""The office's name (SITE_NAME) is the same in the web header, the feeds and every
e-mail: in the reader's language when the catalogues hold it, as written otherwise."""

import pytest
from django.core import mail
from django.utils import translation

from events.services import record_rsvp, send_rsvp_confirmation
from subscribers.emails import send_confirmation_email
from tests.factories import (
    MailingListFactory,
    build_event,
    make_subscriber,
    translate_page,
)
from tests.languages import LANGUAGES

pytestmark = pytest.mark.django_db

ANOTHER_OFFICE = "Mayor's Office of Immigrant Affairs"


def office_in(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Office of New Americans")


def mails_and_header(client, home_page, language: str) -> tuple[str, str, str]:
    """The signup confirmation's text, the RSVP confirmation's text and the home
    page's HTML, all in ``language``."""
    mail.outbox.clear()
    listing = MailingListFactory()
    subscriber = make_subscriber(f"reader-{language}@example.net", language=language)
    send_confirmation_email(
        subscriber=subscriber, list_ids=[listing.pk], page_id=None, language=language
    )
    event = build_event(rsvp_mode="internal", slug=f"session-{language}")
    rsvp = record_rsvp(
        event_id=event.pk,
        name="Ana Ruiz",
        email=f"guest-{language}@example.net",
        language=language,
    )
    send_rsvp_confirmation(rsvp_id=rsvp.pk)
    signup, guest = (message.body for message in mail.outbox)
    prefix = "" if language == "en" else f"/{language}"
    return signup, guest, client.get(f"{prefix}/").content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_office_is_named_in_the_readers_language_everywhere(
    client, home_page, language
):
    office = office_in(language)
    if language != "en":
        assert office != "Office of New Americans", "every catalogue holds the name"
    signup, guest, home = mails_and_header(client, home_page, language)
    assert office in signup
    assert office in guest
    assert (
        f'class="site-name" href="/{"" if language == "en" else language + "/"}">{office}</a>'
        in home
    )
    if language != "en":
        # An untranslated home page's <title> is English throughout, marked so (a
        # screen reader reads it with an English voice); a translated one is the
        # reader's, the office's name with it.
        assert ' lang="en" dir="ltr">' in home.split("</title>")[0]
        translate_page(home_page, language, title=f"Home ({language})")
        home = client.get(f"/{language}/").content.decode()
    assert f" · {office}</title>" in home


def test_another_offices_name_is_kept_as_written_everywhere(
    client, home_page, settings
):
    settings.WAGTAIL_SITE_NAME = ANOTHER_OFFICE
    signup, guest, home = mails_and_header(client, home_page, "es")
    written = "Mayor&#x27;s Office of Immigrant Affairs"
    assert ANOTHER_OFFICE in signup
    assert ANOTHER_OFFICE in guest
    assert f">{written}</a>" in home
    assert office_in("es") not in home.split("<footer", 1)[0]
