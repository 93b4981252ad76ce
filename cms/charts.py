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


def svg_response(chart) -> HttpResponse:
    """The chart as an image/svg+xml response with its own narrow policy."""
    # Each SVG text is laid out left to right: the right-to-left marks Django's Arabic
    # date formats put after every slash turned "03/05/2024" into "032024/05/".
    svg = chart.render().replace("\u200f".encode(), b"").replace("\u200e".encode(), b"")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    response["Cache-Control"] = "private, max-age=0"
    return response


def bar_chart(*, title: str, labels, series, y_title: str, colors=PALETTE, **extra):
    """Vertical bars: one bar (or group) per label; ``series`` is [(name, values)]."""
    chart = make(
        pygal.Bar,
        title=title,
        y_title=y_title,
        x_labels=[str(label) for label in labels],
        x_labels_major=thinned([str(label) for label in labels]),
        style=style(colors),
        show_legend=len(series) > 1,
        legend_at_bottom_columns=_legend_columns(len(series)),
        **extra,
    )
    for name, values in series:
        chart.add(str(name), list(values))
    return chart


def stacked_bars(*, title: str, labels, series, x_title: str, colors=PALETTE):
    """Horizontal stacked bars: one bar per label, one colour per series."""
    height = max(HEIGHT, 120 + 44 * len(labels))
    chart = make(
        pygal.HorizontalStackedBar,
        title=title,
        x_title=x_title,
        x_labels=[str(label) for label in labels],
        height=height,
        style=style(colors),
        legend_at_bottom_columns=_legend_columns(len(series)),
    )
    for name, values in series:
        chart.add(str(name), list(values))
    return chart


def _legend_columns(count: int) -> int:
    return max(1, min(count, 6))


def time_line(
    *, title: str, series, y_title: str, start, end, formatter, colors=PALETTE
):
    """Lines over time; ``series`` is [(name, [(datetime, value)], options)]. The x axis
    runs from ``start`` to ``end`` whatever the data, so a quiet week still shows."""
    chart = make(
        pygal.DateTimeLine,
        title=title,
        y_title=y_title,
        x_value_formatter=formatter,
        xrange=(start, end),
        x_labels=[start + (end - start) * step / 5 for step in range(6)],
        show_minor_x_labels=True,
        style=style(colors),
        dots_size=3,
    )
    for name, points, options in series:
        chart.add(str(name), list(points), **options)
    return chart
