"""Event pages, their index with filters and feeds, and RSVPs."""

import hashlib
from datetime import datetime
from urllib.parse import quote_plus, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES
from cms.email.text import wrap
from cms.languages import localized_url
from cms.models import MailablePageMixin, TranslationFallbackMixin, paginate
from cms.page_cache import mark_cacheable
from events.kinds import EventKind
from subscribers.fields import EncryptedTextField

CHICAGO = ZoneInfo("America/Chicago")


class EventIndexPage(TranslationFallbackMixin, RoutablePageMixin, Page):
    """Upcoming events by default; filters by kind and month; the past archive; feeds."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count_per_parent = 1

    def events(self):
        """Live events of this locale plus untranslated ones of the default locale."""
        own = EventPage.objects.child_of(self).live()
        default = Locale.get_default()
        source = (
            None
            if self.locale_id == default.pk
            else self.get_translation_or_none(default)
        )
        if source is None:
            return own
        untranslated = (
            EventPage.objects.child_of(source)
            .live()
            .exclude(translation_key__in=own.values("translation_key"))
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
        month = params.get("month", "")
        try:
            first = datetime.strptime(month, "%Y-%m").replace(tzinfo=CHICAGO)
        except ValueError:
            month = ""
        else:
            following = first.replace(
                year=first.year + first.month // 12, month=first.month % 12 + 1
            )
            events = events.filter(start__gte=first, start__lt=following)
        return events, {"past": past, "kind": kind, "month": month}

    def get_context(self, request, *args, **kwargs):
        mark_cacheable(request)
        context = super().get_context(request, *args, **kwargs)
        events, filters = self.filtered_events(request.GET)
        events = paginate(request, events, per_page=20)
        self.set_reader_urls(events)
        context.update(
            events=events,
            filters=filters,
            kinds=EventKind.choices,
        )
        return context

    @path("feed/", name="feed")
    def feed(self, request):
        from events.ical import calendar_response

        return calendar_response(
            self._feed_events(), name=self.title, filename="events.ics"
        )

    @path("feed/<str:kind>/", name="kind_feed")
    def kind_feed(self, request, kind):
        from django.http import Http404

        from events.ical import calendar_response

        if kind not in EventKind.values:
            raise Http404
        label = EventKind(kind).label
        return calendar_response(
            self._feed_events().filter(kind=kind),
            name=f"{self.title}: {label}",
            filename=f"{kind}.ics",
        )

    def _feed_events(self):
        # Subscribed calendars keep recent history so a cancellation reaches them.
        since = timezone.now() - timezone.timedelta(days=90)
        return self.events().filter(end__gte=since).order_by("start")

    class Meta:
        verbose_name = _("event listing")


class EventPage(MailablePageMixin, RoutablePageMixin, Page):
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
    rsvp_list = models.ForeignKey(
        "subscribers.MailingList",
        verbose_name=_("offer to join this list"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    ical_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        MultiFieldPanel(
            [
                FieldPanel("venue"),
                FieldPanel("address"),
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
                FieldPanel("rsvp_list"),
            ],
            heading=_("RSVP"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The end must be after the start.")
        if self.rsvp_mode == self.RsvpMode.EXTERNAL and not self.rsvp_url:
            errors["rsvp_url"] = _("Give the link where people RSVP.")
        if self.hide_address and self.rsvp_mode != self.RsvpMode.INTERNAL:
            errors["hide_address"] = _(
                "A hidden address is sent with the RSVP confirmation: choose RSVP on this site."
            )
        if self.capacity == 0:
            errors["capacity"] = _("Leave empty for no limit, or give at least 1.")
        if errors:
            raise ValidationError(errors)

    def _fingerprint(self) -> str:
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

    def save(self, *args, **kwargs):
        # A full save is a publish (or a create); revisions save only bookkeeping
        # fields. SEQUENCE counts the published changes calendars must pick up.
        if kwargs.get("update_fields") is None:
            fingerprint = self._fingerprint()
            stored = (
                EventPage.objects.filter(pk=self.pk)
                .values_list("ical_sequence", "ical_fingerprint")
                .first()
                if self.pk
                else None
            )
            if stored is not None:
                self.ical_sequence, self.ical_fingerprint = stored
            if self.ical_fingerprint and self.ical_fingerprint != fingerprint:
                self.ical_sequence += 1
            self.ical_fingerprint = fingerprint
        return super().save(*args, **kwargs)

    # --- derived values used by templates, e-mails and feeds -------------------
    def canonical(self) -> "EventPage":
        """The default-locale page: RSVPs and capacity are shared by all translations."""
        if self.locale_id == Locale.get_default().pk:
            return self
        source = self.get_translation_or_none(Locale.get_default())
        return source.specific if source is not None else self

    @property
    def ical_uid(self) -> str:
        host = urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "localhost"
        return f"event-{self.translation_key}@{host}"

    @property
    def local_start(self):
        return timezone.localtime(self.start, CHICAGO)

    @property
    def local_end(self):
        return timezone.localtime(self.end, CHICAGO)

    def when_display(self) -> str:
        """Start and end in Chicago time, formatted for the active language."""
        start, end = self.local_start, self.local_end
        text = formats.date_format(start, "DATETIME_FORMAT")
        if start.date() == end.date():
            text += " – " + formats.time_format(end, "TIME_FORMAT")
        else:
            text += " – " + formats.date_format(end, "DATETIME_FORMAT")
        zone = gettext("Chicago time")
        return f"{text} ({zone})"

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label

    @property
    def public_address(self) -> str:
        return "" if self.hide_address else self.address

    @property
    def map_url(self) -> str:
        if not self.public_address:
            return ""
        query = quote_plus(f"{self.address}, Chicago")
        return f"https://www.openstreetmap.org/search?query={query}"

    def location_text(self, *, include_hidden: bool = False) -> str:
        address = self.address if include_hidden else self.public_address
        parts = [part for part in (self.venue, address) if part]
        if self.hide_address and not include_hidden:
            parts.append(gettext("address sent to people who RSVP"))
        if self.online_url:
            parts.append(self.online_url)
        return ", ".join(parts)

    def text_summary(self, links) -> str:
        """The event as a few lines of plain text, for e-mail text parts."""
        title = self.title
        if self.cancelled:
            label = gettext("Cancelled")
            title = f"[{label}] {title}"
        lines = [title, self.when_display()]
        location = self.location_text()
        if location:
            lines.append(location)
        lines.append(links.cite(gettext("Details and RSVP"), localized_url(self)))
        return "\n".join(lines)

    def rsvp_open(self) -> bool:
        return (
            self.rsvp_mode == self.RsvpMode.INTERNAL
            and not self.cancelled
            and self.start > timezone.now()
        )

    def places_left(self) -> int | None:
        canonical = self.canonical()
        if canonical.capacity is None:
            return None
        taken = canonical.rsvps.filter(status=Rsvp.Status.CONFIRMED).count()
        return max(canonical.capacity - taken, 0)

    # --- views ---------------------------------------------------------------------
    def get_context(self, request, *args, **kwargs):
        mark_cacheable(request)
        context = super().get_context(request, *args, **kwargs)
        context["places_left"] = self.places_left()
        return context

    @path("ical/", name="ics")
    def ics(self, request):
        from events.ical import calendar_response

        return calendar_response([self], name=self.title, filename=f"{self.slug}.ics")

    @path("rsvp/", name="rsvp")
    def rsvp(self, request):
        from events.views import rsvp_view

        return rsvp_view(request, self)

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

    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="rsvps")
    name = EncryptedTextField(_("name"))
    email = EncryptedTextField(_("e-mail address"))
    email_hash = models.CharField(max_length=64, editable=False)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the confirmation e-mail was handed to the queue; empty while it still has to
    # be (the broker was down), which the resend beat task looks for.
    confirmation_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_hash"], name="one_rsvp_per_person_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(confirmation_queued_at=None),
                name="rsvp_unqueued",
            ),
        ]

    def __str__(self) -> str:
        return f"RSVP #{self.pk} to {self.event_id} ({self.status})"
