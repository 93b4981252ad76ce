"""RFC 8058 one-click unsubscribe as mail clients really post it, over real HTTP.

RFC 8058 puts ``List-Unsubscribe=One-Click`` in the body as the mail client's duty
(section 3.2); the sender's duty is a hard-to-forge URL (ours is an HMAC token), and
the body is a fixed public string, so requiring it would stop no forger. It would stop
real clients: Gmail and Yahoo post it form-encoded, the RFC asks for multipart, and
other clients post an empty body (a Thunderbird add-on, thunderbird-list-unsubscribe-
addon issue 8, failing on CiviCRM, which requires it). So any POST with a valid token
unsubscribes, whatever its body; a body the form parsers cannot read among them.
"""

import pytest
import requests
from django.conf import settings
from django.core.cache import cache

from subscribers import tokens
from subscribers.models import Subscription, Suppression
from tests.factories import MailingListFactory, make_subscriber

pytestmark = pytest.mark.django_db(transaction=True)

BODIES = {
    # Gmail and Yahoo, as their sender guidelines show the request.
    "form-encoded": {
        "data": "List-Unsubscribe=One-Click",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    },
    # RFC 8058's SHOULD.
    "multipart": {"files": {"List-Unsubscribe": (None, "One-Click")}},
    # A client that posts nothing.
    "empty": {"data": b""},
    "text/plain": {
        "data": "List-Unsubscribe=One-Click",
        "headers": {"Content-Type": "text/plain"},
    },
    # Multipart in name only: no boundary the parser can cut the body with.
    "multipart without boundary": {
        "data": "List-Unsubscribe=One-Click",
        "headers": {"Content-Type": "multipart/form-data"},
    },
    "multipart with a boundary the body lacks": {
        "data": "List-Unsubscribe=One-Click",
        "headers": {"Content-Type": "multipart/form-data; boundary=xyz"},
    },
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def url_on(live_server, url: str) -> str:
    return live_server.url + url.removeprefix(settings.WAGTAILADMIN_BASE_URL)


@pytest.mark.parametrize("shape", BODIES)
def test_every_clients_one_click_post_unsubscribes(live_server, shape):
    reader = make_subscriber(f"{shape.replace(' ', '-')}@example.org", language="ar")
    Subscription.objects.create(
        subscriber=reader,
        mailing_list=MailingListFactory(),
        status=Subscription.Status.CONFIRMED,
        source=Subscription.Source.STAFF,
    )
    url = tokens.unsubscribe_url(reader.pk, mailing_id=3, language="ar")

    answer = requests.post(
        url_on(live_server, url), allow_redirects=False, timeout=30, **BODIES[shape]
    )

    # RFC 8058 3.1: no redirect; the page itself, in the reader's language.
    assert answer.status_code == 200, (shape, answer.status_code)
    assert 'lang="ar"' in answer.text
    assert 'dir="rtl"' in answer.text
    assert Subscription.objects.get(subscriber=reader).status == "unsubscribed"
    assert Suppression.objects.filter(email_hash=reader.email_hash).exists()


@pytest.mark.parametrize("shape", BODIES)
def test_a_forged_token_unsubscribes_nobody_whatever_the_body(live_server, shape):
    """The answer to a forged link is the broken link's page (in the address's
    language), the same for every body: nothing tells a forger more than a GET."""
    reader = make_subscriber("ana@example.org", language="ar")
    token = tokens.make_unsubscribe_token(reader.pk, 3)
    ids, signature = token.rsplit(".", 1)
    forged = f"{ids}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    url = f"{live_server.url}/ar/subscribers/unsubscribe/{forged}/"

    posted = requests.post(url, allow_redirects=False, timeout=30, **BODIES[shape])
    asked = requests.get(url, allow_redirects=False, timeout=30)

    assert posted.status_code == asked.status_code == 400, shape
    assert 'lang="ar"' in posted.text
    assert not Suppression.objects.exists()
