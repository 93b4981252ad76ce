"""The charts of a mailing's report: messages sent per minute, and delivery status by
language and by list (pygal SVG images, see cms/charts.py)."""

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from campaigns.mailings import reports
from campaigns.mailings.confirm import language_name
from campaigns.mailings.models import Delivery, Mailing
from cms import charts
from cms.local_time import local_time_name

STATUS_COLOURS = {
    "queued": "#9aa5b1",
    "sending": "#56b4e9",
    "sent": "#0b5cab",
    "delivered": "#009e73",
    "bounced": "#d55e00",
    "complained": "#cc79a7",
    "failed": "#e69f00",
    "cancelled": "#5b6472",
}
# Beyond this many minutes the bars hold several minutes each, so they stay readable.
MOST_BARS = 60


def sends_per_minute(mailing: Mailing, *, narrow: bool = False):
    """Bars of messages sent per minute (or per few minutes on a long send)."""
    series = reports.sent_per_minute(mailing)
    size = max(1, -(-len(series) // MOST_BARS))
    buckets = [series[start : start + size] for start in range(0, len(series), size)]
    labels = [
        formats.time_format(timezone.localtime(bucket[0][0]), "TIME_FORMAT")
        for bucket in buckets
    ]
    values = [sum(n for _minute, n in bucket) for bucket in buckets]
    if size == 1:
        title, y_title = _("Messages sent per minute"), _("Messages per minute")
    else:
        title = _("Messages sent per %(minutes)s minutes") % {"minutes": size}
        y_title = _("Messages per %(minutes)s minutes") % {"minutes": size}
    return charts.bar_chart(
        title=title,
        labels=labels,
        series=[(_("Messages"), values)],
        y_title=y_title,
        # The city's clock, by its configured name (LOCAL_TIME_NAME): "Chicago time".
        x_title=capfirst(local_time_name()),
        narrow=narrow,
    )


def _status_chart(
    title: str,
    table: dict[str, dict[str, int]],
    labels: list[str],
    *,
    narrow: bool = False,
):
    names = dict(Delivery.Status.choices)
    statuses = [
        status
        for status in reports.STATUS_ORDER
        if any(row.get(status) for row in table.values())
    ]
    return charts.stacked_bars(
        title=title,
        labels=labels,
        series=[
            (capfirst(names[status]), [row.get(status, 0) for row in table.values()])
            for status in statuses
        ],
        x_title=_("People"),
        colors=[STATUS_COLOURS[status] for status in statuses],
        narrow=narrow,
    )


def status_by_language(mailing: Mailing, *, narrow: bool = False):
    table = reports.by_language(mailing)
    labels = [language_name(code) for code in table]
    return _status_chart(_("Delivery status by language"), table, labels, narrow=narrow)


def status_by_list(mailing: Mailing, *, narrow: bool = False):
    table = reports.by_list(mailing)
    return _status_chart(
        _("Delivery status by list"), table, list(table), narrow=narrow
    )
