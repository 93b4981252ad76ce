"""Template tools for the reader's language and direction (web pages and e-mails).

{{ resource.phone|ltr }}             a value that always reads left to right
{{ page.message|richtext|bidi }}     numbers in free text keep their order
<a href="{{ phone|tel_href }}">      tel: link in E.164
<span {% lang_attrs %}>              lang and dir of the reader's language
{% in_default_language address %}   text written in the default language (the office's
                                     postal address), marked as such on any page
<p dir="{{ message|own_direction }}">   words in an unknown language: their first letter's
{{ message|line_directions }}        the same in a text part (marks on each line)
{% localized_url page %}             the page's link that keeps the reader's prefix
<p{% passage_attrs value.summary %}>  a block's passage left in English on an Arabic/Hindi/
                                     Chinese page: its own lang and dir
{% words_on_page text code %}      staff's words, marked English when they are only
                                     in English's script on an Arabic/Hindi/Chinese page
{{ code|language_name }}             "العربية (Arabic)" for staff
{% site_name %}                       the office's name in the reader's language
{{ count|grouped }}                  "1,234" / "1.234": a count as the e-mails and the
                                     admin report write it
"""

from django import template
from django.utils.html import format_html

from cms import bidi, form_errors, languages
from cms.templatetags.admin_tags import grouped

register = template.Library()
# Readers' pages write counts as the leads' e-mails and the campaign report do: a
# petition read "1000 signatures" and "Goal: 2500" where the report said 1,000.
register.filter("grouped", grouped)


@register.simple_tag
def site_name() -> str:
    return languages.site_name()


@register.filter
def ltr(value):
    return bidi.ltr_html(value) if value not in (None, "") else ""


@register.filter
def phone(value):
    return bidi.phone_html(value) if value not in (None, "") else ""


@register.filter(name="bidi")
def isolate_numbers(value):
    return bidi.isolate_numbers_html(value) if value not in (None, "") else ""


@register.simple_tag
def passage_attrs(text):
    """`` lang="en" dir="ltr"`` for a block's passage (plain text or rich text HTML)
    written only in the default language's script on a page or e-mail in a language
    written in another (a passage a translation left untranslated: wagtail-localize
    publishes it in English); nothing otherwise. Inside an Arabic page the English
    sentence read right to left: its full stop and a button's trailing number jumped
    to the wrong end (".continues", "(202) 224-3121 Call")."""
    from django.utils.html import strip_tags

    if text in (None, ""):
        return ""
    words = strip_tags(str(getattr(text, "source", text)))
    reader = languages.reader_language()
    written = bidi.written_language(words, reader)
    if written == reader:
        return ""
    return format_html(" {}", bidi.html_lang_attrs(written))


@register.simple_tag
def words_on_page(text, language):
    """Staff's words on a page in ``language`` (numbers isolated), marked with the
    default language in a <bdi> when they are written in its script only and the
    page's language is not (cms.bidi.written_language)."""
    if text in (None, ""):
        return ""
    written = bidi.written_language(text, language)
    if written == language:
        return bidi.isolate_numbers_html(text)
    return format_html(
        "<bdi {}>{}</bdi>",
        bidi.html_lang_attrs(written),
        bidi.isolate_numbers_html(text),
    )


@register.filter
def tel_href(value):
    return bidi.tel_href(str(value or ""))


@register.filter
def text_direction(language):
    return bidi.direction(str(language))


@register.filter
def own_direction(text):
    """The direction of the text's first letter, else the reader's: ``dir="auto"``
    worked out here, since not every mail engine knows "auto"."""
    return bidi.direction_of_text(text or "") or bidi.direction()


@register.filter
def line_directions(text):
    return bidi.mark_line_directions(str(text or ""))


@register.simple_tag
def sentence_gap():
    return languages.sentence_gap()


@register.simple_tag
def label_colon():
    return languages.label_colon()


@register.simple_tag
def aside_brackets():
    """(between, after): the language's brackets around an aside after a label."""
    return languages.aside_brackets()


