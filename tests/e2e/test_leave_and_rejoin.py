"""On a phone: leaving every list is set apart from "Save my choices" and asks first,
and the pages after confirming and unsubscribing survive reload and back."""

import pytest

from subscribers import services, tokens
from subscribers.models import Subscriber, Subscription
from tests.factories import MailingListFactory

pytestmark = pytest.mark.django_db(transaction=True)


def on_server(url: str, live_server) -> str:
    from django.conf import settings

    return url.replace(settings.WAGTAILADMIN_BASE_URL, live_server.url)


def reload_method(page) -> str:
    with page.expect_response(lambda response: response.url == page.url) as answer:
        page.reload()
    return answer.value.request.method


def test_leaving_everything_is_apart_and_asks_then_reload_posts_nothing(
    page, live_server, home_page
):
    outreach = MailingListFactory(name="Community Outreach/Education")
    priya = Subscriber.for_email("priya@example.org", language="en")
    priya.save()
    Subscription.objects.create(
        subscriber=priya, mailing_list=outreach, status="confirmed", source="signup"
    )
    page.goto(on_server(tokens.preferences_url(priya.pk), live_server))
    save = page.get_by_role("button", name="Save my choices")
    leave = page.get_by_role("link", name="Unsubscribe from everything")
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]"
    assert save.evaluate(style) != leave.evaluate(style), "not the same kind of button"
    gap = leave.bounding_box()["y"] - (
        save.bounding_box()["y"] + save.bounding_box()["height"]
    )
    assert gap > 48, f"set apart from Save my choices ({gap}px)"

    leave.click()
    page.get_by_role("heading", name="Unsubscribe", exact=True).wait_for()
    assert Subscription.objects.get().status == "confirmed", "it asks first"
    page.get_by_role("button", name="Unsubscribe me").click()
    page.get_by_role("heading", name="You are unsubscribed").wait_for()
    assert page.title().startswith("You are unsubscribed")
    assert Subscription.objects.get().status == "unsubscribed"
    assert reload_method(page) == "GET"
    page.get_by_role("heading", name="You are unsubscribed").wait_for()


def test_reload_and_back_after_confirming_show_the_result(page, live_server, home_page):
    legal = MailingListFactory(name="Legal Protection/Services")
    priya = services.request_signup(
        email="priya@example.org",
        language="en",
        list_ids=[legal.pk],
        source="signup",
        send_confirmation=False,
    )
    link = tokens.confirm_url(
        subscriber_id=priya.pk, list_ids=[legal.pk], page_id=None, language="en"
    )
    page.goto(on_server(link, live_server))
    page.get_by_role("button", name="Yes, subscribe me").click()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert page.title().startswith("You are subscribed")
    assert reload_method(page) == "GET"
    page.get_by_role("heading", name="You are subscribed").wait_for()
    page.go_back()
    page.get_by_role("heading", name="You are subscribed").wait_for()
    assert Subscription.objects.get().status == "confirmed"
