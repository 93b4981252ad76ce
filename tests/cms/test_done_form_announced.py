"""A public form that worked says so to a screen reader: the page's title starts with
a short status in the reader's language ("Check your e-mail: Join us · ...").

A screen reader reads the title of a page it has just loaded, not the role="status"
message in it, so after signing up, RSVPing, signing a petition or saving one's
preferences the page sounded exactly like the form before it (the e-mail was sent,
and a blind reader had no sign of it). The failed form's "Error:" is the other half
(test_failed_form_announced.py)."""

import pytest
from django.core.cache import cache

from subscribers import tokens
from subscribers.models import SignupPage, Subscriber
from tests.cms.test_failed_form_announced import (
    in_language,
    in_readers_words,
    parsed,
)
from tests.factories import (
    CampaignFactory,
    MailingListFactory,
    build_event,
    build_petition_page,
    make_subscriber,
)

pytestmark = pytest.mark.django_db

CHECK = {"en": "Check your e-mail: ", "ar": "تحقق من بريدك الإلكتروني: "}
SAVED = {"en": "Saved: ", "ar": "تم الحفظ: "}
SIGNED = {"en": "Signed: ", "ar": "تم التوقيع: "}
PERSON = {"name": "Ana Lopez", "website": "", "zip_code": ""}


@pytest.fixture
def forms(home_page):
    cache.clear()  # rate limits
    listing = MailingListFactory(name="Legal Protection/Services", slug="legal")
    signup = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    signup.save_revision().publish()
    event = build_event(rsvp_mode="internal")
    petition = build_petition_page(home_page, CampaignFactory())
    subscriber = make_subscriber("ana@example.org", language="ar")
    preferences = tokens.mailed_preferences_url(
        subscriber.pk, generation=0
    ).removeprefix("http://127.0.0.1:8000")
    return {
        # name: (url, good data, the status the title starts with)
        "signup": (
            signup.url,
            {**PERSON, "email": "new@example.org", "lists": [listing.pk]},
            CHECK,
        ),
        "rsvp": (
            f"/_events/{event.pk}/rsvp/",
            {**PERSON, "email": "r@example.org"},
            CHECK,
        ),
        # Counted at once: the petition asks for no e-mail verification.
        "petition": (petition.url, {**PERSON, "email": "p@example.org"}, SIGNED),
        "preferences": (
            preferences,
            {"action": "save", "lists": [listing.pk]},
            SAVED,
        ),
    }


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("form", ["signup", "rsvp", "petition", "preferences"])
def test_a_form_that_worked_says_so_first_in_the_title(client, forms, form, language):
    url, data, status = forms[form]
    url = in_language(url, language)
    # The language the reader chose keeps the page in it (the signup's and the
    # preferences' e-mail language, the petition's e-mail language).
    data = {**data, "language": language, "list_language": language}
    Subscriber.objects.update(language=language)  # the preferences page's language
    shown = parsed(client.get(url))
    assert not shown.title.startswith(status[language])

    response = client.post(url, data, follow=True)

    assert response.status_code == 200
    done = parsed(response)
    assert done.title.startswith(status[language]), done.title
    assert done.title.removeprefix(status[language]) == in_readers_words(
        shown.title, language
    )
    assert not done.focused  # nothing failed: no field takes focus


def test_the_form_page_itself_has_no_status(client, forms):
    url, _data, status = forms["signup"]

    for _ in range(2):
        assert not parsed(client.get(url)).title.startswith(status["en"])
