"""Plain URLs for an event's busiest requests, past Wagtail's page routing.

In a storm after a rally alert every RSVP, and every reader's "places left", would
otherwise walk the page tree, look the site up and check view restrictions by slug.
These carry the default-locale event's id; the language comes from the URL's prefix.
"""

from django.urls import path

from cms import url_converters  # noqa: F401 - registers <id:...>
from events import views

app_name = "events"
urlpatterns = [
    path("<id:event_id>/rsvp/", views.rsvp_by_id, name="rsvp"),
    path("<id:event_id>/places/", views.places_by_id, name="places"),
]
