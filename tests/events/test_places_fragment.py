"""The places fragment is rendered once per shape and the count filled in
(events.places): it must say exactly what the template's own
{% blocktranslate count %} said, in every language, for every count and state."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from cms.languages import LANGUAGE_CODES
from events.places import places_html
from tests.factories import build_event

pytestmark = pytest.mark.django_db

# The template as it was, with the count's sentence rendered by the template itself:
# the reference.
COUNT_IN_TEMPLATE = (
    "{% blocktranslate count places=places_left %}{{ places }} place left"
    "{% plural %}{{ places }} places left{% endblocktranslate %}"
)
TEMPLATE_SOURCE = (
    Path(settings.BASE_DIR) / "templates" / "events" / "includes" / "places.html"
).read_text()
REFERENCE = Template(TEMPLATE_SOURCE.replace("{{ places_text }}", COUNT_IN_TEMPLATE))

# Polish and Arabic have several plural forms; 1000 tests the number's formatting.
COUNTS = [None, 0, 1, 2, 3, 5, 11, 12, 21, 22, 25, 101, 102, 1000]


def test_every_language_count_and_state_says_what_the_template_said():
    assert "{{ places_text }}" in TEMPLATE_SOURCE, "the reference replaces it"
    first = build_event(title="Know Your Rights session", rsvp_mode="internal")
    other = build_event(
        title="Lobby day", slug="lobby-day", rsvp_mode="internal", waitlist=False
    )
    closed = build_event(
        title="Past training",
        slug="past-training",
        rsvp_mode="internal",
        start=timezone.now() - timedelta(hours=1),
    )
    compared = set()
    # Twice over: the second pass is answered from the shapes the first one kept.
    for _round in range(2):
        for code in LANGUAGE_CODES:
            with translation.override(code):
                for event in (first, other, closed):
                    for count in COUNTS:
                        context = {"page": event, "canonical": event}
                        expected = REFERENCE.render(
                            Context({**context, "places_left": count})
                        )
                        assert places_html(event, event, count) == expected, (
                            code,
                            event.slug,
                            count,
                        )
                        compared.add(expected)
    # The comparison saw every state: each language's plurals, full with and without a
    # waitlist, closed.
    assert len(compared) > len(LANGUAGE_CODES) * len(COUNTS)
    with translation.override("pl"):
        assert "5 miejsc" in places_html(first, first, 5)
        assert "Zapisz się na listę rezerwową" in places_html(first, first, 0)
