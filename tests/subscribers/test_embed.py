"""The embeddable signup form: framed only by allowed origins, in the visitor's language,
with the same answers and the same limits as the signup page itself."""

import re
import time
from unittest import mock

import pytest
from django.core.signing import TimestampSigner
from wagtail.models import PageViewRestriction

from cms.embed import EMBED_TOKEN_MAX_AGE
from subscribers.forms import EmbeddedSignupForm
from subscribers.models import SignupPage, Subscriber, Subscription
from subscribers.services import suppress
from tests.caches import use_private_caches
from tests.factories import MailingListFactory, translate_page
from tests.signups import run_signup_requests

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def private_cache(settings):
    use_private_caches(settings, "embed")


@pytest.fixture
def lists():
    return [
        MailingListFactory(name="Legal Protection/Services", slug="legal"),
        MailingListFactory(name="Community Outreach/Education", slug="outreach"),
    ]


@pytest.fixture
def signup_page(home_page, lists):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    page.save_revision().publish()
    return page


def embed_url(page, prefix: str = "") -> str:
    return f"{prefix}/subscribers/embed/{page.pk}/"


def token_for(client, url: str, **headers) -> str:
    return TOKEN.search(client.get(url, **headers).content.decode()).group(1)


def data(offered, token: str, **overrides) -> dict:
    values = {
        "form_token": token,
        "email": "ana@example.org",
        "name": "Ana",
        "zip_code": "60608",
        "language": "es",
        "lists": [offered[0].pk],
        "website": "",
    }
    values.update(overrides)
    return values


def test_framed_only_by_allowed_origins(client, signup_page, settings):
    settings.SIGNUP_FRAME_ANCESTORS = [
        "https://resurrectionproject.org",
        "https://evil.example; script-src *",
    ]
    response = client.get(embed_url(signup_page))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    # Directives come in no fixed order: the last one has no semicolon.
    directives = [part.strip() for part in policy.split(";")]
    assert "frame-ancestors 'self' https://resurrectionproject.org" in directives
    assert "evil.example" not in policy
    assert "script-src 'self'" in policy, "the site's strict policy, framed"
    assert "X-Frame-Options" not in response
    assert response["Cache-Control"].startswith("max-age=0")
    # The page itself is still not frameable.
    assert client.get(signup_page.url)["X-Frame-Options"] == "DENY"


def test_in_the_visitors_language(client, signup_page):
    translate_page(signup_page, "es", title="Únase a nosotros")
    by_browser = client.get(embed_url(signup_page), HTTP_ACCEPT_LANGUAGE="es")
    html = by_browser.content.decode()
    assert '<html lang="es"' in html
    assert "Únase a nosotros" in html
    assert "Correo electrónico" in html or "correo electrónico" in html
    assert 'action="/es/subscribers/embed/' in html

    by_prefix = client.get(embed_url(signup_page, "/ar"), HTTP_ACCEPT_LANGUAGE="es")
    html = by_prefix.content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "Join us" in html  # no Arabic translation: English content, Arabic chrome


def test_a_restricted_signup_page_is_missing_here_and_stores_nothing(
    client, home_page, signup_page, lists
):
    """The page asks for a password (or a login): the frame shows no form and takes
    no signup, in any language, also with a token from before the restriction."""
    translate_page(signup_page, "es", title="Únase a nosotros")
    token = token_for(client, embed_url(signup_page))
    for page in (signup_page, home_page):  # the page's own, or an ancestor's
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
        )
        for prefix in ("", "/es"):
            assert client.get(embed_url(signup_page, prefix)).status_code == 404
            posted = client.post(embed_url(signup_page, prefix), data(lists, token))
            assert posted.status_code == 404
        restriction.delete()
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 0

    assert client.get(embed_url(signup_page)).status_code == 200
    assert client.post(embed_url(signup_page), data(lists, token)).status_code == 200
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 1


