"""Chart specifications for Plotly, as plain dicts: the page draws them with the offline
bundle (static/plotly/plotly.min.js) through static/homecoming/charts.js."""

from __future__ import annotations

from typing import Any

from django.utils import formats

PALETTE = ["#1d4e89", "#d9822b", "#2a9d8f", "#b3261e", "#6d597a", "#8a8a8a"]


def chart(
    traces: list[dict[str, Any]],
    *,
    y_title: str,
    stacked: bool = False,
    y2_title: str = "",
    horizontal: bool = False,
) -> dict[str, Any]:
    """A Plotly figure with Homecoming's look: the traces plus a quiet, readable layout.

    Its axes and hover labels write numbers as the page's language does (``separators``:
    the decimal mark, then the thousands separator): 13,000.5 in English, 13 000,5 in
    Azerbaijani and Russian."""
    for index, trace in enumerate(traces):
        trace.setdefault("marker", {}).setdefault("color", PALETTE[index % len(PALETTE)])
    layout: dict[str, Any] = {
        "margin": {"l": 60, "r": 60 if y2_title else 20, "t": 10, "b": 40},
        "height": 320,
        "font": {"family": "system-ui, sans-serif", "size": 12},
        "legend": {"orientation": "h", "y": -0.18},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "barmode": "stack" if stacked else "group",
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True},
        "separators": formats.get_format("DECIMAL_SEPARATOR")
        + formats.get_format("THOUSAND_SEPARATOR"),
    }
    layout["xaxis" if horizontal else "yaxis"] |= {
        "title": {"text": y_title},
        "gridcolor": "#e3e7ec",
        "rangemode": "tozero",
    }
    if y2_title:
        layout["yaxis2"] = {
            "title": {"text": y2_title},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
        }
    return {"data": traces, "layout": layout}
