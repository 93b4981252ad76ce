"""A bulletin's body, cached with the page frame (cms/frame_cache.py).

Its blocks depend only on the published revision, the reader's language and the site,
and on the pages, documents and images they link to, whose changes replace the frame's
stamp. An event-listing block shows other pages' live state (the upcoming events): it is
kept apart, until its first event ends or five minutes pass, whichever comes first
(a publish of an event replaces the stamp too). A preview is never cached.

    {% load page_fragments %}{% stream_body page %}
"""

import time

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cms.blocks import EventListingBlock
from cms.frame_cache import fragment

register = template.Library()

# Event listings show other pages' live state: kept until the first listed event ends
# (then another may take its place), and at most this long.
LISTING_SECONDS = 300


@register.simple_tag(takes_context=True)
def stream_body(context, page):
    request = context.get("request")
    body = page.body
    if request is None or getattr(request, "is_preview", False) or not page.pk:
        rendered = "".join(child.render_as_block(context.flatten()) for child in body)
        return mark_safe(rendered)  # noqa: S308 blocks rendered by their templates

    language = get_language()
    published = page.last_published_at.timestamp() if page.last_published_at else 0
    revision = f"{page.pk}:{page.live_revision_id}:{published}"

    def render_listing(index: int) -> tuple[str, float]:
        child = body[index]
        events = EventListingBlock.resolve_events(child.value)
        html = child.block.render(
            child.value, {**context.flatten(), "_resolved_events": events}
        )
        now = time.time()
        # An event chosen by hand stays listed after it ended; one listed as upcoming
        # leaves the list when it ends.
        ends = [e.end.timestamp() for e in events if e.end and e.end.timestamp() > now]
        return str(html), min([now + LISTING_SECONDS, *ends])

    def listing(index: int) -> str:
        html, _until = fragment(
            request,
            f"listing:{revision}:{index}",
            language,
            lambda: render_listing(index),
            fresh=lambda value: value[1] > time.time(),
        )
        return html

    def render_cacheable() -> list:
        parts: list = []
        for index, raw in enumerate(body.raw_data):
            if raw["type"] == "event_listing":
                parts.append(index)
            else:
                parts.append(str(body[index].render_as_block(context.flatten())))
        return parts

    parts = fragment(request, f"body:{revision}", language, render_cacheable)
    html = [part if isinstance(part, str) else listing(part) for part in parts]
    return mark_safe("".join(html))  # noqa: S308 blocks rendered by their templates
