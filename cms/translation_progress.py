"""How much of a page's synced translations wagtail-localize left in the source language.

wagtail-localize publishes a translation with passages nobody has translated yet (after a
"Sync translated pages" every changed passage is one): those passages go out in the
source language, on the web and in the e-mail. The mailing and e-mail preview screens
ask here so that such a language is never reported as simply "translated".
"""

from django.db.models import Count, F

# The Promote tab's fields: wagtail-localize offers them as passages, translators rarely
# open that tab, and no reader meets them in the page's text or its e-mail (the slug
# above all: a translation keeps the English one). Counted, every translation came out
# "1 passage still in English".
NOT_READ = ("slug", "seo_title", "search_description")


def untranslated_passages(page) -> dict[str, int]:
    """{language code: passages with no translation} of the page's synced translations
    that still have some; three queries however long the page is."""
    from wagtail_localize.models import StringSegment, Translation

    # Only synced translations: one converted to a plain page is edited as a whole.
    translations = list(
        Translation.objects.filter(
            source__object_id=page.translation_key, enabled=True
        ).values_list("source_id", "target_locale_id", "target_locale__language_code")
    )
    if not translations:
        return {}
    source_ids = {source_id for source_id, _locale, _code in translations}
    locale_ids = {locale_id for _source, locale_id, _code in translations}
    segments = (
        StringSegment.objects.filter(source_id__in=source_ids)
        .exclude(context__path__in=NOT_READ)
        .order_by()
    )
    totals = dict(
        segments.values("source_id")
        .annotate(n=Count("pk"))
        .values_list("source_id", "n")
    )
    # Within one filter() the three conditions hold for the same translation row, as
    # wagtail-localize's own Translation.get_progress() counts them.
    done = {
        (row["source_id"], row["string__translations__locale_id"]): row["n"]
        for row in segments.filter(
            string__translations__locale_id__in=locale_ids,
            string__translations__context_id=F("context_id"),
            string__translations__has_error=False,
        )
        .values("source_id", "string__translations__locale_id")
        .annotate(n=Count("pk", distinct=True))
    }
    missing = {}
    for source_id, locale_id, code in translations:
        left = totals.get(source_id, 0) - done.get((source_id, locale_id), 0)
        if left > 0:
            missing[code] = left
    return missing


def changed_passages(translation) -> list[tuple[str, str, str]]:
    """(English now, English as it was translated, that translation) for each passage of
    a synced translation that has no translation because its English changed.

    wagtail-localize keys a translation to the exact source text, so after a "Sync
    translated pages" a changed passage is a new string with none; the earlier
    translation stays in its tables, under the same place in the page (its context),
    and is what this finds. Nothing here counts as a translation of the new text."""
    from wagtail_localize.models import StringSegment, StringTranslation

    untranslated = [
        segment
        for segment in StringSegment.objects.filter(source_id=translation.source_id)
        .exclude(context__path__in=NOT_READ)
        .annotate_translation(translation.target_locale_id)
        .select_related("string")
        .order_by("order")
        if segment.translation is None
    ]
    earlier = {}
    for previous in (
        StringTranslation.objects.filter(
            locale_id=translation.target_locale_id,
            context_id__in=[segment.context_id for segment in untranslated],
            has_error=False,
        )
        .select_related("translation_of")
        .order_by("updated_at", "pk")
    ):
        earlier[previous.context_id] = previous  # the latest wins
    return [
        (segment.string.data, previous.translation_of.data, previous.data)
        for segment in untranslated
        if (previous := earlier.get(segment.context_id))
        and previous.translation_of_id != segment.string_id
    ]
