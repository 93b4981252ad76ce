"""No "Add subscription" screen: found by the desk tester, round 16."""

import pytest
from django.urls import reverse

from subscribers.models import Subscription
from tests.factories import MailingListFactory, staff_member

pytestmark = pytest.mark.django_db


def test_the_subscriptions_screen_offers_no_add_that_cannot_add(client):
    """The Subscriptions screen's "Añadir suscripción" opened a form with one field,
    Status (a row needs its person and list, which only the signup, an import or a
    partner makes); "Crear" answered 500 (NOT NULL constraint failed:
    subscribers_subscription.mailing_list_id)."""
    MailingListFactory()
    client.force_login(staff_member("es"))
    index = client.get(reverse("subscribers_admin:index")).content.decode()
    add = reverse("subscribers_admin:add")
    assert f'href="{add}"' not in index
    assert "Importar CSV" in index, "the way staff add people stays"

    opened = client.get(add)
    assert opened.status_code in {302, 403, 404}
    posted = client.post(add, {"status": "confirmed"})
    assert posted.status_code in {302, 403, 404}
    assert not Subscription.objects.exists()
