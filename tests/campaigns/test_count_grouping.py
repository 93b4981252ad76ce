"""Counts in the campaign leads' milestone e-mail (and so on the petition page and the
report, which write them the same way: cms.formats), grouped as each language's readers
group them (found reading the milestone e-mail as it arrived, in the six languages)."""

import re

import pytest

from campaigns.models import Counter
from campaigns.services.counters import record_milestone
from campaigns.tasks import notify_milestone_task
from cms.mail import outbox
from tests.campaigns.test_milestone_mail_reads import lead_reading, the_message

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "threshold", "count"),
    [
        ("en", "10,000", "123,456"),
        ("es", "10\xa0000", "123\xa0456"),
        ("pl", "10\xa0000", "123\xa0456"),
        # Hindi groups lakhs and crores: 1,23,456 as Indian readers write it.
        ("hi", "10,000", "1,23,456"),
        ("zh-hans", "10,000", "123,456"),
        ("ar", "10,000", "123,456"),
    ],
)
def test_large_counts_are_grouped_in_every_language(
    campaign, outbox_dir, django_user_model, language, threshold, count
):
    """Hindi, Chinese and Arabic leads read "10000 signatures reached" and "123456":
    Django's formats for these languages group nothing (no NUMBER_GROUPING for hi and
    ar; zh-hans groups by four with an empty separator), where readers of each write
    10,000 with the digits the platform writes everywhere else."""
    lead_reading(campaign, django_user_model, language)
    campaign.milestone_thresholds = [10000]
    campaign.save()
    Counter.objects.update_or_create(
        campaign=campaign, kind="signatures", defaults={"value": 123456}
    )
    milestone = record_milestone(
        campaign_id=campaign.pk, kind="signatures", threshold=10000
    )
    notify_milestone_task(milestone.pk)

    message = the_message()
    assert threshold in message["Subject"]
    text, html = outbox.body_parts(message)
    assert threshold in html
    assert html.count(count) == 1
    assert re.search(rf"\D{re.escape(count)}\D", text.replace("\u2066", " "))
