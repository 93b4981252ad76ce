"""StreamField blocks shared by bulletins and alerts.

Every block here is e-mail safe: besides its web template (``Meta.template``) it has an
e-mail template (``Meta.email_template``, table-friendly markup whose CSS gets inlined)
and a plain-text rendering (``render_text``). Web-only blocks (embeds, maps, forms)
must never join ``EMAIL_SAFE_BLOCKS``: a mailing could not carry them.
"""

import functools
import mimetypes
import re

from django import forms
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Locale

from cms.bidi import direction, isolate_numbers_html, tel_href
from cms.email.text import Links, display_width, html_to_text, wrap
from cms.languages import label_colon, language_choices, language_name
from cms.routing import public_pages
from events.kinds import EventKind

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class EmailBlockMixin:
    """Adds the e-mail HTML and plain-text renderings to a block."""

    def render_email(self, value, context=None) -> SafeString:
        block_context = self.get_context(value, parent_context=context or {})
        return mark_safe(render_to_string(self.meta.email_template, block_context))  # noqa: S308

    def render_text(self, value, links: Links) -> str:
        raise NotImplementedError

    def render_email_parts(self, value, context, links: Links) -> tuple[str, str]:
        """(e-mail HTML, text) of one block; blocks that query override it to query once."""
        return self.render_email(value, context), self.render_text(value, links)


