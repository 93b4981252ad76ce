"""The "places left" fragment (templates/events/includes/places.html), as the page's
script fetches it and every RSVP re-renders it.

At a rally the fragment is rendered once per RSVP, each time with a new count and
otherwise the same. So the template is rendered once per shape (language, event,
open, waitlist, full) with a mark where the count's sentence goes, and each count only
fills the mark in: the template engine's work (its two URL reversals above all) is
paid once per shape, not once per RSVP.
"""

from threading import Lock

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import localize
from django.utils.translation import ngettext

TEMPLATE = "events/includes/places.html"
# Where the count's sentence goes: a NUL, which no text the template shows can hold.
MARK = "\x00"
MAX_SHAPES = 1024

_shapes: dict[tuple, str] = {}
_shapes_lock = Lock()


def places_html(page, canonical, places_left: int | None) -> str:
    """The fragment for ``page`` (the event, or its translation: they share these
    facts) in the active language; ``canonical`` is the default-locale event."""
    rsvp_open = page.rsvp_open()
    key = (
        translation.get_language(),
        canonical.pk,
        rsvp_open,
        page.waitlist,
        places_left is None,
        places_left == 0,
    )
    shape = _shapes.get(key)
    if shape is None:
        shape = render_to_string(
            TEMPLATE,
            {
                "page": page,
                "canonical": canonical,
                "places_left": places_left,
                "places_text": MARK,
            },
        )
        with _shapes_lock:
            if len(_shapes) >= MAX_SHAPES:
                _shapes.clear()
            _shapes[key] = shape
    if MARK not in shape:
        return shape
    return shape.replace(MARK, places_sentence(places_left))


def places_sentence(places_left: int) -> str:
    """What {% blocktranslate count %} says for the count (the same catalogue entry)."""
    return ngettext("%(places)s place left", "%(places)s places left", places_left) % {
        "places": localize(places_left)
    }
