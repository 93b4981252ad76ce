"""Template filters of the project's admin screens."""

from django import template
from django.utils import formats, timezone

register = template.Library()


@register.filter
def with_zone(value) -> str:
    """Local date and time with the zone's abbreviation: "Dec. 3, 2026, 6 p.m. CST"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.strftime('%Z')}"


@register.filter
def grouped(value) -> str:
    """A count with its thousands grouped the active language's way ("1,234",
    "1.234"), as the e-mails write counts."""
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)


@register.filter
def on_city_clock(value) -> str:
    """Date and time on the city's clock (whatever the viewer's own time zone), for a
    column whose heading names that clock (cms.local_time.local_time_name)."""
    if not value:
        return ""
    from cms.local_time import city_zone

    return formats.date_format(
        timezone.localtime(value, city_zone()), "DATETIME_FORMAT"
    )


@register.simple_tag(takes_context=True)
def page_editor_buttons(context, page) -> list:
    """The page editor's primary header buttons: "E-mail preview and test" and "Send
    as mailing" on pages that can be mailed, visible rather than in the ... menu.

    Icons with their label as tooltip and accessible name, as Wagtail's own header
    buttons (icon_only): with the labels written out, the page title beside them
    shrank to a few letters at 1280 px ("Decem").
    """
    from wagtail import hooks
    from wagtail.admin.widgets.button import HeaderButton

    request = context.get("request")
    if page is None or request is None or not page.pk:
        return []
    found = [
        found
        for hook in hooks.get_hooks("register_page_editor_primary_buttons")
        for found in hook(page=page, user=request.user)
    ]
    return [
        HeaderButton(label, url, icon_name=icon, icon_only=True)
        for _priority, label, url, icon in sorted(found, key=lambda item: item[0])
    ]


@register.filter(name="join_names")
def join_names_filter(values) -> str:
    """Names joined in the staff member's language, with its own comma ("A، B" in
    Arabic, "A、B" in Chinese) instead of a Latin ", " (cms.languages.join_names).
    Escaped here, as |join escapes what it joins."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    from cms.languages import join_names

    # The pattern is our catalogue's; every name in it is escaped above.
    return mark_safe(  # noqa: S308
        join_names(conditional_escape(str(value)) for value in values)
    )
