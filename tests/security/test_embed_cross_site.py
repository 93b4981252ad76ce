"""The attacker-tester's case: the partner embeds (petition widget, signup form) took a
POST from any page on the web. A page elsewhere fetched one 6-hour form token and had
its visitors' browsers auto-post the form, each visitor a new client for the per-client
limits. The embed's own form is served from this site, so its browser says so (Origin,
Sec-Fetch-Site); a POST the browser says came from another site is refused (403), and
one without these headers (old browsers, scripts) is taken as before."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Signature
from subscribers.models import SignupPage, Subscription
from tests.factories import CampaignFactory, MailingListFactory, build_petition_page
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
REFUSED = "This form cannot be sent from another site"


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


@pytest.fixture
def petition_embed(home_page):
    petition = build_petition_page(home_page, CampaignFactory(slug="embedded"))
    url = reverse("campaigns:embed", args=[petition.pk])
    fields = {"name": "Ana Ruiz", "zip_code": "60608", "website": ""}
    return url, fields, Signature.objects


@pytest.fixture
def signup_embed(home_page):
    listed = MailingListFactory(name="Legal Protection/Services", slug="legal")
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    url = reverse("subscribers:embed", args=[page.pk])
    fields = {"language": "es", "lists": [listed.pk], "website": ""}
    return url, fields, Subscription.objects


@pytest.fixture(params=["petition_embed", "signup_embed"])
def embed(request):
    return request.getfixturevalue(request.param)


def send(client, embed, email: str, **headers):
    """Fetch the form (its token) and send it as a page would, with ``headers``."""
    url, fields, _stored = embed
    token = TOKEN.search(client.get(url).content.decode()).group(1)
    return client.post(url, {**fields, "email": email, "form_token": token}, **headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        # A sandboxed frame's form (anyone's, then) or a page's data: URL.
        {"HTTP_ORIGIN": "null"},
        # Our host under another scheme is another origin.
        {"HTTP_ORIGIN": "https://testserver"},
    ],
)
def test_a_post_another_site_sent_is_refused_and_stores_nothing(client, embed, headers):
    refused = send(client, embed, "ana@example.org", **headers)

    assert refused.status_code == 403
    assert REFUSED in refused.content.decode()
    assert '<html lang="en"' in refused.content.decode()
    assert refused["Cache-Control"].startswith("max-age=0")
    run_signup_requests()  # the worker's part of a signup, had one been kept
    _url, _fields, stored = embed
    assert stored.count() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {},  # an old browser, a script: nothing known, taken as before
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_ORIGIN": "https://ona.example.org", "HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
    ],
)
def test_a_post_from_the_embeds_own_form_is_taken(client, embed, headers, settings):
    """The frame's form on this host, or at BASE_URL (a proxy's host)."""
    settings.BASE_URL = "https://ona.example.org"

    taken = send(client, embed, "ana@example.org", **headers)

    # The signup embed answers with its page, the petition's with a 303 See Other.
    assert taken.status_code in (200, 303)
    assert REFUSED not in taken.content.decode()
    run_signup_requests()  # the worker's part of a signup
    _url, _fields, stored = embed
    assert stored.count() == 1
