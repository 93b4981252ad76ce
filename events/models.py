"""Event pages, their index with filters and feeds, and RSVPs."""

import hashlib
import re
import unicodedata
from datetime import datetime, time, timedelta
from urllib.parse import quote_plus, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.html import conditional_escape, strip_tags
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from cms import form_fields
from cms.bidi import direction, written_language
from cms.blocks import RICH_TEXT_FEATURES
from cms.email.text import wrap
from cms.form_fields import ascii_digits
from cms.languages import label_colon, localized_url, sentence_gap, site_languages
from cms.local_time import city_zone, with_zone_name, zoned_lazy
from cms.models import (
    MailablePageMixin,
    TranslationFallbackMixin,
    page_query,
    paginate,
)
from cms.page_cache import mark_cacheable
from cms.routing import (
    OneQueryViewRestrictionsMixin,
    TypedChildRouteMixin,
    public_pages,
)
from cms.widgets import browser_datetime_input
from events.kinds import EventKind
from events.page_forms import EventPageForm
from subscribers.fields import EncryptedTextField

# How many years before or after this one the listing's months are stored in the page
# cache: a month further off is answered but not stored.
CACHED_MONTH_YEARS = 5
# The years an event may start and end in (cms.form_fields, where every staff time
# field checks them too).
EARLIEST_YEAR = form_fields.EARLIEST_YEAR
LATEST_YEAR = form_fields.LATEST_YEAR
year_out_of_range_message = form_fields.year_out_of_range_message


# Publishing a new time or place e-mails every guest at once (events.notices).
GUESTS_TOLD_HELP = _("Publishing a change here e-mails every guest at once.")


def _time_and_guests_help() -> str:
    # Wagtail reads and shows these times in the editor's own time zone (their
    # account setting, Chicago unless they changed it), so name it where it is typed.
    # A sentence of its own, ended in the language's full stop, before the next.
    zone = gettext("Time zone: %(zone)s.") % {
        "zone": timezone.get_current_timezone_name()
    }
    return zone + sentence_gap() + str(GUESTS_TOLD_HELP)


TIME_AND_GUESTS_HELP = lazy(_time_and_guests_help, str)()


