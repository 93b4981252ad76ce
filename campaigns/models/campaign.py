"""Organizing campaigns. Counters, milestones, petitions and mailings join these."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_email
from django.db import models
from django.utils.functional import cached_property
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


def normalise_thresholds(values) -> list[int]:
    """Milestone thresholds as sorted distinct positive integers, whatever was typed in."""
    numbers = set()
    for value in values if isinstance(values, list) else []:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if number > 0:
            numbers.add(number)
    return sorted(numbers)


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
        _("leads to notify"),
        blank=True,
        help_text=_(
            "One e-mail address per line. Each lead gets a message of their own about "
            "every milestone, so no lead sees another's address: in the language of "
            "their admin account, else the one they chose as a subscriber, else "
            "English. Leads without an admin account get the petition's public page "
            "instead of the report."
        ),
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

    def clean(self) -> None:
        errors = {}
        values = self.milestone_thresholds
        if not isinstance(values, list) or any(
            isinstance(value, bool) or not isinstance(value, int) or value < 1
            for value in values
        ):
            errors["milestone_thresholds"] = _(
                "Enter a list of positive whole numbers, like [10, 25, 50, 100]."
            )
        for line in self.lead_email_list:
            try:
                validate_email(line)
            except ValidationError:
                errors["lead_emails"] = _(
                    "“%(line)s” is not an e-mail address. Put one address per line."
                ) % {"line": line}
                break
        if errors:
            raise ValidationError(errors)

    @cached_property
    def offered_list_ids(self) -> list[int]:
        """Ids of the lists a signer may opt in to (the campaign's default lists)."""
        return list(self.default_lists.values_list("pk", flat=True))

    @property
    def thresholds(self) -> list[int]:
        return normalise_thresholds(self.milestone_thresholds)

    def goal_for(self, count: int) -> int:
        """The target the progress bar shows: the goal, then the next threshold past it."""
        if count < self.goal:
            return self.goal
        for threshold in self.thresholds:
            if threshold > count:
                return threshold
        # Past every threshold: keep a bar that is never full.
        step = 10 ** max(len(str(count)) - 1, 1)
        return (count // step + 1) * step
