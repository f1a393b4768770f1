"""Template helpers for every area: `{% load koppel %}`.

Charts are drawn on the server as inline SVG, so they need no JavaScript and no chart library:

    {% bar_chart data title="Rangprofiel" unit="studenten" %}

`data` is a list of (label, value) pairs (or dicts with "label" and "value"). The SVG has a
<title> and <desc>, every bar carries its number as text, and a <details> table repeats the
numbers for screen readers and people who prefer a table. The rounds area uses it for the rank
profile and fill rates; it is just as usable for any other counts. `bar_chart_svg(data, ...)`
returns the same markup from Python.

Other helpers: `status_badge` (an offer status → badge class), `urgency_label`.
"""

from itertools import count

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()

_ids = count(1)

# Each row: the label on its own line, the bar below it with its number behind it. Labels get
# the full width, so the chart stays readable when a phone scales it down.
CHART_WIDTH = 360
LABEL_HEIGHT = 16
BAR_HEIGHT = 18
ROW_GAP = 10
VALUE_ROOM = 48
TOP = 4
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP

STATUS_BADGES = {
    "draft": "badge-muted",
    "submitted": "badge-info",
    "in_review": "badge-info",
    "changes_requested": "badge-warn",
    "published": "badge-ok",
    "running": "badge-ok",
    "completed": "badge-muted",
    "rejected": "badge-danger",
    "archived": "badge-muted",
    "withdrawn": "badge-muted",
}


def _pairs(data) -> list[tuple[str, float]]:
    pairs = []
    for entry in data or []:
        if isinstance(entry, dict):
            pairs.append((str(entry["label"]), entry["value"]))
        else:
            label, value = entry
            pairs.append((str(label), value))
    return pairs


def _format(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, float) else str(value)


def bar_chart_svg(
    data, *, title: str = "", description: str = "", unit: str = "", max_value=None
) -> SafeString:
    """Horizontal bars, one per (label, value). `max_value` fixes the scale (e.g. 100 for
    percentages); otherwise the largest value fills the width."""
    pairs = _pairs(data)
    scale_max = max_value or max((value for _, value in pairs), default=0) or 1
    bar_room = CHART_WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(pairs):
        top = TOP + index * ROW_HEIGHT
        y = top + LABEL_HEIGHT
        width = max(0.0, min(1.0, float(value) / float(scale_max))) * bar_room
        bars.append(
            {
                "label": label,
                "value": _format(value),
                "label_y": top + LABEL_HEIGHT - 4,
                "y": y,
                "text_y": y + BAR_HEIGHT / 2 + 5,
                "width": round(width, 1),
                "value_x": round(width, 1) + 6,
            }
        )
    height = TOP * 2 + max(1, len(pairs)) * ROW_HEIGHT - ROW_GAP
    chart_id = f"chart-{next(_ids)}"
    return render_to_string(
        "frontend/core/_bar_chart.html",
        {
            "id": chart_id,
            "title": title,
            "description": description,
            "unit": unit,
            "bars": bars,
            "width": CHART_WIDTH,
            "height": height,
            "bar_height": BAR_HEIGHT,
        },
    )


@register.simple_tag
def bar_chart(data, title: str = "", description: str = "", unit: str = "", max_value=None):
    return bar_chart_svg(data, title=title, description=description, unit=unit, max_value=max_value)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(str(status), "badge-muted")
