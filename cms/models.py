"""Editorial pages of the site: home, bulletins and their archive, alerts."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager
from wagtail.search import index
from wagtail.url_routing import RouteResult

from cms.blocks import RICH_TEXT_FEATURES, BulletinStreamBlock, tel_href
from cms.navigation import MenuLinkBlock
from cms.page_cache import mark_cacheable
from cms.page_forms import BulletinPageForm
from cms.routing import (
    OneQueryViewRestrictionsMixin,
    TypedChildRouteMixin,
    public_pages,
)


class TranslationFallbackMixin:
    """An index whose children fall back to the default locale's when untranslated.

    /es/bulletins/some-bulletin/ serves the English bulletin (marked lang="en") when it
    has no Spanish translation yet, so a link shared in Spanish never dead-ends.
    """

    def route(self, request, path_components):
        try:
            return super().route(request, path_components)
        except Http404:
            fallback = self.fallback_child(path_components[:1])
            if fallback is None:
                raise
            if len(path_components) > 1:
                return fallback.route(request, path_components[1:])
            return RouteResult(fallback)

    def fallback_child(self, components):
        if not components or self.locale_id == Locale.get_default().pk:
            return None
        source = self.get_translation_or_none(Locale.get_default())
        if source is None:
            return None
        child = source.get_children().live().filter(slug=components[0]).first()
        if child is None:
            return None
        translation = child.get_translation_or_none(self.locale)
        if translation is not None and translation.live:
            return None  # it has its own URL here; a wrong slug stays a 404
        return child.specific

    def set_reader_urls(self, children) -> None:
        """Give each listed child the URL a reader of the active language follows: its
        own when it is in that language, else the child under this index's URL there."""
        from cms.languages import localized_url, reader_language

        language = reader_language()
        base = localized_url(self, language)
        try:
            locale_id = Locale.objects.get_for_language(language).pk
        except (Locale.DoesNotExist, LookupError):
            locale_id = None
        for child in children:
            child.reader_url = (
                child.url if child.locale_id == locale_id else f"{base}{child.slug}/"
            )


class HomePage(
    TranslationFallbackMixin,
    TypedChildRouteMixin,
    OneQueryViewRestrictionsMixin,
    Page,
):
    """The site's front page, one per locale; serves untranslated children under its
    own prefix (``/ar/join/`` is the English signup page in Arabic chrome)."""

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
    )

    menu = StreamField(
        [("link", MenuLinkBlock())],
        verbose_name=_("main menu"),
        blank=True,
        help_text=_(
            "The links in the header of every page, in this order. Translate the home "
            "page to translate the menu. Empty: the pages marked “Show in menus”."
        ),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("menu")]

    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from cms.front_door import front_door
        from subscribers.models import MailingList

        mark_cacheable(request)
        context = super().get_context(request, *args, **kwargs)
        context["mailing_lists"] = MailingList.objects.with_translations()
        context.update(front_door(self.locale))
        return context

    class Meta:
        verbose_name = _("home page")


