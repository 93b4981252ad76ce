"""The confirmation and preference-link e-mails isolate numbers as bulletins do: the
postal address's ZIP+4 keeps its order in Arabic, in the HTML and the text part."""

import pytest
from django.core import mail

from cms.bidi import LRI, PDI
from subscribers.emails import send_confirmation_email, send_preferences_link_email
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db

ZIP = "60602-1234"


@pytest.fixture(autouse=True)
def postal_address(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SENDER_POSTAL_ADDRESS = f"121 N LaSalle St, Chicago, IL {ZIP}"


def test_link_emails_isolate_the_postal_address_numbers_in_arabic():
    omar = make_subscriber("omar@example.org", language="ar")
    legal = MailingListFactory()
    send_confirmation_email(
        subscriber=omar, list_ids=[legal.pk], page_id=None, language="ar"
    )
    send_preferences_link_email(subscriber=omar)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        ((html, _type),) = message.alternatives
        assert f'<span dir="ltr" class="nowrap">{ZIP}</span>' in html, message.subject
        assert f"{LRI}{ZIP}{PDI}" in message.body, message.subject


def address_element(html: str) -> str:
    """The opening tag of the element right around the postal address."""
    import re

    (tag,) = re.findall(r"(<[^/][^>]*>)121 N LaSalle St", html)
    return tag


def test_the_postal_address_is_marked_english_in_arabic_mail_and_pages(
    client, home_page
):
    """The address is written in English: on an Arabic page or e-mail it was marked
    lang="ar" (read with an Arabic voice); now its own language, as event venues are."""
    from cms.bidi import LRM
    from cms.email.rendering import render_email
    from tests.factories import build_bulletin

    omar = make_subscriber("omar@example.org", language="ar")
    send_confirmation_email(
        subscriber=omar, list_ids=[MailingListFactory().pk], page_id=None, language="ar"
    )
    send_preferences_link_email(subscriber=omar)
    bulletin = render_email(build_bulletin(title="News"), language="ar")
    page = client.get("/ar/").content.decode()

    htmls = [page, bulletin.html, *(m.alternatives[0][0] for m in mail.outbox)]
    for html in htmls:
        tag = address_element(html)
        assert tag.startswith("<bdi ")
        assert 'lang="en"' in tag
        assert 'dir="ltr"' in tag
    for text in [bulletin.text, *(message.body for message in mail.outbox)]:
        assert f"{LRM}121 N LaSalle St, Chicago, IL {LRI}{ZIP}{PDI}{LRM}" in text
