"""The attacker-tester's case: petitions counted every signature at once, so 1,000
POSTs from one client (within its per-client limit, sized for a rally) raised a
count from 524 to 1,524 and announced a milestone. New petitions now count a
signature only once its address is verified."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from campaigns.models import Milestone, PetitionPage, Signature
from campaigns.selectors import counter_value
from tests.factories import CampaignFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()


def new_petition(home_page) -> PetitionPage:
    """A petition made as staff make one: nothing said about verification."""
    campaign = CampaignFactory(slug="new", goal=100, milestone_thresholds=[10])
    page = home_page.add_child(
        instance=PetitionPage(
            title="A new petition",
            slug="new-petition",
            campaign=campaign,
            target="The city council",
            statement="Keep the library open.",
        )
    )
    page.save_revision().publish()
    return page


def test_made_up_signatures_to_a_new_petition_count_nothing(client, home_page):
    petition = new_petition(home_page)

    answers = {
        client.post(
            reverse("campaigns:sign", args=[petition.pk]),
            {"name": "Made Up", "email": f"nobody{n}@example.org", "website": ""},
        )["Location"]
        for n in range(12)
    }

    assert answers == {f"{petition.url}?signed=check#signed"}
    assert Signature.objects.filter(status="pending").count() == 12
    assert counter_value(campaign_id=petition.campaign_id) == 0
    assert not Milestone.objects.exists()


def test_the_admin_says_what_turning_verification_off_costs(client, home_page):
    client.force_login(SuperuserFactory())
    add = client.get(
        f"/admin/pages/add/campaigns/petitionpage/{home_page.pk}/"
    ).content.decode()

    assert "anyone can raise the count, and set off milestones" in add
    checkbox = re.search(r'<input[^>]*name="require_verification"[^>]*>', add)
    assert "checked" in checkbox.group(0), "on for a new petition"
