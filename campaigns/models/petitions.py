"""Petition pages and their signatures.

A petition and all its translations share one campaign, so every language adds to the
same count. Signatures keep only what the design allows (e-mail and optional name,
both encrypted; optional ZIP; language), never an IP address.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cms.languages import site_languages
from cms.routing import OneQueryViewRestrictionsMixin
from subscribers import crypto
from subscribers.fields import EncryptedTextField


class PetitionPage(OneQueryViewRestrictionsMixin, Page):
    """A petition: who it is addressed to, what it asks, and the form to sign it."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        related_name="petition_pages",
        help_text=_(
            "Every translation of this petition adds to this campaign's count."
        ),
    )
    target = models.CharField(
        _("addressed to"),
        max_length=255,
        help_text=_('Shown as "To: ..." above the statement.'),
    )
    statement = models.TextField(_("statement"))
    why = RichTextField(
        _("why this matters"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h3"],
    )
    thank_you = models.TextField(
        _("thank-you message"),
        blank=True,
        help_text=_("Shown after signing; a default message is used when empty."),
    )
    require_verification = models.BooleanField(
        _("require e-mail verification"),
        # On for new petitions: unverified, one connection could add a thousand
        # made-up signatures every ten minutes (the per-client limit is sized for a
        # rally) and set off milestone announcements.
        default=True,
        help_text=_(
            "Signatures count only after the signer follows the link we e-mail them. "
            "Turned off, every signature counts at once without checking the address: "
            "anyone can raise the count, and set off milestones, with made-up "
            "addresses."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("campaign"),
        FieldPanel("target"),
        FieldPanel("statement"),
        FieldPanel("why"),
        FieldPanel("thank_you"),
    ]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel([FieldPanel("require_verification")], heading=_("Signing")),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("petition page")

    def get_context(self, request, *args, **kwargs):
        from campaigns import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.petition_summary(campaign=self.campaign))
        return context

    def serve(self, request, *args, **kwargs):
        from campaigns.views import serve_petition

        return serve_petition(request, self, *args, **kwargs)


class Signature(models.Model):
    """One person's signature on one campaign's petition: one per mailbox."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting e-mail verification")
        VERIFIED = "verified", _("counted")

    # No index of its own: (campaign, mailbox_hash) and (campaign, status, verified_at)
    # both start with it, and each index is one more write per signature.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="signatures",
        db_index=False,
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email = EncryptedTextField(_("e-mail address"))
    email_hash = models.CharField(max_length=64, editable=False)
    # The keyed hash of the mailbox (subscribers.crypto.mailbox_hash): ana+1@ and
    # ana+2@ are one person, who signs once. email_hash stays the address's own, which
    # erasure and "download my data" look rows up by, as they do in every app.
    mailbox_hash = models.CharField(max_length=64, editable=False)
    name = EncryptedTextField(_("name"), null=True, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=site_languages, default="en"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("signed at"))
    verified_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    # When the verification e-mail was handed to the queue; empty while it still has to
    # be (the broker was down), which the resend beat task looks for.
    verification_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "mailbox_hash"], name="one_signature_per_mailbox"
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "verified_at"]),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="pending", verification_queued_at=None),
                name="signature_unqueued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk}"

    def save(self, *args, **kwargs):
        # The signing services set it; a row made any other way (the admin, fixtures)
        # gets its mailbox too, or every such row would share the empty one.
        if not self.mailbox_hash and self.email:
            address = crypto.normalise_email(self.email)
            self.mailbox_hash = crypto.mailbox_hash(address)
        super().save(*args, **kwargs)