class HeadingBlock(EmailBlockMixin, blocks.StructBlock):
    text = blocks.CharBlock(label=capfirst(_("text")), max_length=200)
    level = blocks.ChoiceBlock(
        label=capfirst(_("level")),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        email_template = "email/blocks/heading_block.html"
        preview_value = {"text": "Important resources and news", "level": "h2"}
        description = _("A heading that starts a section of the bulletin.")
        label = _("Heading")

    def render_text(self, value, links):
        text = value["text"].upper() if value["level"] == "h2" else value["text"]
        underline = "=" if value["level"] == "h2" else "-"
        # Display width, not characters: a Chinese character takes two columns.
        return f"{text}\n{underline * min(display_width(text), 72)}"


class ParagraphBlock(EmailBlockMixin, blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph_block.html"
        email_template = "email/blocks/paragraph_block.html"
        preview_value = (
            "<p>All Chicago residents, regardless of immigration status, can use "
            "City services.</p>"
        )
        description = _("Paragraphs of text with links and lists.")
        label = _("Rich text")

    def render_text(self, value, links):
        return html_to_text(value.source if hasattr(value, "source") else value, links)


class NewsItemBlock(EmailBlockMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=capfirst(_("title")), max_length=200)
    summary = blocks.TextBlock(label=capfirst(_("summary")), max_length=1200)
    link = blocks.URLBlock(label=capfirst(_("read more link")), required=False)

    class Meta:
        icon = "doc-full"
        template = "blocks/news_item_block.html"
        email_template = "email/blocks/news_item_block.html"
        preview_value = {
            "title": "Refugee ban remains blocked",
            "summary": "The Ninth Circuit Court of Appeals upheld the temporary "
            "restraining order.",
            "link": "https://immigrantjustice.org/",
        }
        description = _("A short news item with a “read more” link.")
        label = _("News item")

    def render_text(self, value, links):
        parts = [value["title"].upper(), wrap(value["summary"])]
        if value["link"]:
            parts.append(links.cite(gettext("Read more"), value["link"]))
        return "\n".join(parts)


class ResourceCategory:
    CHOICES = [
        ("legal", _("Legal help")),
        ("rights", _("Know your rights")),
        ("health", _("Mental health care")),
        ("safety", _("Public safety")),
        ("identification", _("Identification")),
        ("city", _("City services")),
        ("other", _("Other")),
    ]


class PhoneBlock(blocks.CharBlock):
    """A phone number, copied into every translation as written. wagtail-localize would
    offer a plain CharBlock as text to translate, and a translator or a machine
    translator can turn its digits into Arabic-Indic ones or drop one: the number people
    call must be the number the office typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed left to right in every admin language: in an Arabic admin's box the
        # plus and brackets took the page's direction ("(312) 660-1370 1+").
        self.field.widget.attrs["dir"] = "ltr"

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


class ResourceBlock(EmailBlockMixin, blocks.StructBlock):
    organisation = blocks.CharBlock(label=capfirst(_("organisation")), max_length=200)
    category = blocks.ChoiceBlock(
        label=capfirst(_("category")), choices=ResourceCategory.CHOICES, default="other"
    )
    phone = PhoneBlock(label=capfirst(_("phone")), max_length=40, required=False)
    web_address = blocks.URLBlock(label=capfirst(_("web address")), required=False)
    description = blocks.TextBlock(label=capfirst(_("description")), max_length=1200)

    class Meta:
        icon = "help"
        template = "blocks/resource_block.html"
        email_template = "email/blocks/resource_block.html"
        preview_value = {
            "organisation": "National Immigrant Justice Center",
            "category": "legal",
            "phone": "312-660-1370",
            "web_address": "https://www.immigrantjustice.org/",
            "description": "Free legal consultations and representation.",
        }
        description = _("An organisation people can call or visit, with its phone.")
        label = _("Resource")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["category_label"] = dict(ResourceCategory.CHOICES).get(
            value["category"], ""
        )
        context["tel_href"] = tel_href(value["phone"]) if value["phone"] else ""
        return context

    def render_text(self, value, links):
        label = dict(ResourceCategory.CHOICES).get(value["category"], "")
        lines = [f"{value['organisation']} ({label})", wrap(value["description"])]
        phone, web, colon = gettext("Phone"), gettext("Website"), label_colon()
        if value["phone"]:
            lines.append(f"{phone}{colon}{value['phone']}")
        if value["web_address"]:
            lines.append(f"{web}{colon}{links.absolute(value['web_address'])}")
        return "\n".join(lines)


PHONE_CHARACTERS = frozenset("+0123456789-(). ")
# A host name with a dot and no scheme (nor tel:/mailto:), a path after it if any.
WITHOUT_SCHEME = re.compile(
    r"^(?![a-z][a-z0-9+.-]*:)[^\s/:@]+\.[^\s/:@]+(?:[/?#]\S*)?$", re.I
)


def action_link(value: str) -> str:
    """What to store for a call to action's address: a number typed as staff read it
    out, "(202) 224-3121", or a ``tel:`` link written with spaces, becomes the E.164
    ``tel:+12022243121`` every tel: link on the site is (``cms.bidi.tel_href``);
    anything else is kept as typed, for ``validate_action_link`` to judge."""
    number = value[4:] if value.startswith("tel:") else value
    digits = sum(char.isdigit() for char in number)
    if number and digits >= 3 and set(number) <= PHONE_CHARACTERS:
        return tel_href(number)
    if WITHOUT_SCHEME.match(value):
        # "www.icirr.org/rsvp", as the bulletin's other web address fields take it.
        return f"https://{value}"
    return value


def validate_action_link(value: str) -> None:
    """A web address, or a phone (tel:) or e-mail (mailto:) link: calls to action often
    ask people to call, and a URL field alone refused the demo's own "Call" button."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator, validate_email

    if value.startswith("tel:"):
        digits = [char for char in value[4:] if char.isdigit()]
        if len(digits) < 3 or any(c not in PHONE_CHARACTERS for c in value[4:]):
            raise ValidationError(_("Enter a phone link like tel:+13127441906."))
    elif value.startswith("mailto:"):
        validate_email(value[7:])
    else:
        try:
            URLValidator()(value)
        except ValidationError:
            # Django's "Enter a valid URL." left staff who typed a phone number or
            # "www.…" guessing what the field wants.
            raise ValidationError(
                _(
                    "Enter a web address starting with https://, a phone number "
                    "such as (202) 224-3121, or mailto: followed by an e-mail "
                    "address."
                ),
                code="invalid",
            ) from None


class ActionLinkField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return action_link(value) if value else value


class ActionLinkBlock(blocks.URLBlock):
    """A URL block that also takes tel: and mailto: links. Still a URL block, so
    wagtail-localize offers it as a link to override, not as text to translate."""

    def __init__(self, required=True, help_text=None, max_length=500, **kwargs):
        super().__init__(required=required, help_text=help_text, **kwargs)
        self.field = ActionLinkField(
            required=required,
            help_text=help_text,
            max_length=max_length,
            validators=[validate_action_link],
        )


class CallToActionBlock(EmailBlockMixin, blocks.StructBlock):
    text = blocks.TextBlock(label=capfirst(_("text")), max_length=600, required=False)
    label = blocks.CharBlock(label=capfirst(_("button label")), max_length=80)
    page = blocks.PageChooserBlock(
        label=capfirst(_("page on this site")), required=False
    )
    url = ActionLinkBlock(
        label=capfirst(_("or a web address")),
        required=False,
        help_text=_("A web address, or tel:+1… to call, or mailto:… to write."),
    )

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"
        email_template = "email/blocks/call_to_action_block.html"
        preview_value = {
            "text": "Call your Senators and tell them you welcome refugees.",
            "label": "Call (202) 224-3121",
            "url": "tel:+12022243121",
        }
        description = _("A button asking readers to act: call, sign, RSVP, donate.")
        label = _("Call to action")

    @staticmethod
    def href(value) -> str:
        page = value.get("page")
        if page is not None:
            from cms.languages import localized_url

            return localized_url(page.specific)
        return value.get("url") or ""

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            from django.core.exceptions import ValidationError
            from wagtail.blocks import StructBlockValidationError

            raise StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choose a page or a web address."))
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["href"] = self.href(value)
        return context

    def render_text(self, value, links):
        parts = [wrap(value["text"])] if value["text"] else []
        url = links.absolute(self.href(value))
        parts.append(f">> {value['label']}{label_colon()}{url}")
        return "\n".join(parts)


LISTING_TITLE = _("Upcoming events")


@functools.cache
def listing_title_translations() -> frozenset:
    """The event listing's default title in every site language."""
    from django.conf import settings

    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(LISTING_TITLE))
    return frozenset(found)


class EventListingBlock(EmailBlockMixin, blocks.StructBlock):
    """Upcoming events by default, so a new bulletin's listing fills itself."""

    title = blocks.CharBlock(
        label=capfirst(_("title")),
        max_length=200,
        required=False,
        default=LISTING_TITLE,
    )
    kinds = blocks.MultipleChoiceBlock(
        label=_("Upcoming events of these kinds"),
        choices=EventKind.choices,
        required=False,
        help_text=_("Empty: every kind."),
    )
    limit = blocks.IntegerBlock(
        label=capfirst(_("at most")), min_value=1, max_value=20, default=5
    )
    events = blocks.ListBlock(
        blocks.PageChooserBlock(page_type="events.EventPage"),
        label=_("Only these events"),
        required=False,
        default=[],
        help_text=_(
            "Leave empty to list the next upcoming events when the bulletin is read "
            "or sent; choose events to list exactly those instead."
        ),
    )

    class Meta:
        icon = "date"
        template = "blocks/event_listing_block.html"
        email_template = "email/blocks/event_listing_block.html"
        preview_value = {"title": LISTING_TITLE, "kinds": [], "limit": 5}
        description = _(
            "The next upcoming events (or the events you choose), in the reader's language."
        )
        label = _("Event listing")

    @staticmethod
    def resolve_events(value) -> list:
        """The listed public live events, each in the active language where it is
        translated.

        Two queries whatever the number of events: e-mails render once per language
        per mailing and must stay in milliseconds.
        """
        from events.models import EventPage

        live = public_pages(EventPage.objects.live()).select_related("locale")
        default, active = Locale.get_default(), Locale.get_active()
        chosen = [page.pk for page in value.get("events") or [] if page is not None]
        if chosen:
            keys = EventPage.objects.filter(pk__in=chosen).values("translation_key")
            rows = live.filter(Q(pk__in=chosen) | Q(translation_key__in=keys))
        else:
            upcoming = live.filter(locale=default, end__gte=timezone.now())
            if value.get("kinds"):
                upcoming = upcoming.filter(kind__in=value["kinds"])
            keys = upcoming.order_by("start").values("translation_key")[
                : value.get("limit") or 5
            ]
            rows = live.filter(locale=default, translation_key__in=keys)
        # One query: the listed events and their translations in the active language.
        rows = list(rows | live.filter(locale=active, translation_key__in=keys))
        translated = {row.translation_key: row for row in rows if row.locale == active}
        if chosen:
            found = {row.pk: row for row in rows}
            events = [found[pk] for pk in chosen if pk in found]
        else:
            events = sorted(
                (row for row in rows if row.locale_id == default.pk),
                key=lambda row: row.start,
            )
        return [translated.get(event.translation_key, event) for event in events]

    @staticmethod
    def heading(value) -> str:
        """The listing's title; the default one ("Upcoming events", in whichever
        language the editor's admin gave it) in the reader's language, like the
        events under it. A translation left it in English in every other language
        (wagtail-localize publishes an untranslated segment as the source's), and a
        Spanish-speaking editor's English bulletin got "Próximos eventos"."""
        title = value.get("title") or ""
        if title.strip() in listing_title_translations():
            return str(LISTING_TITLE)
        return title

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        resolved = context.pop("_resolved_events", None)
        context["events"] = self.resolve_events(value) if resolved is None else resolved
        context["heading"] = self.heading(value)
        return context

    def render_email_parts(self, value, context, links):
        events = self.resolve_events(value)
        html = self.render_email(value, {**context, "_resolved_events": events})
        return html, self.render_text(value, links, events=events)

    def render_text(self, value, links, events=None):
        heading = self.heading(value)
        parts = [heading.upper()] if heading else []
        for event in self.resolve_events(value) if events is None else events:
            parts.append(event.text_summary(links))
        if len(parts) == (1 if heading else 0):
            parts.append(gettext("No upcoming events right now."))
        return "\n\n".join(parts)


class DocumentFileBlock(blocks.StructBlock):
    language = blocks.ChoiceBlock(
        label=capfirst(_("language")), choices=language_choices, default="en"
    )
    document = DocumentChooserBlock(label=capfirst(_("document")))


class DocumentBlock(EmailBlockMixin, blocks.StructBlock):
    title = blocks.CharBlock(label=capfirst(_("title")), max_length=200)
    description = blocks.TextBlock(label=capfirst(_("description")), required=False)
    files = blocks.ListBlock(
        DocumentFileBlock(), label=capfirst(_("one file per language"))
    )

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/document_block.html"
        email_template = "email/blocks/document_block.html"
        preview_value = {
            "title": "Resources for Chicago immigrants and refugees",
            "description": "A flyer to print and share.",
            "files": [],
        }
        description = _("A document (a flyer, a toolkit) with one file per language.")
        label = _("Document")

    @staticmethod
    def file_links(value, content_language: str | None = None) -> list[dict]:
        """Each file's link, named for the reader: the document's title, the file's
        language in the reader's language, its format and size ("Resources flyer –
        Spanish (PDF, 24.0 KB)"); two files in the same language, or two documents
        each in English, were "English (PDF)" twice, which a reader (and a screen
        reader's list of links) could not tell apart."""
        title = value["title"]
        reader = translation.get_language()
        # The title is the page's text, the rest of the name the reader's words: in an
        # English bulletin read in Hindi the title says it is English, or a screen
        # reader reads it with the link's Hindi voice.
        title_attrs = ""
        if content_language and content_language != reader:
            title_attrs = format_html(
                ' lang="{}" dir="{}"', content_language, direction(content_language)
            )
        links = []
        for item in value["files"]:
            document = item["document"]
            if document is None:
                continue
            code = item["language"]
            language = language_name(code)
            file_format = document.file_extension.upper()
            # Filled in on upload; Wagtail's getter reads a missing one from storage
            # once and keeps it.
            size = document.file_size or document.get_file_size()
            size_text = filesizeformat(size).strip() if size else ""
            details_text = (
                gettext("%(format)s, %(size)s")
                % {"format": file_format, "size": size_text}
                if size_text
                else file_format
            )
            label_template = gettext("%(title)s – %(language)s (%(details)s)")
            details_html = format_html('<span dir="ltr">{}</span>', file_format)
            if size_text:
                details_html = mark_safe(  # noqa: S308
                    conditional_escape(gettext("%(format)s, %(size)s"))
                    % {
                        "format": details_html,
                        "size": format_html("<bdi>{}</bdi>", size_text),
                    }
                )
            links.append(
                {
                    "language": code,
                    "language_name": language,
                    "url": document.url,
                    "extension": file_format,
                    "size": size_text,
                    "mime_type": mimetypes.guess_type(document.filename)[0] or "",
                    "label": label_template
                    % {"title": title, "language": language, "details": details_text},
                    # The name is a sentence in the reader's language around the
                    # document's title (perhaps another language's): the link says
                    # so, or an Arabic name inside an English bulletin read
                    # "– الإنجليزية (PDF، 24 KB)" backwards.
                    "label_lang": translation.get_language(),
                    "label_dir": "rtl" if translation.get_language_bidi() else "ltr",
                    "label_html": mark_safe(  # noqa: S308
                        conditional_escape(label_template)
                        % {
                            "title": format_html(
                                "<bdi{}>{}</bdi>",
                                title_attrs,
                                isolate_numbers_html(title),
                            ),
                            "language": conditional_escape(language),
                            "details": details_html,
                        }
                    ),
                }
            )
        return links

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        locale = getattr(page, "locale", None)
        context["files"] = self.file_links(
            value, getattr(locale, "language_code", None)
        )
        return context

    def render_text(self, value, links):
        parts = [value["title"].upper()]
        if value["description"]:
            parts.append(wrap(value["description"]))
        for item in self.file_links(value):
            url = links.absolute(item["url"])
            parts.append(f"- {item['label']}{label_colon()}{url}")
        return "\n".join(parts)


# The copies of an image a page offers (srcset); the last is the one e-mails and
# browsers without srcset get.
IMAGE_WIDTHS = ("width-400", "width-800", "width-1200")


class ImageBlock(EmailBlockMixin, blocks.StructBlock):
    image = ImageChooserBlock(label=capfirst(_("image")))
    alt_text = blocks.CharBlock(
        label=capfirst(_("alternative text")),
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    caption = blocks.CharBlock(
        label=capfirst(_("caption")), max_length=250, required=False
    )

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        email_template = "email/blocks/image_block.html"
        preview_value = {"alt_text": "", "caption": "Know your rights"}
        description = _("An image with alternative text and an optional caption.")
        label = _("Image")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        image = value.get("image")
        if not image:
            context["rendition"] = None
            return context
        # A phone 390 px wide gets the 400 or 800 px copy, not the 1200 px one.
        renditions = image.get_renditions(*IMAGE_WIDTHS)
        context["rendition"] = renditions[IMAGE_WIDTHS[-1]]
        widths = {r.width: r.url for r in renditions.values()}
        context["srcset"] = ", ".join(
            f"{url} {w}w" for w, url in sorted(widths.items())
        )
        return context

    def render_text(self, value, links):
        image = gettext("Image")
        text = f"[{image}: {value['alt_text']}]"
        return f"{text}\n{value['caption']}" if value["caption"] else text


class QuoteBlock(EmailBlockMixin, blocks.StructBlock):
    quote = blocks.TextBlock(label=capfirst(_("quote")), max_length=1500)
    attribution = blocks.CharBlock(
        label=capfirst(_("attribution")), max_length=200, required=False
    )

    class Meta:
        icon = "openquote"
        template = "blocks/quote_block.html"
        email_template = "email/blocks/quote_block.html"
        preview_value = {
            "quote": "The City of Chicago is here for you.",
            "attribution": "Mayor Rahm Emanuel",
        }
        description = _("A quotation and who said it.")
        label = _("Quote")

    def render_text(self, value, links):
        text = wrap(f"“{value['quote']}”", indent="  ")
        return f"{text}\n  – {value['attribution']}" if value["attribution"] else text


class DividerBlock(EmailBlockMixin, blocks.StaticBlock):
    class Meta:
        icon = "minus"
        template = "blocks/divider_block.html"
        email_template = "email/blocks/divider_block.html"
        admin_text = _("A line between two sections.")
        preview_value = None  # a divider has no value; its preview is the line
        description = _("A line between two sections.")
        label = _("Divider")

    def render_text(self, value, links):
        return "-" * 40


class BulletinStreamBlock(blocks.StreamBlock):
    """The body of a bulletin: only e-mail-safe blocks, so every bulletin can be mailed."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    news_item = NewsItemBlock()
    resource = ResourceBlock()
    call_to_action = CallToActionBlock()
    event_listing = EventListingBlock()
    document = DocumentBlock()
    image = ImageBlock()
    quote = QuoteBlock()
    divider = DividerBlock()

    class Meta:
        icon = "list-ul"


EMAIL_SAFE_BLOCKS = tuple(BulletinStreamBlock.base_blocks.items())
