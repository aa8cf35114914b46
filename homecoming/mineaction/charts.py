"""The mine action pages' charts: Plotly specs (``core.charts.chart``) built from what the
selectors return; no queries here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from homecoming.core.charts import chart
from homecoming.mineaction.selectors import Overview


def overview_charts(data: Overview) -> dict[str, dict[str, Any]]:
    """The overview's charts by element id: land released by month, devices by week,
    casualties by year (hidden counts draw no bar) and open hazard area by district."""
    months = [m for m, _ha in data.released_ha_by_month]
    per_month = [round(ha, 2) for _m, ha in data.released_ha_by_month]
    cumulative = [round(sum(per_month[: i + 1]), 2) for i in range(len(per_month))]
    weeks = [row["week"].isoformat() for row in data.devices_by_week]
    device_types = [
        ("ap_mines", _("Anti-personnel mines")),
        ("at_mines", _("Anti-tank mines")),
        ("uxo", _("UXO")),
        ("axo", _("Abandoned ordnance")),
    ]
    years = [row["year"] for row in data.victims_by_year]
    return {
        "released-chart": chart(
            [
                {
                    "type": "bar",
                    "name": _("released in the month (ha)"),
                    "x": months,
                    "y": per_month,
                },
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": _("cumulative (ha)"),
                    "x": months,
                    "y": cumulative,
                    "yaxis": "y2",
                },
            ],
            y_title=_("ha per month"),
            y2_title=_("ha, cumulative"),
        ),
        "devices-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": weeks,
                    "y": [row[field] for row in data.devices_by_week],
                }
                for field, label in device_types
            ],
            y_title=_("devices per week"),
            stacked=True,
        ),
        "casualties-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": years,
                    "y": [_bar(row[outcome]) for row in data.victims_by_year],
                    "text": [str(row[outcome]) for row in data.victims_by_year],
                }
                for outcome, label in (("killed", _("killed")), ("injured", _("injured")))
            ],
            y_title=_("persons"),
            stacked=True,
        ),
        "open-chart": chart(
            [
                {
                    "type": "bar",
                    "orientation": "h",
                    "name": _("open hazard area (ha)"),
                    "y": [name for name, _ha in data.open_ha_by_district],
                    "x": [round(ha, 2) for _name, ha in data.open_ha_by_district],
                },
            ],
            y_title=_("ha not yet released"),
            horizontal=True,
        ),
    }


def _bar(value: int | str) -> int | None:
    """A hidden count (``core.disclosure.HIDDEN``) draws no bar; its label says so."""
    return value if isinstance(value, int) else None
