"""A large audience's count on the mailing and alert screens, grouped the staff
member's way: the operator round's 3,000-person bulletin read "Send now to 3000
people" on its button and 3000 in the audience's Total, where the confirmation
beside it said 3,000 (and the e-mails write counts grouped)."""

import pytest
from django.urls import reverse

from campaigns.mailings.models import Mailing
from campaigns.mailings.services import control
from tests.campaigns.alert_fixtures import alert_site, organizer, rally
from tests.campaigns.bulk_audience import bulk_subscribers
from tests.campaigns.mailing_fixtures import lists
from tests.factories import SuperuserFactory, build_bulletin, speaking

pytestmark = pytest.mark.django_db

PEOPLE = 1200


@pytest.fixture
def crowd(home_page):
    (legal,) = lists(1)
    bulk_subscribers(PEOPLE, [legal])
    return legal


@pytest.mark.parametrize(
    ("language", "button", "total"),
    [
        ("en", "Send now to 1,200 people", "<th>1,200</th>"),
        # Spanish groups with a no-break space, as Django's formats and our e-mails do.
        ("es", "Enviar ahora a 1\xa0200 personas", "<th>1\xa0200</th>"),
    ],
)
def test_the_mailing_screen_groups_its_audience(client, crowd, language, button, total):
    staff = speaking(SuperuserFactory(), language)
    mailing = control.create_mailing(
        user=staff, page=build_bulletin(title="March bulletin"), list_ids=[crowd.pk]
    )
    client.force_login(staff)
    html = client.get(reverse("campaigns_mailings:detail", args=[mailing.pk]))
    text = html.content.decode()
    assert button in text
    assert total in text


def test_the_alert_screen_groups_its_audience(client, crowd, home_page):
    alert_site(home_page)
    olga = organizer("olga", [crowd])
    alert = rally(olga, [crowd.pk])
    assert Mailing.objects.get(pk=alert.pk).status == Mailing.Status.DRAFT
    client.force_login(olga)
    text = client.get(f"/admin/mailings/alerts/{alert.pk}/").content.decode()
    assert "Send the alert to 1,200 people" in text
