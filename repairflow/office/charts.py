"""Charts drawn on the server as SVG (no script, no CDN): the on-time rate of each department and
the weekly trend of cases received and closed. Each has a title and a text description for
screen readers, and the page shows the same figures as a table beside it."""

from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR_HEIGHT, GAP, LABEL_WIDTH, BAR_WIDTH = 22, 8, 180, 300
INK, ACCENT, MUTED = "#1f2a37", "#b42318", "#667085"


def on_time_bars(rows: list[dict[str, Any]]) -> SafeString:
    """One horizontal bar per department: its on-time rate (no bar when it had nothing to rate)."""
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + 70
    title = escape(_("On-time rate by department"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="on-time-title"><title id="on-time-title">{title}</title>'
    ]
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{escape(row['name'])}</text>"
        )
        rate = row["on_time_rate"]
        if rate is None:
            parts.append(f'<text x="{LABEL_WIDTH}" y="{y + 16}" font-size="13" fill="{MUTED}">—</text>')
            continue
        colour = INK if rate >= 0.9 else ACCENT
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH * rate:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH * rate + 6:.1f}" y="{y + 16}" font-size="13" fill="{INK}">'
            f"{rate:.0%}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)


def weekly_lines(weeks: list[dict[str, Any]]) -> SafeString:
    """Cases received and closed per week, as two lines over the weeks of the period."""
    # `right`: room for half of the last week's label, which is centred on its point
    width, height, left, right, bottom, top = 640, 240, 40, 24, 30, 16
    peak = max([1, *(week["received"] for week in weeks), *(week["closed"] for week in weeks)])
    step = (width - left - right) / max(len(weeks) - 1, 1)

    def point(index: int, value: int) -> str:
        return f"{left + index * step:.1f},{height - bottom - (height - bottom - top) * value / peak:.1f}"

    title = escape(_("Cases received and closed per week"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-labelledby="trend-title"><title id="trend-title">{title}</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11" fill="{MUTED}">{peak}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11" fill="{MUTED}">0</text>',
    ]
    for key, colour, dash in (("received", INK, ""), ("closed", ACCENT, ' stroke-dasharray="6 4"')):
        points = " ".join(point(index, week[key]) for index, week in enumerate(weeks))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{points}"/>')
    for index, week in enumerate(weeks):
        if index % max(len(weeks) // 8, 1) == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                f'fill="{MUTED}">{_week_label(week["week"])}</text>'
            )
    legend = [(escape(_("received")), INK, ""), (escape(_("closed")), ACCENT, ' stroke-dasharray="6 4"')]
    for index, (label, colour, dash) in enumerate(legend):
        x = width - 200 + index * 100
        parts.append(
            f'<line x1="{x}" y1="{top}" x2="{x + 24}" y2="{top}" stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{x + 30}" y="{top + 4}" font-size="12" fill="{INK}">{label}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text in it is escaped above)


def _week_label(monday: date) -> str:
    return f"{monday.month}/{monday.day}"
