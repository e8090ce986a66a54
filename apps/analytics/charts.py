"""Charts drawn on the server as SVG: no script, no CDN, no `style` attribute (the admin's CSP allows
SVG presentation attributes such as `fill`). Text uses `currentColor`, so it follows the admin's
light or dark theme. Every chart is `role="img"` with a title; its numbers are in a table next to it
(the templates), so the chart itself is a picture for sighted readers.
"""

from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

VIEWS_FILL = "#79aec8"
VISITORS_STROKE = "#205067"
GROWTH_STROKE = "#417690"
BAR_FILL = "#79aec8"


def _nice_max(value: int) -> int:
    """A round number at least `value` for the top of the axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _short_date(day: date) -> str:
    return date_format(day, "MONTH_DAY_FORMAT")


def _axes(width: int, height: int, left: int, bottom: int, top: int, top_value: int) -> SafeString:
    plot_height = height - bottom - top
    lines = []
    for fraction in (0, 0.5, 1):
        if (top_value * fraction) % 1:
            continue  # no "0.5 views"
        y = top + plot_height * (1 - fraction)
        lines.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-opacity="0.15"/>'
                '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="currentColor">{}</text>',
                left,
                f"{y:.1f}",
                width,
                f"{y:.1f}",
                left - 4,
                f"{y + 4:.1f}",
                number_format(round(top_value * fraction)),
            )
        )
    return mark_safe("".join(lines))  # noqa: S308 - parts built with format_html


def _x_labels(days: Sequence[date], x_of, height: int) -> SafeString:
    if not days:
        return mark_safe("")
    picks = sorted({0, len(days) // 2, len(days) - 1})
    last = len(days) - 1

    def anchor(i: int) -> str:
        # The first and last labels hang inwards, so they are never cut at the edges.
        return "start" if i == 0 and last else "end" if i == last and last else "middle"

    return format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="currentColor">{}</text>',
        ((f"{x_of(i):.1f}", height - 4, anchor(i), _short_date(days[i])) for i in picks),
    )


def views_chart(
    points: Sequence[tuple[date, int, int]], *, title: str, chart_id: str, width: int = 720, height: int = 220
) -> SafeString:
    """Bars of views per day and a line of unique visitors per day."""
    left, bottom, top = 48, 20, 8
    plot_width, plot_height = width - left, height - bottom - top
    top_value = _nice_max(max((max(v, u) for _d, v, u in points), default=0))
    count = max(len(points), 1)
    slot = plot_width / count
    bar = max(slot * 0.75, 1.0)

    def x_of(i: int) -> float:
        return left + slot * i + slot / 2

    def y_of(value: int) -> float:
        return top + plot_height * (1 - value / top_value)

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
        (
            (
                f"{x_of(i) - bar / 2:.1f}",
                f"{y_of(v):.1f}",
                f"{bar:.1f}",
                f"{top + plot_height - y_of(v):.1f}",
                VIEWS_FILL,
            )
            for i, (_d, v, _u) in enumerate(points)
            if v
        ),
    )
    line = " ".join(f"{x_of(i):.1f},{y_of(u):.1f}" for i, (_d, _v, u) in enumerate(points))
    visitors = (
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-linejoin="round"/>',
            line,
            VISITORS_STROKE,
        )
        if len(points) > 1
        else ""
    )
    return format_html(
        '<svg class="analytics-chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-title" '
        'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>'
        "{axes}{bars}{visitors}{labels}</svg>",
        w=width,
        h=height,
        id=chart_id,
        title=title,
        axes=_axes(width, height, left, bottom, top, top_value),
        bars=bars,
        visitors=visitors,
        labels=_x_labels([d for d, _v, _u in points], x_of, height),
    )


def line_chart(
    points: Sequence[tuple[date, int]], *, title: str, chart_id: str, width: int = 520, height: int = 160
) -> SafeString:
    """One line (e.g. users over time)."""
    left, bottom, top = 48, 20, 8
    plot_width, plot_height = width - left - 4, height - bottom - top
    values = [v for _d, v in points]
    low = min(values, default=0)
    top_value = _nice_max(max(values, default=0))
    low = 0 if low < top_value / 2 else low  # keep 0 at the bottom unless the line would be flat on top

    def x_of(i: int) -> float:
        return left + (plot_width * i / (len(points) - 1) if len(points) > 1 else plot_width / 2)

    def y_of(value: int) -> float:
        span = (top_value - low) or 1
        return top + plot_height * (1 - (value - low) / span)

    line = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, (_d, v) in enumerate(points))
    return format_html(
        '<svg class="analytics-chart" viewBox="0 0 {w} {h}" width="100%" role="img" aria-labelledby="{id}-title" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>{axes}'
        '<polyline points="{line}" fill="none" stroke="{stroke}" stroke-width="2" stroke-linejoin="round"/>'
        "{labels}</svg>",
        w=width,
        h=height,
        id=chart_id,
        title=title,
        axes=_axes(width, height, left, bottom, top, top_value),
        line=line,
        stroke=GROWTH_STROKE,
        labels=_x_labels([d for d, _v in points], x_of, height),
    )


def share_bar(share: float, *, width: int = 120) -> SafeString:
    """A small bar for a table cell (decorative: the number is in the next cell)."""
    filled = max(0.0, min(1.0, share)) * width
    return format_html(
        '<svg class="analytics-bar" width="{}" height="10" aria-hidden="true" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg"><rect width="{}" height="10" rx="2" fill="{}"/></svg>',
        width,
        f"{filled:.1f}",
        BAR_FILL,
    )
