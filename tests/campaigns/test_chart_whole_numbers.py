"""The report's charts count messages and people: their axes are whole numbers.

Found by the staff tester: three messages sent in one minute were drawn against an
axis of 0, 0.2, 0.4, ... 2.8, 3 "messages per minute", on the per-minute chart and
(as 0.2 people) on the by-language and by-list ones."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.mailings.models import Delivery, Mailing
from campaigns.mailings.services import control
from campaigns.mailings.services.starting import materialise_deliveries
from tests.campaigns.mailing_fixtures import subscribe
from tests.factories import MailingListFactory, SuperuserFactory, build_bulletin

pytestmark = pytest.mark.django_db

NUMBER_LABEL = re.compile(r">(-?\d+(?:[.,]\d+)?)</text>")


@pytest.mark.parametrize("name", ["per-minute", "by-language", "by-list"])
@pytest.mark.parametrize("narrow", [False, True])
def test_three_messages_are_counted_in_whole_numbers(client, home_page, name, narrow):
    legal = MailingListFactory(name="Legal Protection/Services", slug="legal")
    for n in range(3):
        subscribe(f"p{n}@example.org", [legal], language="es")
    user = SuperuserFactory()
    mailing = control.create_mailing(
        user=user, page=build_bulletin(title="March"), list_ids=[legal.pk]
    )
    materialise_deliveries(mailing, ["en", "es"])
    sent = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    Delivery.objects.filter(mailing=mailing).update(status="delivered", sent_at=sent)
    Mailing.objects.filter(pk=mailing.pk).update(
        status=Mailing.Status.SENT, recipients_count=3, started_at=sent
    )
    client.force_login(user)

    url = reverse("campaigns_mailings:chart", args=[mailing.pk, name])
    svg = client.get(url + ("?narrow=1" if narrow else "")).content.decode()

    labels = NUMBER_LABEL.findall(svg)
    assert "3" in labels
    assert [label for label in labels if not label.isdigit()] == []