class MailablePageMixin:
    """A page that can be sent as an e-mail: an "email" preview mode and its sections.

    Subclasses give the subject, the preheader and the body sections; the layout, CSS
    inlining and the text part come from ``cms.email.rendering.render_email``.
    """

    @property
    def preview_modes(self):
        return [("", _("Web page")), ("email", _("E-mail"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            from cms.admin_views import links_open_in_new_tab
            from cms.email.rendering import as_sample, render_email

            rendered = render_email(self, language=self.locale.language_code)
            # As the admin's e-mail preview shows it: the reader's links, not merge
            # tags, opening a new tab (our pages refuse the preview panel's frame).
            user = request.user
            html, _text = as_sample(
                rendered, name=user.get_full_name() or user.get_username()
            )
            return HttpResponse(links_open_in_new_tab(html))
        return super().serve_preview(request, mode_name)

    def email_subject(self) -> str:
        return self.title

    def email_preheader(self) -> str:
        return ""

    def email_sections(self, context: dict, links) -> list[tuple[str, str]]:
        """(HTML, text) pairs, one per section of the e-mail body, in order."""
        raise NotImplementedError


def paginate(request, queryset, per_page: int = 10):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_query(page) -> str:
    """The ``page`` value that asks for this page, for the page cache: any other
    (``?page=02``, a page past the last, not a number) shows a page but is not stored
    as one more copy of it."""
    return str(page.number)


class BulletinIndexPage(
    TranslationFallbackMixin,
    RoutablePageMixin,
    TypedChildRouteMixin,
    OneQueryViewRestrictionsMixin,
    Page,
):
    """The public archive of bulletins in one language, newest first, and its feeds."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.BulletinPage", "cms.AlertPage"]
    max_count_per_parent = 1

    @property
    def child_page_model(self):
        return BulletinPage

    def bulletins(self):
        """Public live bulletins of this locale plus untranslated ones of the default
        locale (a restricted translation hides its story here: its URL is the one
        readers of this language are sent to)."""
        live = BulletinPage.objects.child_of(self).live()
        own = public_pages(live, passed=self)
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return own.order_by("-date", "-first_published_at")
        source = self.get_translation_or_none(default)
        if source is None:
            return own.order_by("-date", "-first_published_at")
        translated_keys = live.values("translation_key")
        untranslated = public_pages(
            BulletinPage.objects.child_of(source)
            .live()
            .exclude(translation_key__in=translated_keys)
        )
        return (own | untranslated).order_by("-date", "-first_published_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["bulletins"] = paginate(request, self.bulletins())
        mark_cacheable(request, query={"page": page_query(context["bulletins"])})
        self.set_reader_urls(context["bulletins"])
        return context

    def get_cached_paths(self):
        return ["/", "feed/", "feed/atom/"]

    @path("feed/", name="feed")
    def rss_feed(self, request):
        from cms.feeds import BulletinRssFeed

        mark_cacheable(request)
        return BulletinRssFeed()(request, index=self)

    @path("feed/atom/", name="atom_feed")
    def atom_feed(self, request):
        from cms.feeds import BulletinAtomFeed

        mark_cacheable(request)
        return BulletinAtomFeed()(request, index=self)

    class Meta:
        verbose_name = _("bulletin archive")


class BulletinPage(MailablePageMixin, OneQueryViewRestrictionsMixin, Page):
    """One bulletin: news items, resources, documents, calls to action and events."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.CharField(
        _("summary"),
        max_length=250,
        blank=True,
        help_text=_(
            "One or two sentences; shown in the archive and as the e-mail preheader."
        ),
    )
    body = StreamField(BulletinStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("search_pairs"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.BulletinIndexPage"]
    subpage_types: list[str] = []
    base_form_class = BulletinPageForm

    def search_pairs(self) -> str:
        """Chinese text as character pairs and words without their marks, for the
        search (cms/cjk.py, cms/folding.py)."""
        from cms import folding

        body = self.body.stream_block.get_searchable_content(self.body)
        return folding.indexed_words(self.title, self.summary, *body)

    def get_context(self, request, *args, **kwargs):
        mark_cacheable(request)
        return super().get_context(request, *args, **kwargs)

    def email_preheader(self) -> str:
        return self.summary

    def email_sections(self, context, links):
        return [
            child.block.render_email_parts(child.value, context, links)
            for child in self.body
        ]

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")


class AlertPage(MailablePageMixin, OneQueryViewRestrictionsMixin, Page):
    """A short urgent message (a rally in a few hours), optionally about one event."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("Alert")
        UPDATE = "update", _("Update")
        CANCELLATION = "cancellation", _("Cancelled")

    # A cancellation's message when the organizer writes none. Stored in the default
    # language, like the organizer's words, and shown in each reader's (message_html).
    CANCELLED_MESSAGE = gettext_noop("This event is cancelled.")

    message = RichTextField(_("message"), features=RICH_TEXT_FEATURES)
    event = models.ForeignKey(
        "events.EventPage",
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.ALERT
    )
    # A rally alert publishes its own event; discarding the alert before anyone got
    # it unpublishes that event too, never an existing one it was merely about.
    event_created_here = models.BooleanField(default=False, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("message"),
        FieldPanel("event"),
        FieldPanel("kind"),
    ]
    parent_page_types = ["cms.HomePage", "cms.BulletinIndexPage"]
    subpage_types: list[str] = []

    @classmethod
    def default_cancellation_message(cls) -> str:
        """CANCELLED_MESSAGE in the default language, as a page stores it."""
        from django.utils import translation

        with translation.override(settings.LANGUAGE_CODE):
            return translation.gettext(cls.CANCELLED_MESSAGE)

    def is_default_cancellation(self) -> bool:
        """Is this a cancellation sent without the organizer's words? Known by the
        words (wrappers aside), so no field has to mark it."""
        from django.utils.html import strip_tags

        written = " ".join(strip_tags(self.message).split())
        return (
            self.kind == self.Kind.CANCELLATION
            and written == self.default_cancellation_message()
        )

    def cancelled_line(self, language: str | None = None) -> str:
        """CANCELLED_MESSAGE in ``language`` (default: active), marked with its lang
        and dir."""
        from django.utils import translation
        from django.utils.html import format_html

        from cms.bidi import html_lang_attrs

        language = language or translation.get_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            return format_html(
                "<p {}>{}</p>",
                html_lang_attrs(language),
                translation.gettext(self.CANCELLED_MESSAGE),
            )

    def message_html(self) -> str:
        """The message as a reader of the active language gets it (page and e-mail):
        the default cancellation sentence in their language, whichever language this
        page is in; any other message as the organizer wrote it.

        A cancellation the organizer wrote in the default language reaches a reader of
        another language who has no translation of it after the sentence in their own
        language (the translations store it: services.alerts._message_in); an
        organizer who types that very sentence gets it translated too."""
        from django.utils import translation

        if self.is_default_cancellation():
            return self.cancelled_line()
        reader = translation.get_language() or settings.LANGUAGE_CODE
        default = settings.LANGUAGE_CODE
        if (
            self.kind == self.Kind.CANCELLATION
            and self.locale.language_code == default
            and reader != default
        ):
            return f"{self.cancelled_line(reader)}\n{self.message}"
        return self.message

    def linked_event(self):
        """The event in the active language when published in it, else as published."""
        if not self.event_id:
            return None
        event = self.event
        if not event.live:
            # wagtail-localize points a translated alert at the event's translation,
            # which stays a draft until someone publishes it: use the source event.
            event = event.canonical()
        return event.localized if event.live else None

    def get_context(self, request, *args, **kwargs):
        mark_cacheable(request)
        context = super().get_context(request, *args, **kwargs)
        context["linked_event"] = self.linked_event()
        return context

    def email_subject(self) -> str:
        from django.utils.translation import gettext

        if self.kind == self.Kind.UPDATE:
            return gettext("Update: %(title)s") % {"title": self.title}
        if self.kind == self.Kind.CANCELLATION:
            return gettext("Cancelled: %(title)s") % {"title": self.title}
        return self.title

    def email_preheader(self) -> str:
        from django.utils.html import strip_tags

        return " ".join(strip_tags(self.message_html()).split())[:150]

    def event_links(self, event) -> dict[str, str]:
        """Where the alert's buttons go: the event, its .ics and its RSVP, each under
        the reader's language prefix."""
        from cms.languages import localized_url

        url = localized_url(event)
        if event.cancelled:
            rsvp = ""
        elif event.rsvp_mode == event.RsvpMode.INTERNAL:
            rsvp = f"{url}rsvp/"
        elif event.rsvp_mode == event.RsvpMode.EXTERNAL:
            rsvp = event.rsvp_url
        else:
            rsvp = url
        links = {"url": url, "ics": "", "rsvp": rsvp, "map": event.map_url}
        if not event.cancelled:
            # A cancelled event offers no calendar at all: "Add to calendar" beside
            # "Cancelled" put it in the calendars of people who had not added it.
            from events.calendar_links import event_links

            links["ics"] = f"{url}ical/"

            # Public location only: a bulk e-mail never carries a private address.
            calendar = event_links(event)
            links.update(google=calendar["google"], outlook=calendar["outlook"])
        return links

    def email_sections(self, context, links):
        """Short and mobile-first: the message, then what, when, where and two buttons."""
        from django.template.loader import render_to_string
        from django.utils.translation import gettext

        from cms.bidi import mark_line_directions
        from cms.email.text import html_to_text
        from cms.languages import label_colon, with_aside

        event = self.linked_event()
        event_links = self.event_links(event) if event is not None else {}
        html = render_to_string(
            "email/alert_body.html",
            {**context, "page": self, "event": event, "links": event_links},
        )
        # The organizer's words may be the default language's in an Arabic e-mail (no
        # message for Arabic): marked line by line so the full stop stays at the end.
        text = mark_line_directions(html_to_text(self.message_html(), links))
        if event is not None:
            lines = [event.title]
            if event.cancelled:
                # One message with its brackets: Chinese writes them full-width.
                lines[0] = gettext("[Cancelled] %(title)s") % {"title": event.title}
            if event.description:
                # The alert form's "What": the organizer wrote it for this e-mail too.
                lines.append(
                    mark_line_directions(html_to_text(event.description, links))
                )
            lines.append(f"{gettext('When')}{label_colon()}{event.when_display()}")
            where = event.location_text()
            if where:
                lines.append(f"{gettext('Where')}{label_colon()}{where}")
            if event_links["map"]:
                lines.append(links.cite(gettext("Map"), event_links["map"]))
            if event_links["rsvp"]:
                lines.append(links.cite(gettext("I'm coming"), event_links["rsvp"]))
            # Worded as the HTML: "Add to calendar (Google · Outlook.com)".
            calendar = []
            if event_links["ics"]:
                calendar.append(
                    links.cite(gettext("Add to calendar"), event_links["ics"])
                )
            if event_links.get("google"):
                services = links.cite_row(
                    ("Google", event_links["google"]),
                    ("Outlook.com", event_links["outlook"]),
                )
                calendar.append(services)
            if calendar:
                # The language's own brackets: full-width in Chinese.
                lines.append(
                    with_aside(*calendar) if len(calendar) == 2 else calendar[0]
                )
            text += "\n\n" + "\n".join(lines)
        return [(html, text)]

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")


@register_setting(icon="mail")
class SiteContact(BaseSiteSetting):
    """How the public reaches the office: shown in the footer of every page."""

    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        default="311",
        help_text=_("Shown as a link that dials it on a phone."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    postal_address = models.CharField(
        _("postal address"),
        max_length=250,
        blank=True,
        help_text=_("Empty: the sender's postal address from the e-mail footer."),
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("privacy page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A page that explains in full what you keep and never ask."),
    )

    panels = [
        MultiFieldPanel(
            [
                # Left to right in every admin language, as on the site (PhoneBlock).
                FieldPanel("phone", widget=forms.TextInput(attrs={"dir": "ltr"})),
                FieldPanel("email"),
                FieldPanel("postal_address"),
            ],
            heading=_("Contact"),
        ),
        FieldPanel("privacy_page"),
    ]

    class Meta:
        verbose_name = _("contact details")

    @property
    def address(self) -> str:
        return self.postal_address or settings.SENDER_POSTAL_ADDRESS

    @property
    def tel_href(self) -> str:
        return tel_href(self.phone) if self.phone else ""


class EmailOutbox(models.Model):
    """Carries the permission to browse the development outbox; it has no table."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("browse_outbox", _("Can browse the e-mail outbox"))]

    def __str__(self) -> str:
        return "outbox"


class Heartbeat(models.Model):
    """When a periodic process last proved it runs (beat, through a worker), for the
    health endpoint; one row per name, updated in place."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        # The Groups screen's row for the permission (cms/wagtail_hooks.py).
        verbose_name = _("queues and health")
        verbose_name_plural = _("queues and health")
        permissions = [
            ("view_operations", _("Can see queue depths and the health of services"))
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class MachineDraft(models.Model):
    """A page translation written by a machine translator that no person has edited.

    Readers are told (on the page and, where chosen, in the e-mail) until an editor
    saves the page in the editor, which deletes this row.
    """

    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="machine_draft",
        verbose_name=_("page"),
    )
    tool_name = models.CharField(_("translated with"), max_length=100)
    tell_readers = models.BooleanField(
        _("tell readers it was translated by machine"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("machine-drafted translation")
        verbose_name_plural = _("machine-drafted translations")

    def __str__(self) -> str:
        return f"{self.page_id} ({self.tool_name})"


class MemoToken(models.Model):
    """The shared token of a per-process memo kept in the database (cms.process_memo).

    A change rewrites it in its own transaction, so it commits (or rolls back) with the
    change; a statement that must not act on a stale copy can check it in the same
    round trip (campaigns.services.counters.sign_and_count).
    """

    name = models.CharField(max_length=64, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return self.name


class PersonLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        # Wagtail shows a log entry to anyone holding any permission on its model, but
        # these rows are scoped per list or event: an RSVP editor of one subcommittee
        # read another's guests ("RSVP #2 to Know Your Rights: confirmed") in site
        # history. Their own history screens are the administrator's; so is this.
        return self.all() if user.is_superuser else self.none()


class PersonLogEntry(BaseLogEntry):
    """The admin's history of rows about one person (cms.retention.PERSON_MODELS), kept
    apart from other models' so site history shows it only to administrators."""

    object_id = models.CharField(max_length=255, blank=False, db_index=True)

    objects = PersonLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("log entry about a person")
        verbose_name_plural = _("log entries about people")

    def __str__(self) -> str:
        return f"{self.action} on {self.object_verbose_name} #{self.object_id}"
