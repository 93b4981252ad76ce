import pytest
from django.db import IntegrityError
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from cms.models import HomePage
from subscribers.models import ListPermission, SignupPage
from tests.factories import MailingListFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def test_staff_can_add_a_signup_page_under_the_home_page(client, home_page):
    campaign_lists = [MailingListFactory(), MailingListFactory()]
    client.force_login(SuperuserFactory(username="editor"))
    url = reverse(
        "wagtailadmin_pages:add", args=["subscribers", "signuppage", home_page.pk]
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Join the legal list",
            "slug": "join-legal",
            "intro": rich_text("<p>Choose your lists.</p>"),
            "mailing_lists": [campaign_lists[0].pk],
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302
    page = SignupPage.objects.get(slug="join-legal")
    assert page.live
    assert list(page.offered_lists()) == [campaign_lists[0]]
    assert SignupPage in HomePage.allowed_subpage_models()


def test_no_lists_chosen_offers_every_list(home_page):
    lists = {MailingListFactory(), MailingListFactory()}
    page = home_page.add_child(instance=SignupPage(title="Join", slug="join"))
    assert set(page.offered_lists()) == lists


def test_list_permission_is_unique_per_group_list_and_permission():
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Outreach")
    mailing_list = MailingListFactory()
    ListPermission.objects.create(
        group=group, mailing_list=mailing_list, permission="send"
    )
    ListPermission.objects.create(
        group=group, mailing_list=mailing_list, permission="view"
    )
    with pytest.raises(IntegrityError):
        ListPermission.objects.create(
            group=group, mailing_list=mailing_list, permission="send"
        )
