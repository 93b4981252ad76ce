"""Mailings: one send of one page to one audience, and a Delivery per recipient.

Idempotency lives in the data: deliveries are unique on (mailing, subscriber) and are
claimed with a conditional UPDATE, so any send task may run twice without harm.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

# The paused_reason values the services write (English, for the logs and the health
# page); the admin shows them in the staff member's language (Mailing.paused_note).
PAUSED_BY_STAFF = "paused by staff"
PROVIDER_FAILING = "provider failing: "


class Mailing(models.Model):
    class Lane(models.TextChoices):
        BULK = "bulk", _("bulk (bulletins)")
        ALERTS = "alerts", _("alerts (priority)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        AWAITING_APPROVAL = "awaiting", _("waiting for a second approval")
        SCHEDULED = "scheduled", _("scheduled")
        STARTING = "starting", _("starting")
        SENDING = "sending", _("sending")
        PAUSED = "paused", _("paused")
        SENT = "sent", _("sent")
        CANCELLED = "cancelled", _("cancelled")
        STALE = "stale", _("not sent: past its send-by time")

    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lists = models.ManyToManyField(
        "subscribers.MailingList", verbose_name=_("lists"), related_name="mailings"
    )
    languages = models.JSONField(
        _("only these languages"),
        default=list,
        blank=True,
        help_text=_("Empty: every language."),
    )
    zip_prefix = models.CharField(
        _("only ZIP codes starting with"), max_length=10, blank=True
    )
    lane = models.CharField(
        _("lane"), max_length=8, choices=Lane.choices, default=Lane.BULK
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    send_by = models.DateTimeField(
        _("send by"),
        null=True,
        blank=True,
        help_text=_("Nothing is sent after this time."),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mailings",
    )
    track_opens = models.BooleanField(_("track opens"), default=False)
    track_clicks = models.BooleanField(_("track clicks"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    recipients_count = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    paused_reason = models.CharField(max_length=200, blank=True)
    probe_at = models.DateTimeField(null=True, blank=True)
    # Real progress only (claimed to start, started, a batch sent, resumed); the
    # upkeep's re-queueing is stamped apart, so health can tell a mailing that moves
    # from one the upkeep keeps kicking in vain.
    last_progress_at = models.DateTimeField(null=True, blank=True)
    restarted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "campaigns"
        ordering = ["-created_at"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"{self.page.title} ({self.get_status_display()})"

    def paused_note(self) -> tuple[str, str]:
        """Why it is paused, in the admin's language, and the provider's own words
        (English, technical) when a failing provider paused it: ("", "") when not."""
        reason = self.paused_reason
        if not reason:
            return "", ""
        if reason == PAUSED_BY_STAFF:
            return str(_("paused by staff: nothing more goes out until resumed")), ""
        if reason.startswith(PROVIDER_FAILING):
            return (
                str(
                    _(
                        "the e-mail provider kept failing: sending resumes by itself "
                        "once it answers again"
                    )
                ),
                reason.removeprefix(PROVIDER_FAILING),
            )
        return reason, ""


class MailingRendition(models.Model):
    """The e-mail rendered once per language when sending starts: the send's snapshot.

    Empty ``html``: pending, pinned to ``revision`` and rendered after the first batch
    (campaigns.mailings.services.starting.render_pending)."""

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="renditions"
    )
    # The readers' language: fixed text, dates and direction are theirs.
    language = models.CharField(max_length=10)
    # The language of the content those readers got: their own, or the default one
    # when the page has no translation in theirs.
    content_language = models.CharField(max_length=10, blank=True, default="")
    # Set when that content was a machine translation no person had edited.
    machine_tool = models.CharField(max_length=100, blank=True, default="")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=255)
    preheader = models.CharField(max_length=255, blank=True)
    html = models.TextField()
    text = models.TextField()

    class Meta:
        app_label = "campaigns"
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "language"], name="one_rendition_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.language}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        BOUNCED = "bounced", _("bounced")
        COMPLAINED = "complained", _("complained")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Erasing a person keeps the mailing's counts but not the link to them.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    language = models.CharField(max_length=10)
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.QUEUED,
        db_default=Status.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    esp_message_id = models.CharField(
        max_length=255, blank=True, default="", db_default=""
    )
    error = models.CharField(max_length=255, blank=True, default="", db_default="")
    created_at = models.DateTimeField(db_default=Now())
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set by the claim, so the rows of one batch are found without long id lists.
    batch_token = models.CharField(max_length=32, blank=True, default="", db_default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "campaigns"
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="one_delivery_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["mailing", "status"]),
            models.Index(fields=["batch_token"]),
            models.Index(fields=["esp_message_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id}/{self.pk} {self.status}"


class TrackingEvent(models.Model):
    """A provider's webhook event, stored once per provider event id (replays are no-ops)."""

    esp_event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=32)
    delivery = models.ForeignKey(
        Delivery, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    occurred_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed = models.BooleanField(default=False)

    class Meta:
        app_label = "campaigns"
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.esp_event_id}"
