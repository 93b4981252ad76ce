"""The storm's floor: an RSVP view doing only what any RSVP handler must, behind the
project's own stack, for ``bench/bench_pages.py --storm --floor``.

Served like the project (``gunicorn bench.storm_floor``, project settings): every GET
takes the site as it is (page cache and all), and the rally's RSVP URL takes the
project's WSGI application, its lean middleware chain (cms/lean_posts.py) and the
site's URLconf, but answers with ``rsvp_floor``: the CSRF check, one rate-limit round
trip to Redis, the address hashed, address and name encrypted, the RSVP inserted once
per address and counted in one prepared statement (the floor's ``sign``,
bench/floor_views.py), the shared copy of the places count written in one Redis call,
and a redirect. What it leaves out, the real view must pay for: the form's cleaning,
the event's lookup and capacity, the waitlist, the owed confirmation e-mail and the
sender's wake-up, the refill's decision between racing RSVPs.

Against the real view in the same harness it says how much of the gap to the GET-only
rate is the platform's own, and how much any RSVP costs on this machine.
"""

from django.conf import settings
from django.core.cache import caches
from django.urls import path

from bench.floor_views import sign
from cms.wsgi import application  # noqa: F401 (sets Django up, project settings)
from events.views import rsvp_by_id

WINDOW_SECONDS = 600
FRAGMENT = '<div class="rsvp-state" data-places="{value}">{value} places left</div>'


def rsvp_floor(request, event_id: int):
    if request.method != "POST":  # the form itself (and its CSRF cookie) as the site's
        return rsvp_by_id(request, event_id)
    store = caches["ratelimit"]
    key = store.make_key(f"storm-floor:{request.META['REMOTE_ADDR']}")
    client = store._cache.get_client(key, write=True)
    pipe = client.pipeline(transaction=False)
    pipe.incr(key)
    pipe.expire(key, WINDOW_SECONDS)
    pipe.execute()
    response = sign(request)
    pages = caches["pages"]
    places_key = pages.make_key(f"storm-floor-places:{event_id}")
    pages._cache.get_client(places_key, write=True).set(
        places_key, FRAGMENT.format(value=event_id).encode(), ex=300
    )
    return response


def _urlpatterns() -> list:
    from cms.urls import urlpatterns as site

    # Ahead of the site's own RSVP URL (the rally's language has no prefix).
    return [path("_events/<int:event_id>/rsvp/", rsvp_floor), *site]


urlpatterns = _urlpatterns()
# Read by Django's handlers on every request: the site's URLs, the floor's RSVP view.
settings.ROOT_URLCONF = __name__
