"""A token link without a language prefix answers in the same language whether or not
its person still exists: the stored language told whoever holds a forwarded link
(the footer's, the List-Unsubscribe header's) whether its reader had erased their
data, and which language they read, on a list whose membership alone can reveal an
immigration-related affiliation. Real readers keep their language: every link we
mail carries its reader's prefix."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from subscribers import emails, services, tokens
from subscribers.models import EmailChange, Subscriber
from tests.campaigns.test_verify_languages import page_language
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

BASE = "http://127.0.0.1:8000"


def _lang(response) -> str:
    return page_language(response.content.decode())


def _links(person: Subscriber) -> dict[str, str]:
    change = EmailChange.objects.create(subscriber=person, email="new@example.org")
    mailed = tokens.make_mailed_preferences_token(person.pk, generation=0)
    confirm = tokens.make_confirm_token(
        subscriber_id=person.pk, list_ids=[], page_id=None
    )
    leave = tokens.make_unsubscribe_token(person.pk, 7)
    footer = tokens.make_preferences_token(person.pk)
    move = tokens.make_email_change_token(person.pk, change.pk)
    return {
        "unsubscribe": f"/subscribers/unsubscribe/{leave}/",
        "footer": f"/subscribers/preferences/{footer}/",
        "mailed": f"/subscribers/preferences/{mailed}/",
        "change": f"/subscribers/change-email/{move}/",
        "confirm": f"/subscribers/confirm/{confirm}/",
    }


def _answers(client, links: dict[str, str]) -> dict[str, str]:
    """Each link's language, opened by a Polish browser, and the expired ones."""
    answers = {
        name: _lang(client.get(path, HTTP_ACCEPT_LANGUAGE="pl"))
        for name, path in links.items()
    }
    with freeze_time(timedelta(days=400), tick=True):
        for name in ("footer", "mailed", "change"):
            answers[f"{name} expired"] = _lang(
                client.get(links[name], HTTP_ACCEPT_LANGUAGE="pl")
            )
    return answers


def test_an_unprefixed_link_answers_alike_for_a_person_here_and_gone(client):
    person = make_subscriber("hira@example.org", language="hi")
    links = _links(person)
    while_here = _answers(client, links)
    services.erase_subscriber(subscriber_id=person.pk)
    assert not Subscriber.objects.exists()
    once_gone = _answers(client, links)
    assert while_here == once_gone
    # Without a prefix a link was mailed in English; the switcher's ?language= wins.
    assert set(while_here.values()) == {"en"}
    asked = client.get(f"{links['unsubscribe']}?language=ar")
    assert _lang(asked) == "ar"


def test_the_mailed_links_carry_the_readers_language(client):
    person = make_subscriber("hira@example.org", language="hi")
    emails.send_preferences_link_email(subscriber=person)
    change = EmailChange.objects.create(subscriber=person, email="new@example.org")
    emails.send_email_change_email(change=change)
    emails.send_confirmation_email(
        subscriber=person, list_ids=[], page_id=None, language="hi"
    )
    mailed = [
        re.search(rf"{re.escape(BASE)}(\S+)", message.body)[1]
        for message in mail.outbox
    ]
    mailed += [
        url.removeprefix(BASE)
        for url in (
            tokens.unsubscribe_url(person.pk, mailing_id=3, language="hi"),
            tokens.preferences_url(person.pk, language="hi"),
        )
    ]
    assert len(mailed) == 5
    for path in mailed:
        assert path.startswith("/hi/subscribers/"), path
        assert _lang(client.get(path, HTTP_ACCEPT_LANGUAGE="pl")) == "hi", path
