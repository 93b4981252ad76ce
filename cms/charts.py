"""Report charts drawn on the server with pygal, served as standalone SVG images.

Why pygal and images: the admin stays free of third-party scripts (pygal's optional
tooltip script is switched off), and an <img> of our own origin needs nothing more than
``img-src 'self'`` from the site's Content-Security-Policy. The SVG's own stylesheet is
inside the image, so the image response carries its own narrow policy.

Every chart has a y axis starting at zero, labels that do not overlap, and sits next to
a table of the same figures for people who cannot see it.
"""

from collections.abc import Sequence

import pygal
from django.http import HttpResponse
from django.utils.translation import gettext as _
from pygal.style import Style

# Readable on white, distinct for the common kinds of colour blindness (Okabe–Ito).
PALETTE = (
    "#0b5cab",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#7a6a00",
    "#5b6472",
)
WIDTH, HEIGHT = 800, 360
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def style(colors: Sequence[str] = PALETTE) -> Style:
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1d2330",
        foreground_strong="#1d2330",
        foreground_subtle="#6b7280",
        opacity=".85",
        opacity_hover="1",
        colors=tuple(colors),
        font_family="system-ui, -apple-system, 'Segoe UI', 'Noto Sans', sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        title_font_size=15,
        value_font_size=12,
        tooltip_font_size=13,
        no_data_font_size=20,
    )


def without_scripts(root):
    """pygal always writes its tooltip settings into a <script>: an image needs none."""
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def base_config(**overrides) -> dict:
    config = {
        "js": [],  # no script, not even pygal's tooltips from a CDN
        "width": WIDTH,
        "height": HEIGHT,
        "explicit_size": True,
        "style": style(),
        "legend_at_bottom": True,
        "truncate_legend": -1,
        "truncate_label": -1,
        "show_minor_x_labels": False,
        "include_x_axis": True,
        "margin": 16,
        "margin_right": 40,
        "margin_bottom": 28,
        "spacing": 12,
        "no_data_text": str(_("Nothing to show yet")),
        "print_values": False,
    }
    config.update(overrides)
    return config


def make(chart_class, **config):
    # pygal serialises its settings as JSON: lazy translations must be strings first.
    for key in ("title", "x_title", "y_title", "no_data_text"):
        if config.get(key) is not None:
            config[key] = str(config[key])
    chart = chart_class(**base_config(**config))
    chart.add_xml_filter(without_scripts)
    return chart


