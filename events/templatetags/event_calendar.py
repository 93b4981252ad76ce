"""Template tags for calendar links: {% event_calendar_links event as links %}."""

from django import template

from events.calendar_links import event_links

register = template.Library()


@register.simple_tag
def event_calendar_links(event) -> dict[str, str]:
    """Google Calendar and Outlook.com links with the event's public location."""
    return event_links(event)
