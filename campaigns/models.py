"""Organizing campaigns. Counters, milestones, petitions and mailings join these."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_THRESHOLDS = [
    10,
    25,
    50,
    100,
    250,
    500,
    1_000,
    2_500,
    5_000,
    10_000,
    25_000,
    50_000,
    100_000,
]


def default_thresholds() -> list[int]:
    return list(DEFAULT_THRESHOLDS)


class Campaign(models.Model):
    """An organizing drive ("Hate has no place in Chicago") that owns counters."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    goal = models.PositiveIntegerField(
        _("goal"), default=100, validators=[MinValueValidator(1)]
    )
    milestone_thresholds = models.JSONField(
        _("milestone thresholds"), default=default_thresholds
    )
    lead_emails = models.TextField(
        _("leads to notify"), blank=True, help_text=_("One e-mail address per line.")
    )
    default_lists = models.ManyToManyField(
        "subscribers.MailingList",
        verbose_name=_("default lists for opt-in"),
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    @property
    def lead_email_list(self) -> list[str]:
        return [line.strip() for line in self.lead_emails.splitlines() if line.strip()]


from campaigns.mailings.models import Delivery, Mailing, MailingRendition, TrackingEvent  # noqa: E402, F401