@register.simple_tag
def colon():
    """The language's colon alone, for a label that ends its line or its element."""
    return languages.label_colon().rstrip(" ")


@register.simple_tag
def lang_attrs(language=None):
    return bidi.html_lang_attrs(language)


@register.simple_tag(takes_context=True)
def title_language(context) -> str:
    """The language of the page's <title>: the reader's, except on a Wagtail page
    served as itself (``self``, from its get_context) without a translation in the
    reader's language, whose title is the English page's: that <title> is English
    (the office's name too), and marked so. Views that name a page in a title of
    their own ("RSVP: ...") keep the reader's. A failed form's "Error:" and a done
    form's status ("Signed:") are the reader's words, so such a <title> is the
    reader's, unmarked (templates/base.html), and names the office in the reader's
    language as the header above the page does: it said "Office of New Americans"
    inside an Arabic <title>."""
    page = context.get("page")
    reader = languages.reader_language()
    locale = getattr(page, "locale", None)
    if page is None or context.get("self") is not page or locale is None:
        return reader
    if context.get("title_status") or form_errors.failed_form(context):
        return reader
    return locale.language_code


@register.simple_tag
def in_default_language(text):
    """Text staff write once, in the default language (the postal address in every
    footer): isolated and marked with that language, so an Arabic page neither reads
    it with an Arabic voice nor reorders its numbers."""
    from django.conf import settings
    from django.utils.html import format_html

    if text in (None, ""):
        return ""
    return format_html(
        "<bdi {}>{}</bdi>",
        bidi.html_lang_attrs(settings.LANGUAGE_CODE),
        bidi.isolate_numbers_html(text),
    )


@register.simple_tag
def localized_url(page, language=None):
    if page is None:
        return ""
    return languages.localized_url(page, language)


@register.filter
def language_name(code):
    return languages.language_label(str(code))


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context, label=""):
    """Every language, each pointing at this page as its readers get it; on a view that
    is not a page (search...), this URL under each language's prefix."""
    page = context.get("page")
    if page is None or not getattr(page, "pk", None) or not hasattr(page, "locale_id"):
        from cms.templatetags.site_tags import other_languages

        return {"languages": other_languages(context), "label": label}
    # Drawn twice (header and footer): worked out once per request.
    request = context.get("request")
    memo = getattr(request, "_language_switcher", {}) if request is not None else {}
    key = (page.pk, languages.reader_language())
    if key not in memo:
        memo[key] = languages.switch_language_urls(page, key[1])
        if request is not None:
            request._language_switcher = memo
    links = memo[key]
    # A form at one of the page's sub-routes (an event's RSVP form, a guest's cancel
    # link): another language keeps the reader on that form, not its page's top.
    sub_route = context.get("switcher_sub_route")
    if sub_route:
        links = [{**link, "url": f"{link['url']}{sub_route}"} for link in links]
    # A listing's filters (the event listing's kind, month, past), kept in every language.
    query = context.get("switcher_query")
    if query:
        links = [{**link, "url": f"{link['url']}?{query}"} for link in links]
    return {"languages": links, "label": label}


@register.inclusion_tag("includes/content_language_note.html")
def content_language_note(page):
    """Tells the reader when the page is not in their language, or a machine's draft."""
    from django.conf import settings

    from cms.machine_translation import machine_mark

    language = languages.reader_language()
    content = page.locale.language_code
    mark = machine_mark(page) if content != settings.LANGUAGE_CODE else None
    original = None
    if mark is not None and mark.tell_readers:
        source = (
            page.get_translations()
            .filter(locale__language_code=settings.LANGUAGE_CODE, live=True)
            .first()
        )
        original = source.url if source is not None else None
    return {
        "untranslated": content != language,
        "machine_note": bool(mark and mark.tell_readers),
        "machine_tool": mark.tool_for_readers if mark else "",
        "original_url": original,
        "language": language,
        "direction": text_direction(language),
    }
