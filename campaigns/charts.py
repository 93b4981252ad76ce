"""The campaign report's chart: signatures over time, milestones marked, up to today
(a pygal SVG image, see cms/charts.py)."""

from datetime import UTC

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns import selectors
from campaigns.models import Campaign, Counter, Milestone
from cms import charts


def signatures_over_time(campaign: Campaign, *, now=None, narrow: bool = False):
    """The cumulative count from the campaign's start to now, and each milestone
    (``narrow``: the phone's version, cms.charts.time_line)."""
    now = now or timezone.now()
    points = selectors.count_over_time(campaign_id=campaign.pk)
    milestones = list(
        Milestone.objects.filter(
            campaign=campaign, counter=Counter.Kind.SIGNATURES
        ).order_by("reached_at")
    )
    start = min([campaign.created_at, *(when for when, _count in points[:1])])
    if points:
        # The line runs on to today at the current count: quiet days are part of it.
        points = [(start, 0), *points, (now, points[-1][1])]
    span_days = (now - start).days

    def label(when) -> str:
        if timezone.is_naive(when):  # pygal hands back its axis positions in naive UTC
            when = when.replace(tzinfo=UTC)
        local = timezone.localtime(when)
        if span_days <= 3:
            return formats.date_format(local, "SHORT_DATETIME_FORMAT")
        return formats.date_format(local, "SHORT_DATE_FORMAT")

    series = [
        (_("Signatures"), points, {"show_dots": False, "stroke_style": {"width": 3}}),
    ]
    if milestones:
        series.append(
            (
                _("Milestones"),
                [
                    {
                        "value": (milestone.reached_at, milestone.threshold),
                        "label": _("%(count)s reached on %(when)s")
                        % {
                            "count": milestone.threshold,
                            "when": label(milestone.reached_at),
                        },
                    }
                    for milestone in milestones
                ],
                {"stroke": False, "dots_size": 6},
            )
        )
    return charts.time_line(
        title=_("Signatures over time"),
        series=series,
        y_title=_("Signatures"),
        start=start,
        end=now,
        formatter=label,
        colors=(charts.PALETTE[0], charts.PALETTE[5]),
        narrow=narrow,
    )
