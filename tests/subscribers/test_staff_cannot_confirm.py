"""Staff take people off lists; only the person joins or confirms: found by the desk
tester, round 16."""

import pytest
from django.urls import reverse

from subscribers.models import Subscription
from tests.factories import MailingListFactory, make_subscriber, staff_member

pytestmark = pytest.mark.django_db

Status = Subscription.Status


def row(status, consented=False):
    from django.utils import timezone

    return Subscription.objects.create(
        subscriber=make_subscriber(f"{status}@example.org"),
        mailing_list=MailingListFactory(),
        status=status,
        source=Subscription.Source.SIGNUP,
        consented_at=timezone.now() if consented else None,
    )


@pytest.mark.parametrize("status", [Status.PENDING, Status.UNSUBSCRIBED])
def test_the_edit_screen_cannot_confirm_a_row_the_person_did_not(client, status):
    """A pending signup (which anyone can type for someone else) became "confirmada"
    on the row's edit screen with one click, with no consent recorded, and so did a
    row whose person had unsubscribed: both were then mailed, the double opt-in and
    the person's own leaving overruled by staff."""
    subscription = row(status, consented=status == Status.UNSUBSCRIBED)
    client.force_login(staff_member("es"))
    edit = reverse("subscribers_admin:edit", args=[subscription.pk])

    form = client.get(edit).content.decode()
    assert '<option value="confirmed"' not in form
    assert "Solo la persona puede" in form

    answer = client.post(edit, {"status": Status.CONFIRMED})
    assert answer.status_code == 200, "the form again, with its error"
    subscription.refresh_from_db()
    assert subscription.status == status


def test_staff_still_take_someone_off_a_list(client):
    subscription = row(Status.CONFIRMED, consented=True)
    client.force_login(staff_member("en"))
    edit = reverse("subscribers_admin:edit", args=[subscription.pk])
    form = client.get(edit).content.decode()
    assert '<option value="confirmed" selected>' in form
    client.post(edit, {"status": Status.UNSUBSCRIBED})
    subscription.refresh_from_db()
    assert subscription.status == Status.UNSUBSCRIBED
