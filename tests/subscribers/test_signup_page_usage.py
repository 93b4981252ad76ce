"""A signup page's Usage screen and the people who joined through it.

Each subscription made on a signup page keeps the page (Subscription.signup_page, so a
confirmation re-queued after an outage still counts for its campaign), and Wagtail's
reference index counted that as a use of the page: an editor with no grant on the
lists opened the page's "Usage" and read one "(Private subscription)" row per person
who had joined through it, how many people joined a list they may not see. The link
is bookkeeping, not a use of the page, and is kept out of the index; a list's own
Usage (its delete warning for administrators) still names every subscription."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page, ReferenceIndex

from subscribers.models import SignupPage, Subscription
from tests.factories import (
    MailingListFactory,
    SuperuserFactory,
    UserFactory,
    make_subscriber,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def joined(home_page):
    page = home_page.add_child(instance=SignupPage(title="Join us", slug="join"))
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    for n in range(3):
        Subscription.objects.create(
            subscriber=make_subscriber(f"person{n}@example.org"),
            mailing_list=legal,
            status="confirmed",
            source="signup",
            signup_page=page,
        )
    return page, legal


def test_an_editor_learns_nothing_of_who_joined_through_a_signup_page(client, joined):
    page, _legal = joined
    editor = UserFactory(username="editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    answer = client.get(reverse("wagtailadmin_pages:usage", args=[page.pk]))

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "subscription" not in html.lower()
    assert ReferenceIndex.get_grouped_references_to(page).count() == 0


def test_a_lists_delete_warning_still_names_its_subscriptions(client, joined):
    _page, legal = joined
    client.force_login(SuperuserFactory())

    html = client.get(
        reverse("mailing_lists:usage", args=[legal.pk]) + "?describe_on_delete=1"
    ).content.decode()

    assert html.count('<td class="title">') == 3
    assert ReferenceIndex.get_grouped_references_to(legal).count() == 3


def test_the_references_indexed_before_are_forgotten(joined):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    page, legal = joined
    subscription = Subscription.objects.first()
    ReferenceIndex.objects.create(
        content_type=ContentType.objects.get_for_model(Subscription),
        base_content_type=ContentType.objects.get_for_model(Subscription),
        object_id=str(subscription.pk),
        to_content_type=ContentType.objects.get_for_model(Page),
        to_object_id=str(page.pk),
        model_path="signup_page",
        content_path="signup_page",
        content_path_hash=ReferenceIndex._get_content_path_hash("signup_page"),
    )
    assert ReferenceIndex.get_grouped_references_to(page).count() == 1

    import_module(
        "subscribers.migrations.0018_signup_page_out_of_reference_index"
    ).forget_signup_page_references(apps, None)

    assert ReferenceIndex.get_grouped_references_to(page).count() == 0
    assert ReferenceIndex.get_grouped_references_to(legal).count() == 3
