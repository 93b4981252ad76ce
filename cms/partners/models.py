"""Partner keys, idempotency records, consent records, personal-data reads and webhooks.

Nothing here holds a person's address in clear: keys are stored as keyed hashes,
webhook deliveries keep ids only (a payload with personal data is built at send time
and never stored), and idempotency records keep responses, which carry ids only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from subscribers.fields import EncryptedTextField


class Action(models.TextChoices):
    """What a key may do; each is granted on its own by staff."""

    SIGNUP = "signup", _("Add people to lists (they confirm by e-mail)")
    SIGNUP_CONFIRMED = (
        "signup_confirmed",
        _("Add people as confirmed (the partner collected their consent)"),
    )
    SIGN = "sign", _("Sign petitions")
    RSVP = "rsvp", _("RSVP to events")
    READ_AGGREGATES = "read_aggregates", _("Read counts")
    EXPORT = "export", _("Read names and addresses of people on the export lists")


class EventType(models.TextChoices):
    """Webhook event types a partner can subscribe an endpoint to."""

    SUBSCRIPTION_CONFIRMED = "subscription.confirmed", _("Signup confirmed")
    SIGNATURE_COUNTED = "signature.counted", _("Signature counted")
    MILESTONE_REACHED = "milestone.reached", _("Milestone reached")
    RSVP_CONFIRMED = "rsvp.confirmed", _("RSVP confirmed")
    EVENT_UPDATED = "event.updated", _("Event updated")
    EVENT_CANCELLED = "event.cancelled", _("Event cancelled")


class ApiKey(models.Model):
    """A partner's key: named, scoped to actions and to lists, campaigns and events."""

    Action = Action

    name = models.CharField(_("name"), max_length=120)
    partner = models.CharField(
        _("partner organisation"),
        max_length=160,
        help_text=_("Who holds this key, e.g. The Resurrection Project."),
    )
    # The public part of the key, used to find it; the secret part is only hashed.
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    # The PARTNER_API_KEY_PREFIX the key was made under ("ona", "houston"), which it
    # keeps when the setting changes; empty for a key made before this was stored,
    # until it is next used (cms.partners.keys.authenticate).
    start = models.CharField(max_length=16, blank=True, default="", editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    actions = models.JSONField(_("allowed actions"), default=list, blank=True)
    lists = models.ManyToManyField(
        "subscribers.MailingList",
        blank=True,
        related_name="+",
        verbose_name=_("lists"),
        help_text=_("Lists this key may add people to and read counts of."),
    )
    export_lists = models.ManyToManyField(
        "subscribers.MailingList",
        blank=True,
        related_name="+",
        verbose_name=_("export lists"),
        help_text=_(
            "Lists whose people (names and addresses) this key may read, with the "
            "export action. Every such read is logged."
        ),
    )
    campaigns = models.ManyToManyField(
        "campaigns.Campaign",
        blank=True,
        related_name="+",
        verbose_name=_("campaigns"),
        help_text=_("Campaigns whose petitions this key may sign and read counts of."),
    )
    events = models.ManyToManyField(
        "events.EventPage",
        blank=True,
        related_name="+",
        verbose_name=_("events"),
        help_text=_("Events this key may RSVP to and read attendance counts of."),
    )
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests per minute"),
        default=0,
        help_text=_("0: the site's default."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["partner", "name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.partner}: {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, action: str) -> bool:
        return action in (self.actions or [])

    @cached_property
    def list_ids(self) -> frozenset[int]:
        return frozenset(self.lists.values_list("pk", flat=True))

    @cached_property
    def export_list_ids(self) -> frozenset[int]:
        if not self.allows(Action.EXPORT):
            return frozenset()
        return frozenset(self.export_lists.values_list("pk", flat=True))

    @cached_property
    def campaign_ids(self) -> frozenset[int]:
        return frozenset(self.campaigns.values_list("pk", flat=True))

    @cached_property
    def event_ids(self) -> frozenset[int]:
        return frozenset(self.events.values_list("pk", flat=True))

    @property
    def rate_limit(self) -> int:
        return self.rate_limit_per_minute or settings.PARTNER_API_RATE_PER_MINUTE


class IdempotencyRecord(models.Model):
    """The answer to one POST, replayed to a retry with the same Idempotency-Key."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "key"], name="one_record_per_idempotency_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.api_key_id} · {self.key}"


class PartnerConsent(models.Model):
    """A partner's statement that a person agreed to join a list, kept with the
    subscription it confirmed (and erased with the person)."""

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="partner_consents",
    )
    mailing_list = models.ForeignKey(
        "subscribers.MailingList", on_delete=models.CASCADE, related_name="+"
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.CharField(_("partner organisation"), max_length=160)
    statement = models.TextField(_("consent statement"))
    given_at = models.DateTimeField(_("consent given at"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("partner consent")
        verbose_name_plural = _("partner consents")

    def __str__(self) -> str:
        return f"{self.partner} · {self.mailing_list_id} · {self.given_at:%Y-%m-%d}"


class PersonalDataRead(models.Model):
    """One read of personal data by a partner (an export page or a webhook)."""

    class Channel(models.TextChoices):
        API = "api", _("API export")
        WEBHOOK = "webhook", _("webhook")

    api_key = models.ForeignKey(
        ApiKey, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    partner = models.CharField(_("partner organisation"), max_length=160)
    key_name = models.CharField(_("key"), max_length=120)
    mailing_list = models.ForeignKey(
        "subscribers.MailingList",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("list"),
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    records = models.PositiveIntegerField(_("people"))
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")

    def __str__(self) -> str:
        return f"{self.partner} · {self.records} · {self.at:%Y-%m-%d %H:%M}"


class WebhookEndpoint(models.Model):
    """A partner URL that receives signed events of the chosen types, within the scope
    of the partner's key."""

    EventType = EventType

    api_key = models.ForeignKey(
        ApiKey,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("API key"),
        help_text=_(
            "Events are sent only about the lists, campaigns and events of this key; "
            "names and addresses only when it may export the list."
        ),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    # Standard Webhooks secret ("whsec_..."): needed in clear to sign, so encrypted.
    secret = EncryptedTextField()
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # A receiver that cannot be reached pauses the endpoint, so its queue of
    # deliveries waits instead of holding workers on timeouts.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["api_key", "url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its attempts; unique per (endpoint, event)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SUCCEEDED = "succeeded", _("delivered")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_type = models.CharField(
        _("event type"), max_length=40, choices=EventType.choices
    )
    # What makes the event itself unique (e.g. "signature.counted:42"), so recording it
    # twice creates one delivery per endpoint.
    event_key = models.CharField(max_length=120, editable=False)
    message_id = models.CharField(_("webhook id"), max_length=40, unique=True)
    data = models.JSONField(_("data (ids)"), default=dict)
    occurred_at = models.DateTimeField(_("event time"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="one_delivery_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"