class EventIndexPage(
    TranslationFallbackMixin,
    RoutablePageMixin,
    TypedChildRouteMixin,
    OneQueryViewRestrictionsMixin,
    Page,
):
    """Upcoming events by default; filters by kind and month; the past archive; feeds."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    @property
    def child_page_model(self):
        return EventPage

    def events(self):
        """Public live events of this locale plus untranslated ones of the default
        locale (a restricted translation hides its event in its language)."""
        live = EventPage.objects.child_of(self).live().select_related("locale")
        own = public_pages(live, passed=self)
        default = Locale.get_default()
        source = (
            None
            if self.locale_id == default.pk
            else self.get_translation_or_none(default)
        )
        if source is None:
            return own
        untranslated = public_pages(
            EventPage.objects.child_of(source)
            .live()
            .select_related("locale")
            .exclude(translation_key__in=live.values("translation_key"))
        )
        return own | untranslated

    def filtered_events(self, params):
        """(events, chosen filters) for the query string of a listing request."""
        now = timezone.now()
        past = params.get("when") == "past"
        events = self.events()
        events = (
            events.filter(end__lt=now).order_by("-start")
            if past
            else events.filter(end__gte=now).order_by("start")
        )
        kind = params.get("kind", "")
        if kind in EventKind.values:
            events = events.filter(kind=kind)
        else:
            kind = ""
        # A month typed in a text box on an Arabic or Hindi keyboard (٢٠٢٦-٠٣).
        month = ascii_digits(params.get("month", ""))
        try:
            first = datetime.strptime(month, "%Y-%m").replace(tzinfo=city_zone())
            # December of year 9999 has no following month to end the range at.
            following = first.replace(
                year=first.year + first.month // 12, month=first.month % 12 + 1
            )
        except ValueError:
            month = ""
        else:
            events = events.filter(start__gte=first, start__lt=following)
        # Browsers without a month picker show a text box: a month typed otherwise
        # ("March 2027") is left out, and the page says so. Such an answer is never
        # stored (cached_query has month "", the request something else).
        unread = not month and bool(params.get("month", "").strip())
        filters = {"past": past, "kind": kind, "month": month, "month_unread": unread}
        return events, filters

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events, filters = self.filtered_events(request.GET)
        events = paginate(request, events, per_page=20)
        mark_cacheable(request, query=self.cached_query(events, filters))
        self.set_reader_urls(events)
        context.update(
            events=events,
            filters=filters,
            switcher_query=self.switcher_query(events, filters),
            # The format hint's example: this month, as the filter takes it.
            month_example=timezone.localdate().strftime("%Y-%m"),
            kinds=EventKind.choices,
        )
        if not filters["past"]:  # the past tab offers no feed (the template says why)
            context.update(
                feed=self.feed_links(),
                kind_feeds=[
                    (label, self.feed_links(kind)) for kind, label in EventKind.choices
                ],
            )
        return context

    @staticmethod
    def cached_query(events, filters) -> dict[str, str | None]:
        """The query values this answer is stored under (``cms.page_cache``): the
        filters as the form and the links spell them. Other values (a kind that is
        none, ``month=9999-99``, ``when=x``, a page past the last) are answered
        with the filters understood but not stored."""
        month = filters["month"]
        if month:
            first = datetime.strptime(month, "%Y-%m")
            years = abs(first.year - timezone.localdate().year)
            if month != f"{first.year:04d}-{first.month:02d}" or (
                years > CACHED_MONTH_YEARS
            ):
                month = None  # "2025-1", or a month nobody browses
        return {
            "page": page_query(events),
            "kind": filters["kind"],
            "month": month,
            "when": "past" if filters["past"] else "upcoming",
        }

    @staticmethod
    def switcher_query(events, filters) -> str:
        """The filters the listing understood, for the language switcher's links: a
        reader on the past rallies who picks another language stays on them."""
        query = {
            "kind": filters["kind"],
            "month": filters["month"],
            "when": "past" if filters["past"] else "",
            "page": str(events.number) if events.number > 1 else "",
        }
        return urlencode({name: value for name, value in query.items() if value})

    def feed_links(self, kind: str = "") -> dict[str, str]:
        """webcal://, Google and Outlook.com subscribe links of this listing's feed."""
        from events.calendar_links import feed_links

        base = localized_url(self)  # the reader's language prefix, translated or not
        if kind:
            path = base + self.reverse_subpage("kind_feed", args=[kind])
            name = f"{self.title}: {EventKind(kind).label}"
        else:
            path = base + self.reverse_subpage("feed")
            name = self.title
        return feed_links(path, name=name)

    def get_cached_paths(self):
        return ["/", "feed/", *(f"feed/{kind}/" for kind in EventKind.values)]

    @path("feed/", name="feed")
    def feed(self, request):
        return self._feed_response(
            self._feed_events(), name=self.title, filename="events.ics"
        )

    @path("feed/<str:kind>/", name="kind_feed")
    def kind_feed(self, request, kind):
        from django.http import Http404

        if kind not in EventKind.values:
            raise Http404
        label = EventKind(kind).label
        return self._feed_response(
            self._feed_events().filter(kind=kind),
            name=f"{self.title}: {label}",
            filename=f"{kind}.ics",
        )

    def _feed_events(self):
        # Subscribed calendars keep recent history so a cancellation reaches them.
        since = timezone.now() - timezone.timedelta(days=90)
        return self.events().filter(end__gte=since).order_by("start")

    def _feed_response(self, events, *, name: str, filename: str):
        from events.ical import calendar_response

        events = list(events)
        # Each event's URL under the reader's prefix, as the listing links it.
        self.set_reader_urls(events)
        return calendar_response(events, name=name, filename=filename)

    class Meta:
        verbose_name = _("event listing")


def join_in_reader_language(
    parts: list[str], languages: list[str | None] | None = None
) -> str:
    """The parts joined by the reader's own comma (Arabic "،", Chinese "，"). Safe HTML
    parts (events.templatetags.event_location) give safe HTML, the comma outside each
    part's own language mark.

    ``languages``: the language each part is written in (``part_language``; None:
    the reader's). Two neighbours written in the same other language are one phrase
    of that language and take its comma where it runs in the reader's direction: a
    Chinese card's English venue and address read "City Hall steps, 121 N LaSalle St",
    not "City Hall steps，121 N LaSalle St". A right-to-left page keeps its own comma:
    it lays the parts out in its order, and "،" sits where an Arabic reader expects."""
    html = all(isinstance(part, SafeData) for part in parts)
    reader = translation.get_language() or settings.LANGUAGE_CODE
    languages = languages or [None] * len(parts)
    text = parts[0] if parts else ""
    for number in range(1, len(parts)):
        pattern = _comma_pattern(languages[number - 1], languages[number], reader)
        if html:
            pattern = conditional_escape(pattern)
        text = pattern % {"first": text, "then": parts[number]}
    return mark_safe(text) if html else text  # noqa: S308 (escaped above)


