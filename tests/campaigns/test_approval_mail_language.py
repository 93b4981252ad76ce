"""The message asking a colleague to approve a held alert is written in the approver's
language, and its envelope said otherwise: the From line named the office in the
worker's language (English) and no Content-Language said the body was Arabic, so a
screen reader read the Arabic with an English voice (found reading every e-mail as it
arrives in the file outbox)."""

import pytest
from django.utils import translation

from campaigns.mailings.services import alerts
from cms.mail import outbox
from cms.mail.sender import from_address
from tests.campaigns.alert_fixtures import alert_site, audience, organizer
from tests.campaigns.test_alerts import rally
from tests.factories import speaking

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_the_approvers_message_comes_from_the_office_in_their_language(
    home_page, outbox_dir, language
):
    alert_site(home_page)
    legal, _outreach = audience()
    legal.two_person_rule = True
    legal.save()
    author = organizer("olga", [legal])
    approver = organizer("amal", [legal])
    approver.email = "amal@staff.example.org"
    approver.save()
    speaking(approver, language)
    mailing = rally(author, [legal.pk])
    alerts.send_alert(user=author, mailing_id=mailing.pk)

    with translation.override("en"):  # the worker's language
        assert alerts.notify_alert_approvers(mailing_id=mailing.pk) == 1

    (name,) = outbox.list_messages()
    message = outbox.read_message(name)
    assert message["Content-Language"] == language
    # Compared word by word: a folded encoded name decodes with a doubled space.
    sender = " ".join(str(message["From"]).split())
    assert sender == from_address(language)
    assert sender != from_address("en")
