"""Once someone has left every list, the unsubscribe page asked "Change your lists or
see your data instead?", as if nothing had been done. It now offers the way back (the
signup page), in the reader's language, and still the link to the preferences, where
the reader may download or erase what we hold."""

import pytest
from django.core.cache import cache

from subscribers import tokens
from subscribers.models import SignupPage, Subscription
from tests.factories import MailingListFactory, make_subscriber
from tests.languages import LANGUAGES, said

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def signup_page(home_page):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_after_leaving_the_page_offers_to_sign_up_again_and_the_data(
    client, signup_page, language
):
    ana = make_subscriber("ana@example.org", language=language)
    Subscription.objects.create(
        subscriber=ana,
        mailing_list=MailingListFactory(name="Legal Protection/Services"),
        status="confirmed",
        source="signup",
    )
    path = tokens.unsubscribe_url(ana.pk, mailing_id=7, language=language).removeprefix(
        "http://127.0.0.1:8000"
    )
    offer = said(language, "E-mail me a link to my preferences")
    asking = client.get(path).content.decode()
    assert offer in asking, "before leaving, changing lists instead is offered"

    left = client.post(path, {"List-Unsubscribe": "One-Click", "from_page": "1"})
    assert left.status_code == 303
    done = client.get(left["Location"]).content.decode()
    assert said(language, "You are unsubscribed") in done
    assert said(language, "Change your lists or see your data instead?") not in done
    assert said(language, "Changed your mind, or want to see your data?") in done
    assert offer in done, "the data stays the reader's to see or erase"
    prefix = "" if language == "en" else f"/{language}"
    assert (
        f'<a href="{prefix}{signup_page.url}">{said(language, "Sign up again")}</a>'
        in done
    )
