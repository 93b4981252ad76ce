"""The slug of a bulletin started from the last one ("march-news-2026-03"): made when
the draft is started, made again from the title and date the editor gives it until
it is first published."""

import re
from datetime import date

from django.utils.text import slugify


def slug_base(title: str, day: date) -> str:
    return f"{slugify(title)[:60] or 'bulletin'}-{day:%Y-%m}"


def free_slug(parent, base: str, *, exclude_pk: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no other child of ``parent`` has."""
    taken = set(
        parent.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def is_made_from(slug: str, title: str, day: date) -> bool:
    """Whether ``slug`` is the one ``slug_base``/``free_slug`` made of this title and
    date (the editor has not typed their own)."""
    return re.fullmatch(rf"{re.escape(slug_base(title, day))}(-\d+)?", slug) is not None