def thinned(labels: Sequence[str], *, most: int = 8) -> list[str]:
    """Of many x labels, the ones pygal shows as major (the rest stay hidden)."""
    if len(labels) <= most:
        return list(labels)
    step = -(-len(labels) // most)
    return [label for index, label in enumerate(labels) if index % step == 0]


def whole_ticks(top, *, most: int = 8) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, at most ``most`` steps apart:
    the charts count messages and people, and pygal marked a bar of 3 messages on an
    axis of 0.2, 0.4, ... 2.8. Empty for a chart of zeros (pygal's own axis)."""
    if not top or top != int(top):
        return []
    top = int(top)
    step = -(-top // most)
    return list(range(0, top + step, step))


def svg_response(chart) -> HttpResponse:
    """The chart as an image/svg+xml response with its own narrow policy."""
    # Each SVG text is laid out left to right: the right-to-left marks Django's Arabic
    # date formats put after every slash turned "03/05/2024" into "032024/05/".
    svg = chart.render().replace("\u200f".encode(), b"").replace("\u200e".encode(), b"")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    response["Cache-Control"] = "private, max-age=0"
    return response


def bar_chart(
    *,
    title: str,
    labels,
    series,
    y_title: str,
    colors=PALETTE,
    narrow: bool = False,
    **extra,
):
    """Vertical bars: one bar (or group) per label; ``series`` is [(name, values)].
    ``narrow``: the phone's version (see time_line), with as many x labels as fit
    side by side and the legend one name a line."""
    labels = [str(label) for label in labels]
    width, height = (NARROW_WIDTH, NARROW_HEIGHT) if narrow else (WIDTH, HEIGHT)
    shown = len(series) > 1
    if narrow and shown:
        height += LEGEND_LINE * len(series)
    chart = make(
        pygal.Bar,
        title=title,
        y_title=y_title,
        x_labels=labels,
        x_labels_major=thinned(labels, most=labels_that_fit(labels, width=width)),
        style=style(colors),
        show_legend=shown,
        legend_at_bottom_columns=1 if narrow else _legend_columns(len(series)),
        width=width,
        height=height,
        **extra,
    )
    for name, values in series:
        chart.add(str(name), list(values))
    chart.y_labels = (
        whole_ticks(
            max((value for _name, values in series for value in values), default=0)
        )
        or None
    )
    return chart


def stacked_bars(
    *, title: str, labels, series, x_title: str, colors=PALETTE, narrow: bool = False
):
    """Horizontal stacked bars: one bar per label, one colour per series.
    ``narrow``: the phone's version, the legend one name a line."""
    if narrow:
        width = NARROW_WIDTH
        height = max(NARROW_HEIGHT, 120 + 44 * len(labels)) + LEGEND_LINE * len(series)
    else:
        width, height = WIDTH, max(HEIGHT, 120 + 44 * len(labels))
    chart = make(
        pygal.HorizontalStackedBar,
        title=title,
        x_title=x_title,
        x_labels=[str(label) for label in labels],
        # The value axis of a horizontal chart: without its minor labels it showed
        # only "0".
        show_minor_x_labels=True,
        width=width,
        height=height,
        style=style(colors),
        legend_at_bottom_columns=1 if narrow else _legend_columns(len(series)),
    )
    for name, values in series:
        chart.add(str(name), list(values))
    totals = [
        sum(column)
        for column in zip(*(values for _name, values in series), strict=True)
    ]
    chart.y_labels = whole_ticks(max(totals, default=0)) or None
    return chart


def _legend_columns(count: int) -> int:
    return max(1, min(count, 6))


# A phone's report shows this version (a <picture> source): at 390 px the wide chart
# was drawn at under half size, its 13 px type at 6 px and its dates run together.
NARROW_WIDTH, NARROW_HEIGHT = 400, 300
# What the x axis's labels leave out of a chart's width: the y axis, its title, margins.
X_AXIS_INSET = 110
# A legend line at the bottom of a phone's chart (13 px type): the chart grows by it.
LEGEND_LINE = 22


def label_width(text) -> float:
    """A label's width estimated at 0.6 em a character (dates and times are digits)."""
    return len(str(text)) * 0.6 * style().label_font_size


def labels_that_fit(labels: Sequence[str], *, width: int, most: int = 8) -> int:
    """How many of ``labels`` fit side by side on an x axis ``width`` wide (at most
    ``most``), with one em between them."""
    if not labels:
        return most
    room = width - X_AXIS_INSET
    widest = max(label_width(label) for label in labels) + style().label_font_size
    return max(2, min(most, int(room // widest)))


def time_ticks(start, end, formatter, *, width: int, most: int = 6) -> list:
    """As many evenly spaced x labels as fit side by side in ``width``, at most
    ``most`` and at least the two ends, with one em between labels."""
    room = width - X_AXIS_INSET
    em = style().label_font_size
    for count in range(most, 2, -1):
        ticks = [start + (end - start) * step / (count - 1) for step in range(count)]
        widest = max(label_width(formatter(tick)) for tick in ticks) + em
        if room / (count - 1) >= widest:
            return ticks
    return [start, end]


def time_line(
    *,
    title: str,
    series,
    y_title: str,
    start,
    end,
    formatter,
    colors=PALETTE,
    narrow: bool = False,
):
    """Lines over time; ``series`` is [(name, [(datetime, value)], options)]. The x axis
    runs from ``start`` to ``end`` whatever the data, so a quiet week still shows.
    ``narrow``: the phone's version, drawn at about the size a phone shows it."""
    width, height = (NARROW_WIDTH, NARROW_HEIGHT) if narrow else (WIDTH, HEIGHT)
    ticks = time_ticks(start, end, formatter, width=width)
    # The last label is centred on the axis's end: room for its half, or it is cut.
    margin_right = max(40, round(label_width(formatter(ticks[-1])) / 2) + 4)
    chart = make(
        pygal.DateTimeLine,
        title=title,
        y_title=y_title,
        x_value_formatter=formatter,
        xrange=(start, end),
        x_labels=ticks,
        margin_right=margin_right,
        show_minor_x_labels=True,
        style=style(colors),
        dots_size=3,
        width=width,
        height=height,
    )
    for name, points, options in series:
        chart.add(str(name), list(points), **options)
    return chart
