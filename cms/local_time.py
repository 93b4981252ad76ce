"""The city's clock: the time zone events and alerts are typed and shown in, and what
readers call it in their language ("Chicago time", "hora de Chicago", "शिकागो समय").

Another city sets ``TIME_ZONE`` and names its clock with ``LOCAL_TIME_NAME`` (English)
and ``LOCAL_TIME_NAME_<LANGUAGE>`` for the others (README, Configuration). Left unset,
the catalogues' "Chicago time" is used, which is right only for the default zone; a
system check (cms.W005) says so when the zone is changed without a name.
"""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop


def city_zone():
    """The zone event and alert times are typed and shown in (settings.TIME_ZONE)."""
    return timezone.get_default_timezone()


def local_time_name() -> str:
    """The clock's name in the active language; the English name where a language has
    none configured."""
    names = settings.LOCAL_TIME_NAMES
    if not names:
        return gettext("Chicago time")
    language = translation.get_language() or settings.LANGUAGE_CODE
    return names.get(language) or names.get(settings.LANGUAGE_CODE) or ""


def with_zone_name(when: str) -> str:
    """A time followed by the clock's name in brackets, the language's own: Chinese
    writes full-width ones with no space before them ("19:30（芝加哥时间）")."""
    return gettext("%(when)s (%(zone)s)") % {"when": when, "zone": local_time_name()}


def _zoned(msgid: str, **extra) -> str:
    text = gettext(msgid) % {"zone": local_time_name(), **extra}
    # A text that starts with the name is a sentence ("hora de Chicago. Vacío: ...");
    # the others keep their case (a model field's verbose name is lower case).
    return capfirst(text) if msgid.startswith("%(zone)s") else text


def zoned_lazy(msgid: str):
    """``msgid`` (marked with gettext_noop, holding ``%(zone)s``) translated and filled
    with the clock's name when shown, in the language of that moment."""
    return lazy(_zoned, str)(msgid)


def _zone_help() -> str:
    return _zoned(
        gettext_noop("%(zone)s (%(tz)s), whatever time zone your computer is set to."),
        tz=settings.TIME_ZONE,
    )


def zone_help_lazy():
    """The help under a time field: the clock's name and its zone, when shown."""
    return lazy(_zone_help, str)()
