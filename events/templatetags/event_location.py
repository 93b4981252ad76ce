"""Where an event is, marked for screen readers: {% event_location event %}.

The venue and address are the source page's words in every translation (English
"City Hall steps" in an Arabic card): each is its own <bdi> marked with that language,
so it is read with an English voice and keeps its order; the comma between the parts
(the reader's, or English's between two English parts on a Chinese page:
events.models.join_in_reader_language) and the "address sent to people who RSVP" note
stay outside those marks.
"""

from django import template
from django.utils.html import format_html

from cms.bidi import html_lang_attrs, isolate_numbers_html
from events.models import join_in_reader_language, part_language

register = template.Library()


@register.simple_tag
def event_location(event, include_hidden=False):
    """The event's location_text as HTML, each part marked with its language."""
    parts = event.location_parts(include_hidden=include_hidden)
    return join_in_reader_language(
        [_part_html(kind, text, event.place_language) for kind, text in parts],
        [part_language(kind, text) for kind, text in parts],
    )


@register.simple_tag
def event_place(event, text):
    """One place part (the venue or the address) in the event's place language."""
    return _part_html("place", text, event.place_language)


def _part_html(kind: str, text: str, place_language: str):
    if kind == "place":
        return format_html(
            "<bdi {}>{}</bdi>",
            html_lang_attrs(place_language),
            isolate_numbers_html(text),
        )
    if kind == "note":
        return format_html("<span {}>{}</span>", html_lang_attrs(), text)
    # The online link: followed from the card or the e-mail, not copied out of it.
    return format_html('<a href="{}" dir="ltr">{}</a>', text, text)
