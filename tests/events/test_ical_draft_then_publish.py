"""An event saved as a draft on one day and published on the next went out in its .ics
with LAST-MODIFIED (the draft's save) earlier than CREATED (the first publication):
calendars may take it for a stale copy. LAST-MODIFIED is never before CREATED now."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time
from icalendar import Calendar

from events.models import EventPage
from tests.factories import build_event_index

pytestmark = pytest.mark.django_db


def test_an_event_drafted_before_it_was_published_is_not_modified_before_created(
    client, home_page
):
    index = build_event_index()
    start = timezone.now() + timedelta(days=7)
    drafted, published = timezone.now() - timedelta(days=2), timezone.now()
    with freeze_time(drafted):
        event = EventPage(
            title="Know your rights", start=start, end=start + timedelta(hours=2)
        )
        event.live = False
        index.add_child(instance=event)
        event.save_revision()
    with freeze_time(published):
        EventPage.objects.get(pk=event.pk).save_revision().publish()
    event.refresh_from_db()
    assert event.ical_changed_at < event.first_published_at, "the case staff met"

    for url in (event.url + "ical/", index.url + "feed/"):
        response = client.get(url)
        assert response.status_code == 200
        (component,) = Calendar.from_ical(response.content).walk("VEVENT")
        created = component.decoded("CREATED")
        assert created == event.first_published_at.replace(microsecond=0)
        assert component.decoded("LAST-MODIFIED") >= created, url
