"""Exact per-campaign counters and the milestones they cross.

A counter row is updated in the same transaction that stores what it counts, so the
row lock orders concurrent writers; a milestone is unique on (campaign, counter,
threshold), so crossing it is recorded once however many writers race.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CounterKind(models.TextChoices):
    SIGNATURES = "signatures", _("signatures")
    SIGNUPS = "signups", _("signups")


class Counter(models.Model):
    """The running total of one kind of action for one campaign."""

    Kind = CounterKind

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="counters"
    )
    kind = models.CharField(_("counter"), max_length=16, choices=CounterKind.choices)
    value = models.BigIntegerField(_("value"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "kind"], name="one_counter_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="counter_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.kind}={self.value}"


class Milestone(models.Model):
    """A threshold a counter crossed, recorded once with the time it happened."""

    Kind = CounterKind

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="milestones"
    )
    counter = models.CharField(_("counter"), max_length=16, choices=CounterKind.choices)
    threshold = models.PositiveIntegerField(_("threshold"))
    reached_at = models.DateTimeField(_("reached at"))
    # Set once every lead has their message (or there were none to mail).
    notified_at = models.DateTimeField(_("leads notified at"), null=True, blank=True)
    # The notification task's lease while it sends, renewed after each lead: a second
    # run finds it taken, and a killed worker's claim, once older than
    # MILESTONE_NOTIFY_LEASE_SECONDS, is taken again by the resend beat task, which
    # mails only the leads not yet mailed.
    notify_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Keyed hashes of the leads already mailed while a notification is under way, so a
    # retry after one lead's message failed mails only the others; emptied once every
    # lead has theirs (null: none yet; the fast sign statement inserts no value).
    leads_mailed = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-reached_at", "-threshold"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "counter", "threshold"],
                name="one_milestone_per_threshold",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.counter} {self.threshold}"


class CountedSignup(models.Model):
    """A person whose confirmed signup a campaign has counted: each person once.

    Without it every confirmation through the campaign's signup page counted, so a
    person who joined a second list there, or left and came back, was counted again.
    Holds ids only; goes with the person when they are erased.
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+"
    )
    # A named reverse relation: "download my data" and erasure find the rows by it.
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="counted_signups",
    )
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="one_counted_signup_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.subscriber_id}"
