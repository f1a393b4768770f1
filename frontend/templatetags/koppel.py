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

from collections.abc import Iterable, Mapping
from itertools import count
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from backend.offers.models import OfferStatus

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

STATUS_BADGES: dict[str, str] = {
    OfferStatus.DRAFT: "badge-muted",
    OfferStatus.SUBMITTED: "badge-info",
    OfferStatus.IN_REVIEW: "badge-info",
    OfferStatus.CHANGES_REQUESTED: "badge-warn",
    OfferStatus.PUBLISHED: "badge-ok",
    OfferStatus.RUNNING: "badge-ok",
    OfferStatus.COMPLETED: "badge-muted",
    OfferStatus.REJECTED: "badge-danger",
    OfferStatus.ARCHIVED: "badge-muted",
    OfferStatus.WITHDRAWN: "badge-muted",
}
# A chart's data: (label, value) pairs, or dicts with "label" and "value".
ChartData = Iterable[tuple[Any, float] | Mapping[str, Any]] | None


def _pairs(data: ChartData) -> list[tuple[str, float]]:
    pairs = []
    for entry in data or []:
        if isinstance(entry, Mapping):
            pairs.append((str(entry["label"]), entry["value"]))
        else:
            label, value = entry
            pairs.append((str(label), value))
    return pairs


def _format(value: float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return str(int(value)) if isinstance(value, float) else str(value)


def _bar(index: int, label: str, value: float, scale_max: float) -> dict[str, Any]:
    """Where row `index` of the chart goes: its label line, its bar and its number."""
    top = TOP + index * ROW_HEIGHT
    y = top + LABEL_HEIGHT
    width = max(0.0, min(1.0, float(value) / float(scale_max))) * (CHART_WIDTH - VALUE_ROOM)
    return {
        "label": label,
        "value": _format(value),
        "label_y": top + LABEL_HEIGHT - 4,
        "y": y,
        "text_y": y + BAR_HEIGHT / 2 + 5,
        "width": round(width, 1),
        "value_x": round(width, 1) + 6,
    }


def bar_chart_svg(
    data: ChartData,
    *,
    title: str = "",
    description: str = "",
    unit: str = "",
    max_value: float | None = None,
) -> SafeString:
    """Horizontal bars, one per (label, value). `max_value` fixes the scale (e.g. 100 for
    percentages); otherwise the largest value fills the width."""
    pairs = _pairs(data)
    scale_max = max_value or max((value for _, value in pairs), default=0) or 1
    bars = [_bar(index, label, value, scale_max) for index, (label, value) in enumerate(pairs)]
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
def bar_chart(
    data: ChartData,
    title: str = "",
    description: str = "",
    unit: str = "",
    max_value: float | None = None,
) -> SafeString:
    return bar_chart_svg(data, title=title, description=description, unit=unit, max_value=max_value)


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(str(status), "badge-muted")
