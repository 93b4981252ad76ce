"""People, the task-force lists they join, and the addresses we must never mail.

Only e-mail, language, optional name and optional ZIP are kept about a person. The
address and name are encrypted at rest; ``email_hash`` finds and dedupes them.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.languages import site_languages, translated_languages
from cms.routing import OneQueryViewRestrictionsMixin

from . import crypto
from .fields import EncryptedTextField


class MailingListQuerySet(models.QuerySet):
    def with_translations(self) -> "MailingListQuerySet":
        """Prefetch the names in every language: one query for any number of lists."""
        return self.prefetch_related("translations")


class MailingList(ClusterableModel):
    """A task-force subcommittee list (or any list staff add).

    ``name`` and ``description`` are in the default language; readers see
    ``display_name`` and ``display_description``, in their language where staff gave one.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    lead_organisation = models.CharField(
        _("lead organisation"), max_length=160, blank=True
    )
    two_person_rule = models.BooleanField(
        _("alerts need a second person's approval"),
        default=False,
        help_text=_(
            "An alert to this list goes out only when a second person allowed to "
            "send to it approves."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MailingListQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("lead_organisation"),
        FieldPanel("two_person_rule"),
        InlinePanel(
            "translations",
            heading=_("Name and description in other languages"),
            label=_("Translation"),
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self) -> str:
        return self.name

    def translated(self, field: str, language: str | None = None) -> str:
        """``field`` ("name" or "description") in ``language`` (default: active)."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        if language != settings.LANGUAGE_CODE:
            # .all() reads the prefetch cache when with_translations() filled it.
            for item in self.translations.all():
                if item.language == language and getattr(item, field):
                    return getattr(item, field)
        return getattr(self, field)

    @property
    def display_name(self) -> str:
        return self.translated("name")

    @property
    def display_description(self) -> str:
        return self.translated("description")


class MailingListTranslation(models.Model):
    """A list's name and description in one more language."""

    mailing_list = ParentalKey(
        MailingList, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=translated_languages,
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("language"), FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("list name translation")
        verbose_name_plural = _("list name translations")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing_list", "language"], name="one_list_name_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailing_list_id}/{self.language}: {self.name}"


class SubscriberQuerySet(models.QuerySet):
    def with_email(self, email: str) -> "SubscriberQuerySet":
        return self.filter(email_hash=crypto.lookup_hash(email))


class Subscriber(models.Model):
    """One e-mail address and its preferences. Never anything about status or origin."""

    email = EncryptedTextField(_("e-mail address"))
    email_hash = models.CharField(max_length=64, unique=True, editable=False)
    name = EncryptedTextField(_("name"), null=True, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=site_languages, default="en"
    )
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    # Claimed with a conditional UPDATE: at most one confirmation e-mail per
    # SUBSCRIBERS_CONFIRMATION_INTERVAL (empty: one is still to be queued).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A request made while that slot was taken still owes a confirmation, sent once
    # the interval has passed (services.send_owed_confirmation): the language of the
    # latest such request; empty when none is owed.
    confirmation_owed_language = models.CharField(
        max_length=10, blank=True, default="", editable=False
    )
    # Signed into every preferences link; opening a link e-mailed on request (which
    # carries the next one) raises it, which revokes the links sent before (a
    # forwarded bulletin's, a leaked one). Asking for a link leaves it alone.
    link_generation = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        indexes = [
            # The few owed a confirmation, found by the resend beat every minute.
            models.Index(
                fields=["confirmation_sent_at"],
                condition=~models.Q(confirmation_owed_language=""),
                name="subscriber_owed_confirmation",
            )
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    @classmethod
    def for_email(cls, email: str, **fields) -> "Subscriber":
        """An unsaved subscriber with its address normalised and hashed."""
        normalised = crypto.normalise_email(email)
        return cls(
            email=normalised, email_hash=crypto.lookup_hash(normalised), **fields
        )


class Subscription(models.Model):
    """A subscriber on one list, with how and when they agreed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    class Source(models.TextChoices):
        SIGNUP = "signup", _("signup form")
        IMPORT = "import", _("import")
        STAFF = "staff", _("added by staff")
        PREFERENCES = "preferences", _("preference centre")
        PETITION = "petition", _("petition")
        RSVP = "rsvp", _("event RSVP")
        DEMO = "demo", _("demo data")
        PARTNER = "partner", _("partner API")

    # Named for the admin: a list's Usage page shows the field it is used through.
    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("subscriber"),
    )
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("mailing list"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    consented_at = models.DateTimeField(_("consent time"), null=True, blank=True)
    # The signup page whose confirmation link counts towards its campaign; kept so a
    # confirmation re-queued after a broker outage still counts.
    signup_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "mailing_list"], name="one_subscription_per_list"
            )
        ]
        indexes = [models.Index(fields=["mailing_list", "status"])]

    def __str__(self) -> str:
        # Shown by the admin (a list's Usage page, this row's own screens), in the
        # staff member's language: "#10 on 2 (confirmed)" read as two bare ids.
        return _("Subscriber #%(number)s on %(list)s: %(status)s") % {
            "number": self.subscriber_id,
            "list": self.mailing_list,
            "status": self.get_status_display(),
        }


# The signup page a subscription was made on is bookkeeping (which campaign its
# confirmation counts for), not a use of the page: indexed, it made each person who
# joined through a signup page a "(Private subscription)" row on the page's Usage
# screen, so an editor without a grant on the list learnt how many people joined it
# there. Wagtail's reference index skips a field so marked (a list's own Usage, its
# delete warning, still names every subscription through mailing_list).
Subscription._meta.get_field("signup_page").wagtail_reference_index_ignore = True


class EmailChange(models.Model):
    """A subscriber's wish to move to a new address, kept (encrypted) until the new
    mailbox confirms it from the link we send there (services.change_email). One at
    a time: asking again replaces it, which kills the earlier link; confirming or
    erasing the person deletes it, and the retention purge deletes it once its link
    has expired."""

    subscriber = models.OneToOneField(
        Subscriber, on_delete=models.CASCADE, related_name="email_change"
    )
    email = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"e-mail change #{self.pk}"


class AddressChangeNotice(models.Model):
    """The address a subscriber has just moved away from (services.change_email),
    kept encrypted only until the short notice to it has gone, then deleted
    (services.send_address_change_notice); tied to no one, and holding nothing but
    the address and the language to write in."""

    email = EncryptedTextField()
    language = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"address change notice #{self.pk}"


class Suppression(models.Model):
    """An address that must never be mailed again, kept only as its keyed hash."""

    class Reason(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("hard bounce")
        COMPLAINT = "complaint", _("spam complaint")
        ERASED = "erased", _("erased at the person's request")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed from everything")
        STAFF = "staff", _("suppressed by staff")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppressions")
        # The reason ERASED deletes the person past undoing: not for everyone who
        # may lift a bounce (subscribers/viewsets.py, ErasingSaveMixin).
        permissions = [("erase_person", _("Can erase a person's data for good"))]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d})"


class SignupRequest(models.Model):
    """A public form's signup, kept for the worker (services.process_signup_request)
    so that the request does the same work for a new address as for one already on
    the lists. The worker deletes it; the retention purge deletes any left a day."""

    email = EncryptedTextField()
    # Erasing a person deletes their waiting requests by this hash (hash_keyed_models).
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    name = EncryptedTextField(null=True, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    language = models.CharField(max_length=10, choices=site_languages)
    list_ids = models.JSONField(default=list)
    source = models.CharField(max_length=16, choices=Subscription.Source.choices)
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # request_signup's send_confirmation (a petition took the allowance already).
    send_confirmation = models.BooleanField(null=True, editable=False)
    # Stamped at insert, released if the broker refuses the task: empty is what the
    # resend sweep looks for (cms.requeue).
    queued_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"signup request #{self.pk}"


class ListPermission(models.Model):
    """What a staff group may do with one list: see and export it, add people to it by
    import, or send to it. Each is granted on its own."""

    class Permission(models.TextChoices):
        VIEW = "view", _("see and export subscribers")
        IMPORT = "import", _("import subscribers (CSV)")
        SEND = "send", _("send mailings")

    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="list_permissions",
        verbose_name=_("group"),
    )
    mailing_list = models.ForeignKey(
        MailingList,
        on_delete=models.CASCADE,
        related_name="permissions",
        verbose_name=_("mailing list"),
    )
    permission = models.CharField(
        _("permission"), max_length=8, choices=Permission.choices
    )

    class Meta:
        verbose_name = _("list permission")
        verbose_name_plural = _("list permissions")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "mailing_list", "permission"],
                name="one_list_permission_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.mailing_list} · {self.permission}"


class SignupPage(OneQueryViewRestrictionsMixin, Page):
    """A public form to join lists; staff can place it anywhere in the tree."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link"]
    )
    mailing_lists = ParentalManyToManyField(
        MailingList,
        blank=True,
        verbose_name=_("lists offered"),
        help_text=_("Leave empty to offer every list."),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
        help_text=_("Confirmed signups count towards this campaign."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("mailing_lists", widget=forms.CheckboxSelectMultiple),
        FieldPanel("campaign"),
    ]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("signup page")

    def offered_lists(self) -> models.QuerySet[MailingList]:
        chosen = self.mailing_lists.all()
        return chosen if chosen.exists() else MailingList.objects.all()

    def serve(self, request, *args, **kwargs):
        from .views import serve_signup_page

        return serve_signup_page(request, self)