def _comma_pattern(before: str | None, after: str | None, reader: str) -> str:
    shared = before if before and before == after and before != reader else None
    if shared is not None and direction(shared) == direction(reader):
        with translation.override(shared):
            return gettext("%(first)s, %(then)s")
    return gettext("%(first)s, %(then)s")


def part_language(kind: str, text: str) -> str | None:
    """The language a location part (EventPage.location_parts) is written in: a
    place's words in the default language's script only on a page in another script
    are the default language's (cms.bidi.written_language); a note is the reader's
    and a link is no language's (None)."""
    return written_language(text) if kind == "place" else None


# Copied from the default-locale page to each translation on every save and publish.
SHARED_FIELDS = (
    "kind",
    "start",
    "end",
    "venue",
    "address",
    "hide_address",
    "online_url",
    "cancelled",
    "rsvp_mode",
    "rsvp_url",
    "capacity",
    "waitlist",
    "confirm_by_email",
    "rsvp_list_id",
    "remind_day_before_at",
    "remind_hours_before",
    "ical_sequence",
    "ical_changed_at",
)
# Kept from the database row, never from a revision being published.
BOOKKEEPING_FIELDS = (
    "ical_sequence",
    "ical_fingerprint",
    "ical_changed_at",
    "announced_facts",
)


# A part after a comma that is a room in the building, not a town ("Suite 200",
# "2nd floor", "#3").
ADDRESS_UNIT = re.compile(
    r"^(#|\d|suite\b|ste\b|apt\b|unit\b|floor\b|fl\b|room\b|rm\b|bldg\b)",
    re.IGNORECASE,
)


def map_search_text(address: str) -> str:
    """``address`` as a map search finds it: with MAP_SEARCH_CITY added when it
    names no town.

    Most addresses are typed without the city ("230 S Dearborn St"). One that names
    its town after a comma keeps it alone: a suburb's ("1930 Beach St, Broadview,
    IL") with ", Chicago" added asked the map for a Broadview street in Chicago. One
    ending with the city keeps it once, and a street named after the city
    ("800 W Chicago Ave") still gets it.
    """
    city = settings.MAP_SEARCH_CITY
    if not city:
        return address
    places = [part.strip() for part in address.split(",")[1:]]
    if any(part and not ADDRESS_UNIT.match(part) for part in places):
        return address
    ends_with_city = re.compile(
        rf"\b{re.escape(city)}\b(\s+[a-z]{{2}})?(\s+\d{{5}}(-\d{{4}})?)?\s*$",
        re.IGNORECASE,
    )
    if ends_with_city.search(address):
        return address
    return f"{address}, {city}"


def when_text(start, end) -> str:
    """Start and end on the city's clock, formatted for the active language, without
    the clock's name (EventPage.when_display adds it)."""
    start = timezone.localtime(start, city_zone())
    end = timezone.localtime(end, city_zone())
    text = formats.date_format(start, "DATETIME_FORMAT")
    if start.date() == end.date():
        return text + " – " + formats.time_format(end, "TIME_FORMAT")
    return text + " – " + formats.date_format(end, "DATETIME_FORMAT")


def _same_words(first: str, second: str) -> bool:
    """Whether two names say the same words, whatever their case, spaces and
    punctuation (quotes differ from one language to another: «», „”, “”)."""

    def letters(text: str) -> str:
        return "".join(
            char
            for char in unicodedata.normalize("NFKC", text).casefold()
            if unicodedata.category(char)[0] in "LMN"
        )

    return bool(letters(first)) and letters(first) == letters(second)