def test_signs_up_without_a_csrf_cookie_like_the_page(
    client, signup_page, lists, django_capture_on_commit_callbacks
):
    token = token_for(client, embed_url(signup_page))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(embed_url(signup_page), data(lists, token))
    assert response.status_code == 200
    assert "Thank you. Please check your e-mail." in response.content.decode()
    assert len(callbacks) == 1  # the kept signup's task, for the worker
    with django_capture_on_commit_callbacks() as callbacks:
        run_signup_requests()  # the worker's part
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.source) == ("pending", "signup")
    assert subscription.signup_page_id == signup_page.pk
    assert subscription.subscriber.language == "es"
    assert len(callbacks) == 1  # the confirmation e-mail, through the worker


def test_same_answer_for_known_suppressed_and_bots(client, signup_page, lists):
    token = token_for(client, embed_url(signup_page))
    suppress(email="gone@example.org", reason="complaint")
    answers = [
        client.post(embed_url(signup_page), data(lists, token)).content,
        client.post(embed_url(signup_page), data(lists, token)).content,
        client.post(
            embed_url(signup_page), data(lists, token, email="gone@example.org")
        ).content,
        client.post(
            embed_url(signup_page),
            data(lists, token, email="bot@example.org", website="http://spam"),
        ).content,
    ]
    assert len(set(answers)) == 1
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 1


def test_bad_token_or_input_writes_nothing(client, signup_page, lists):
    token = token_for(client, embed_url(signup_page))
    for values in (
        data(lists, "forged:token"),
        data(lists, ""),
        data(lists, token, email="not-an-address"),
        data(lists, token, lists=[99999]),
    ):
        response = client.post(embed_url(signup_page), values)
        assert response.status_code == 400
    # A token for another page is worthless here, and so is a petition widget's.
    other = SignupPage(title="Other", slug="other")
    signup_page.get_parent().add_child(instance=other)
    other.save_revision().publish()
    assert (
        client.post(
            embed_url(signup_page), data(lists, token_for(client, embed_url(other)))
        ).status_code
        == 400
    )
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 0


def test_after_an_expired_token_one_more_press_signs_up(client, signup_page, lists):
    """The re-rendered form wrote back the expired token it was sent, so the button
    failed for ever (found by the accessibility audit: WCAG 2.2.1)."""
    seven_hours_ago = time.time() - EMBED_TOKEN_MAX_AGE - 3600
    with mock.patch("time.time", return_value=seven_hours_ago):
        expired = TimestampSigner(salt=EmbeddedSignupForm.embed_salt).sign(
            str(signup_page.pk)
        )

    refused = client.post(embed_url(signup_page), data(lists, expired))

    assert refused.status_code == 400
    assert "so nothing was sent" in refused.content.decode()
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 0
    fresh = TOKEN.search(refused.content.decode()).group(1)
    assert fresh != expired
    again = client.post(embed_url(signup_page), data(lists, fresh))
    assert again.status_code == 200
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 1


def test_shares_the_signup_pages_limits(client, signup_page, lists, rate_limit):
    rate_limit("signup.client", "2/1h")
    token = token_for(client, embed_url(signup_page))
    page_post = client.post(
        signup_page.url,
        {**data(lists, ""), "email": "one@example.org"},
    )
    assert page_post.status_code == 200
    assert (
        client.post(
            embed_url(signup_page), data(lists, token, email="two@example.org")
        ).status_code
        == 200
    )
    limited = client.post(
        embed_url(signup_page), data(lists, token, email="three@example.org")
    )
    assert limited.status_code == 429
    assert client.post(signup_page.url, data(lists, "")).status_code == 429
    run_signup_requests()  # the worker's part
    assert Subscriber.objects.count() == 2


def test_unpublished_or_unknown_pages_are_404(client, signup_page):
    signup_page.unpublish()
    assert client.get(embed_url(signup_page)).status_code == 404
    assert client.get("/subscribers/embed/999999/").status_code == 404