class EventPage(
    MailablePageMixin, RoutablePageMixin, OneQueryViewRestrictionsMixin, Page
):
    """A rally, lobby day, training, webinar... with its RSVP and calendar entry."""

    class RsvpMode(models.TextChoices):
        NONE = "none", _("No RSVP")
        INTERNAL = "internal", _("RSVP on this site")
        EXTERNAL = "external", _("RSVP on another site")

    kind = models.CharField(
        _("kind"), max_length=32, choices=EventKind.choices, default=EventKind.OTHER
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hide_address = models.BooleanField(
        _("show the address only to people who RSVP"),
        default=False,
        help_text=_(
            "The public page and feeds leave the address out; it is sent in the "
            "RSVP confirmation e-mail only."
        ),
    )
    online_url = models.URLField(_("online link"), blank=True)
    organisers = models.CharField(_("organisers"), max_length=300, blank=True)
    description = RichTextField(
        _("description"), blank=True, features=RICH_TEXT_FEATURES
    )
    cancelled = models.BooleanField(_("cancelled"), default=False)
    rsvp_mode = models.CharField(
        _("RSVP"), max_length=16, choices=RsvpMode.choices, default=RsvpMode.NONE
    )
    rsvp_url = models.URLField(_("RSVP link on another site"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    waitlist = models.BooleanField(_("waitlist when full"), default=True)
    # Off by default: a rally's crowd takes its places in one step (the storm path);
    # on, a made-up address cannot hold a place (SECURITY.md).
    confirm_by_email = models.BooleanField(
        _("hold a place only once the guest confirms by e-mail"),
        default=False,
        help_text=_(
            "The RSVP form e-mails a link; a place (or the waitlist) is taken only "
            "when the guest opens it, so made-up addresses cannot fill a small event. "
            "Unconfirmed RSVPs expire. Leave off for rallies."
        ),
    )
    rsvp_list = models.ForeignKey(
        "subscribers.MailingList",
        verbose_name=_("offer to join this list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    remind_day_before_at = models.TimeField(
        zoned_lazy(gettext_noop("reminder the day before, at (%(zone)s)")),
        null=True,
        blank=True,
        default=time(9, 0),
        help_text=_("Empty: no reminder the day before."),
    )
    remind_hours_before = models.PositiveSmallIntegerField(
        _("reminder hours before the start"),
        null=True,
        blank=True,
        default=2,
        help_text=_("Empty: no reminder on the day."),
    )
    # Calendar bookkeeping, owned by the default-locale page and copied to its
    # translations: one SEQUENCE per UID whatever the language.
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    ical_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    ical_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The facts (time, place, cancelled) guests were last told about; a publish that
    # changes them sends each guest one update (events.notices).
    announced_facts = models.JSONField(default=dict, blank=True, editable=False)

    base_form_class = EventPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldRowPanel(
            [
                # The browser's picker: Wagtail's opened off a phone's screen.
                FieldPanel(
                    "start",
                    widget=browser_datetime_input(),
                    help_text=TIME_AND_GUESTS_HELP,
                ),
                FieldPanel(
                    "end",
                    widget=browser_datetime_input(),
                    help_text=TIME_AND_GUESTS_HELP,
                ),
            ]
        ),
        MultiFieldPanel(
            [
                FieldPanel("venue", help_text=GUESTS_TOLD_HELP),
                FieldPanel("address", help_text=GUESTS_TOLD_HELP),
                FieldPanel("hide_address"),
                FieldPanel("online_url"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("organisers"),
        FieldPanel("description"),
        FieldPanel("cancelled"),
        MultiFieldPanel(
            [
                FieldPanel("rsvp_mode"),
                FieldPanel("rsvp_url"),
                FieldPanel("capacity"),
                FieldPanel("waitlist"),
                FieldPanel("confirm_by_email"),
                FieldPanel("rsvp_list"),
                FieldRowPanel(
                    [
                        FieldPanel("remind_day_before_at"),
                        FieldPanel("remind_hours_before"),
                    ]
                ),
            ],
            heading=_("RSVP"),
        ),
    ]
    # The facts of an event are the same in every language: the default-locale page
    # owns them and its translations copy them (see SHARED_FIELDS). Venue and address
    # are place names, not prose: a stale translation must never send people to the
    # old place.
    override_translatable_fields = [
        SynchronizedField("venue"),
        SynchronizedField("address"),
        # One list for every language (lists translate their own names): offered to
        # translators it showed as a bare id, "Uses English version".
        SynchronizedField("rsvp_list", overridable=False),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description"),
        index.SearchField("search_pairs"),
    ]

    def search_pairs(self) -> str:
        """Chinese text as character pairs and words without their marks, for the
        search (cms/cjk.py, cms/folding.py)."""
        from django.utils.html import strip_tags

        from cms import folding

        return folding.indexed_words(self.title, strip_tags(self.description or ""))

    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def clean(self):
        super().clean()
        errors = {}
        for name in ("start", "end"):
            moment = getattr(self, name)
            if moment and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
                errors[name] = year_out_of_range_message()
        # A time refused for its year is not also compared with the other one.
        if not errors and self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.rsvp_mode == self.RsvpMode.EXTERNAL and not self.rsvp_url:
            errors["rsvp_url"] = _("Give the link where people RSVP.")
        if self.hide_address and self.rsvp_mode != self.RsvpMode.INTERNAL:
            errors["hide_address"] = _(
                "A hidden address is sent with the RSVP confirmation: choose RSVP on this site."
            )
        if self.capacity == 0:
            errors["capacity"] = _("Leave empty for no limit, or give at least 1.")
        if self.remind_hours_before is not None and self.remind_hours_before > 72:
            errors["remind_hours_before"] = _("At most 72 hours.")
        if errors:
            raise ValidationError(errors)

    def _fingerprint(self) -> str:
        # What a calendar shows, in the source language only: a translation's own
        # title is not a change of the event (one SEQUENCE per UID).
        fields = (
            self.title,
            # Epoch seconds: a revision round-trip may change the offset's spelling.
            str(int(self.start.timestamp())) if self.start else "",
            str(int(self.end.timestamp())) if self.end else "",
            self.venue,
            self.address,
            str(self.hide_address),
            self.online_url,
            str(self.cancelled),
            self.description,
        )
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()

    def facts(self) -> dict:
        """What guests act on (when, where, whether it happens), as JSON values."""
        return {
            "start": int(self.start.timestamp()) if self.start else None,
            "end": int(self.end.timestamp()) if self.end else None,
            "venue": self.venue,
            "address": self.address,
            "hide_address": self.hide_address,
            "online_url": self.online_url,
            "cancelled": self.cancelled,
        }

    def source_or_none(self) -> "EventPage | None":
        """The default-locale page this one translates, or None for a source page."""
        default = Locale.get_default()
        if self.locale_id == default.pk or not self.translation_key:
            return None
        return (
            EventPage.objects.filter(
                translation_key=self.translation_key, locale=default
            )
            .exclude(pk=self.pk)
            .first()
        )

    def copy_shared_fields(self, source: "EventPage") -> None:
        for name in SHARED_FIELDS:
            setattr(self, name, getattr(source, name))

    def with_content_json(self, content):
        # A revision (or wagtail-localize's snapshot of the source) may predate the
        # last change of the facts: publishing it must not bring the old time back.
        obj = super().with_content_json(content)
        source = self.source_or_none()
        if source is not None:
            obj.copy_shared_fields(source)
        else:
            for name in BOOKKEEPING_FIELDS:
                setattr(obj, name, getattr(self, name))
        return obj

    def save(self, *args, **kwargs):
        # A full save is a publish (or a create); revisions save only bookkeeping
        # fields. SEQUENCE counts the published changes calendars must pick up and
        # belongs to the source page; a translation copies it with the other facts.
        if kwargs.get("update_fields") is None:
            source = self.source_or_none()
            if source is not None:
                self.copy_shared_fields(source)
            else:
                self._count_change()
        return super().save(*args, **kwargs)

    def _count_change(self) -> None:
        fingerprint = self._fingerprint()
        stored = (
            EventPage.objects.filter(pk=self.pk)
            .values_list(*BOOKKEEPING_FIELDS)
            .first()
            if self.pk
            else None
        )
        if stored is not None:
            for name, value in zip(BOOKKEEPING_FIELDS, stored, strict=True):
                setattr(self, name, value)
        if self.ical_fingerprint != fingerprint:
            if self.ical_fingerprint:
                self.ical_sequence += 1
            self.ical_changed_at = timezone.now()
        self.ical_fingerprint = fingerprint
        if not self.announced_facts:
            # Nobody could RSVP before the first save: nothing to tell them yet.
            self.announced_facts = self.facts()

    def reminder_times(self) -> list[tuple[str, datetime]]:
        """(slot, due time) of this event's reminders, earliest first."""
        times = []
        if self.remind_day_before_at is not None:
            day = self.local_start.date() - timedelta(days=1)
            times.append(
                (
                    "day_before",
                    datetime.combine(
                        day, self.remind_day_before_at, tzinfo=city_zone()
                    ),
                )
            )
        if self.remind_hours_before:
            times.append(
                ("hours_before", self.start - timedelta(hours=self.remind_hours_before))
            )
        return sorted(times, key=lambda item: item[1])

    # --- derived values used by templates, e-mails and feeds -------------------
    # Set on an instance already checked to be the default-locale page (by
    # events.selectors.public_event), so canonical() costs no locale query.
    known_canonical = False

    def canonical(self) -> "EventPage":
        """The default-locale page: RSVPs and capacity are shared by all translations."""
        if self.known_canonical or self.locale_id == Locale.get_default().pk:
            return self
        source = self.get_translation_or_none(Locale.get_default())
        return source.specific if source is not None else self

    @property
    def ical_uid(self) -> str:
        host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
        return f"event-{self.translation_key}@{host}"

    @property
    def local_start(self):
        return timezone.localtime(self.start, city_zone())

    @property
    def local_end(self):
        return timezone.localtime(self.end, city_zone())

    def when_display(self) -> str:
        """Start and end in the city's time, formatted for the active language."""
        return with_zone_name(when_text(self.start, self.end))

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def kind_label_unless_title(self) -> str:
        """The kind's name for the small label over the title, or "" when the title
        says the same words: a "Know Your Rights session" titled "Know Your Rights
        session" read the same line twice, in the label and the heading (cards,
        bulletins, the event page), in every language it is translated into."""
        label = str(self.kind_label)
        return "" if _same_words(label, self.title) else label

    @property
    def public_address(self) -> str:
        return "" if self.hide_address else self.address

    @property
    def map_url(self) -> str:
        return self.map_url_for()

    def map_url_for(self, *, include_hidden: bool = False) -> str:
        """The address on a map; a hidden one only with ``include_hidden`` (for
        the guests it is sent to). None once the event is cancelled: directions in
        a cancellation read as "still on, here"."""
        address = self.address if include_hidden else self.public_address
        if not address or self.cancelled:
            return ""
        query = quote_plus(map_search_text(address))
        return f"https://www.openstreetmap.org/search?query={query}"

    @property
    def place_language(self) -> str:
        """The language of the venue and address: the source page's in every
        translation, since save() and with_content_json() copy them from it (a
        translator's override never sticks). A screen reader reads "City Hall steps"
        with this voice, not the Arabic one of the page around it."""
        return settings.LANGUAGE_CODE

    def location_parts(self, *, include_hidden: bool = False) -> list[tuple[str, str]]:
        """Where, as (kind, text) parts: "place" (venue, address: place_language),
        "note" (the reader's language) or "link" (the online URL)."""
        address = self.address if include_hidden else self.public_address
        parts = [("place", part) for part in (self.venue, address) if part]
        if self.hide_address and not include_hidden:
            parts.append(("note", gettext("address sent to people who RSVP")))
        if self.online_url:
            parts.append(("link", self.online_url))
        return parts

    def location_text(
        self, *, include_hidden: bool = False, for_calendars: bool = False
    ) -> str:
        located = self.location_parts(include_hidden=include_hidden)
        parts = [text for _kind, text in located]
        if for_calendars:
            # A calendar's LOCATION is looked up on maps: a plain comma, whatever the
            # reader's language ("Daley Plaza، 50 W Washington St" found nothing), and
            # the city where the address names none, as the map link has it ("50 W
            # Washington St" alone is found in whichever town the phone is in).
            address = self.address if include_hidden else self.public_address
            return ", ".join(
                map_search_text(text) if address and text == address else text
                for text in parts
            )
        languages = [part_language(kind, text) for kind, text in located]
        return join_in_reader_language(parts, languages)

    def text_summary(self, links) -> str:
        """The event as a few lines of plain text, for e-mail text parts."""
        title = self.title
        if self.cancelled:
            # One message with its brackets: Chinese writes them full-width, 【已取消】.
            title = gettext("[Cancelled] %(title)s") % {"title": title}
        lines = [title, self.when_display()]
        location = self.location_text()
        if location:
            lines.append(location)
        lines.append(links.cite(gettext("Details and RSVP"), localized_url(self)))
        if not self.cancelled and not self.has_ended():
            from events.calendar_links import event_links

            calendar = event_links(self)
            # Worded as the HTML card: "Add to calendar: Google · Outlook.com".
            services = links.cite_row(
                ("Google", calendar["google"]), ("Outlook.com", calendar["outlook"])
            )
            lines.append(f"{gettext('Add to calendar')}{label_colon()}{services}")
        return "\n".join(lines)

    def has_ended(self) -> bool:
        """Over, as the listing's past events are: no calendar entry is offered for it
        (last month's rally put into this week's calendar)."""
        return self.end <= timezone.now()

    def rsvp_open(self) -> bool:
        return (
            self.rsvp_mode == self.RsvpMode.INTERNAL
            and not self.cancelled
            and self.start > timezone.now()
        )

    def rsvp_elsewhere_open(self) -> bool:
        """The RSVP link to another site is offered until the event starts, as an
        RSVP here is (``rsvp_open``): a past event's button sent readers to sign up
        for something over."""
        return (
            self.rsvp_mode == self.RsvpMode.EXTERNAL
            and not self.cancelled
            and self.start > timezone.now()
        )

    def places_left(self) -> int | None:
        canonical = self.canonical()
        if canonical.capacity is None:
            return None
        return max(canonical.capacity - confirmed_count(canonical.pk), 0)

    def places_now(self) -> tuple[int | None, int | None]:
        """(places left, the number of that state: EventPlaces.changes), in one
        query; (None, None) for an event without a capacity (nothing to count)."""
        canonical = self.canonical()
        return places_left_now(canonical.pk, canonical.capacity)

    # --- views ---------------------------------------------------------------------
    def get_context(self, request, *args, **kwargs):
        from cms.share import reader_page_url
        from events.calendar_links import event_links

        mark_cacheable(request)
        context = super().get_context(request, *args, **kwargs)
        # No places left here: the cached page fetches them (events.views.places_by_id).
        # Public location only: the private address is for confirmed guests' e-mail.
        context["calendar_links"] = event_links(self)
        # A printed flyer's way back to the RSVP (templates/events/event_page.html).
        context["print_url"] = reader_page_url(self, request)
        return context

    def get_cached_paths(self):
        # The places fragment is cached at its plain URL (events/urls.py) instead.
        # rsvp/: its thank-you state (?sent=1, events.views.thanks_url) shows the
        # event's title and time.
        return ["/", "ical/", "rsvp/"]

    @path("places/", name="places")
    def places(self, request):
        """The places fragment at the page's own URL, for pages cached before the
        fragment moved to its plain URL (events.views.places_by_id): never cached here,
        so never stale."""
        from events.views import places_fragment

        return places_fragment(request, self, self.canonical())

    @path("ical/", name="ics")
    def ics(self, request):
        from events.ical import calendar_response

        return calendar_response(
            [self], name=self.title, filename=f"{self.slug}.ics", cancel=self.cancelled
        )

    @path("rsvp/", name="rsvp")
    def rsvp(self, request):
        from events.views import rsvp_view

        return rsvp_view(request, self)

    @path("rsvp/cancel/<str:token>/", name="rsvp_cancel")
    def rsvp_cancel(self, request, token):
        from events.views import rsvp_cancel_view

        return rsvp_cancel_view(request, self, token)

    @path("rsvp/confirm/<str:token>/", name="rsvp_confirm")
    def rsvp_confirm(self, request, token):
        from events.views import rsvp_confirm_view

        return rsvp_confirm_view(request, self, token)

    # --- e-mail ---------------------------------------------------------------------
    def email_preheader(self) -> str:
        return f"{self.when_display()} · {self.location_text()}"[:200]

    def email_sections(self, context, links):
        from django.template.loader import render_to_string

        from cms.email.text import html_to_text

        html = render_to_string(
            "email/event_body.html", {**context, "event": self, "page": self}
        )
        text = self.text_summary(links)
        if self.description:
            text += "\n\n" + html_to_text(self.description, links)
        return [(html, text)]

    def plain_description(self) -> str:
        return wrap(strip_tags(self.description))


class Rsvp(models.Model):
    """One person's RSVP to an event; name and address encrypted at rest."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")
        # Holds no place: the guest has not opened the link in their e-mail yet
        # (EventPage.confirm_by_email).
        PENDING = "pending", _("waiting for e-mail confirmation")

    # No index of its own: the two below start with it (migration 0007 says why).
    event = models.ForeignKey(
        EventPage,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="rsvps",
        db_index=False,
    )
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail address"))
    email_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=site_languages, default="en"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Place in the waitlist: the earliest is promoted first.
    waitlisted_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    # Raised by every change of status: keys the one message each change is owed.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        permissions = [("check_in_rsvp", _("Can use the check-in list of events"))]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_hash"], name="one_rsvp_per_person_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            # The waitlist in its order: "is anyone waiting?" and "who is first?"
            # read only the people waiting, however many have a place.
            models.Index(
                fields=["event", "waitlisted_at", "id"],
                condition=models.Q(status="waitlisted"),
                name="rsvp_waitlist",
            ),
        ]

    def __str__(self) -> str:
        # The title of this RSVP's admin screens (inspect, delete, history), in the
        # staff member's language: "RSVP #1 to 26 (confirmed)" was English words of
        # ours around the event's bare id. No name: the guest's is not for the title.
        return gettext("RSVP #%(number)s to %(event)s: %(status)s") % {
            "number": self.pk,
            "event": self.event.title,
            "status": self.get_status_display(),
        }

    @property
    def left_waitlist(self) -> bool:
        """Cancelled while waiting: they gave up a place in the queue, not a seat."""
        return self.status == self.Status.CANCELLED and self.waitlisted_at is not None

    def confirm_by(self, event: "EventPage") -> datetime:
        """When a pending RSVP's link stops working: EVENT_RSVP_CONFIRM_HOURS after it
        was made, or the event's start, whichever comes first."""
        hours = timedelta(hours=settings.EVENT_RSVP_CONFIRM_HOURS)
        return min(self.created_at + hours, event.start)


class EventPlaces(models.Model):
    """How many of an event's RSVPs are confirmed, kept by the database itself:
    triggers on events_rsvp (migration 0006) count every insert, change of status and
    delete, whoever makes it (an RSVP, a cancellation, the admin, a cascade). The
    claim and the places fragment read it instead of counting the rows, which cost
    2.7 ms at 10,000 RSVPs, for every RSVP, under the event's lock."""

    event = models.OneToOneField(
        EventPage, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    confirmed = models.IntegerField(default=0)
    # How many times ``confirmed`` changed (the same triggers, migration 0009): the
    # order of the states the places fragment can show, so a re-render knows whether
    # a cached copy shows a later state than its own (events.rsvps.refill_places).
    changes = models.BigIntegerField(db_default=0)

    def __str__(self) -> str:
        return f"{self.confirmed} confirmed at {self.event_id}"


def places_state(event_id: int) -> tuple[int, int]:
    """(confirmed RSVPs, EventPlaces.changes) of the event, in one statement.
    Hand-written: every RSVP at a rally reads it, and the ORM compiled the same query
    each time for more than the statement's own round trip."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT confirmed, changes FROM events_eventplaces WHERE event_id = %s",
            [event_id],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


def places_left_now(event_id: int, capacity: int | None):
    """(places left, EventPlaces.changes) of an event with this capacity; (None,
    None) without one (nothing to count, no query)."""
    if capacity is None:
        return None, None
    confirmed, change = places_state(event_id)
    return max(capacity - confirmed, 0), change


def confirmed_count(event_id: int) -> int:
    """The event's confirmed RSVPs (EventPlaces)."""
    return places_state(event_id)[0]


class EventNotice(models.Model):
    """One change of an event that its guests are told about (an update or a
    cancellation), with the organizer's words when it came from the alert screen."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("update")
        CANCELLATION = "cancellation", _("cancellation")

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Which facts changed: "time", "place", "online", "cancelled", "reinstated".
    changes = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # The organizer's words in other languages ({language: text}); a guest whose
    # language is not here gets ``message``.
    messages = models.JSONField(default=dict, blank=True)
    # The time guests were last told, when it changed: their e-mail says it moved
    # from then to now (the event itself holds only the new time).
    previous_start = models.DateTimeField(null=True, blank=True)
    previous_end = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    # The "Update:"/"Cancelled:" alert sent to lists about the same change: its
    # audience leaves out the guests told here, so nobody gets both.
    alert_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} of event {self.event_id} (#{self.pk})"


class EventReminder(models.Model):
    """A reminder slot of an event, claimed once by the beat task when it falls due."""

    class Slot(models.TextChoices):
        DAY_BEFORE = "day_before", _("the day before")
        HOURS_BEFORE = "hours_before", _("hours before")

    event = models.ForeignKey(
        EventPage, on_delete=models.CASCADE, related_name="reminders"
    )
    slot = models.CharField(max_length=16, choices=Slot.choices)
    due_at = models.DateTimeField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    # False when a later reminder was due at the same time (the worker was down):
    # only the latest goes out.
    sent = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slot", "due_at"], name="one_reminder_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} reminder of event {self.event_id} at {self.due_at}"


class GuestMessage(models.Model):
    """One e-mail owed to one guest (confirmation, update, cancellation, reminder,
    promotion...), unique per RSVP and key, claimed before it is sent (queued -> sending -> sent)."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("RSVP confirmation")
        UPDATE = "update", _("update")
        CANCELLATION = "cancellation", _("cancellation")
        REMINDER = "reminder", _("reminder")
        PROMOTED = "promoted", _("place confirmed from the waitlist")
        RSVP_CANCELLED = "rsvp_cancelled", _("RSVP cancelled by the guest")
        CONFIRM_REQUEST = "confirm_request", _("link to confirm the RSVP")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("not sent")
        FAILED = "failed", _("failed")

    # Indexed by the constraint and the partial indexes below (migration 0007).
    rsvp = models.ForeignKey(
        Rsvp, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=40)
    notice = models.ForeignKey(
        EventNotice,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    reminder = models.ForeignKey(
        EventReminder,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rsvp", "key"], name="one_guest_message_per_change"
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(
                fields=["notice"],
                condition=models.Q(notice__isnull=False),
                name="guestmessage_notice",
            ),
            models.Index(
                fields=["reminder"],
                condition=models.Q(reminder__isnull=False),
                name="guestmessage_reminder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to RSVP #{self.rsvp_id} ({self.status})"
