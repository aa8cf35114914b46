"""The housing pages' charts: Plotly specs (``core.charts.chart``) built from what the
selectors return; no queries here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from homecoming.core.charts import chart
from homecoming.housing.models import ProgressReport
from homecoming.housing.selectors import FUNNEL, FinanceRow


def overview_charts(
    *,
    finance: Sequence[FinanceRow],
    progress: Mapping[str, Sequence[tuple[str, float]]],
    funnel: Mapping[str, Mapping[str, int]],
    status_labels: Mapping[str, str],
) -> dict[str, dict[str, Any]]:
    """The overview's charts by element id: money by district and by sector (millions),
    mean physical progress by sector and month, and the units' funnel by district."""
    amounts = [("budget", _("budget")), ("disbursed", _("disbursed")), ("spent", _("spent"))]

    def money_by(key: str) -> dict[str, Any]:
        """Budget, disbursed and spent in millions, one bar group per value of ``key``."""
        groups = sorted({getattr(row, key) for row in finance})
        return chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": groups,
                    "y": [
                        round(
                            sum(getattr(r, field) for r in finance if getattr(r, key) == g) / 1e6, 2
                        )
                        for g in groups
                    ],
                }
                for field, label in amounts
            ],
            y_title=_("millions"),
        )

    return {
        "finance-district-chart": money_by("district"),
        "finance-sector-chart": money_by("sector"),
        "progress-chart": chart(
            [
                {
                    "type": "scatter",
                    "mode": "lines+markers",
                    "name": sector,
                    "x": [m for m, _v in series],
                    "y": [v for _m, v in series],
                }
                for sector, series in progress.items()
            ],
            y_title=_("mean physical progress (%)"),
        ),
        "funnel-chart": chart(
            [
                {
                    "type": "funnel",
                    "name": district,
                    "y": [str(status_labels[s]) for s in FUNNEL],
                    "x": [counts[s] for s in FUNNEL],
                    "textinfo": "value",
                }
                for district, counts in funnel.items()
            ],
            y_title="",
        ),
    }


def progress_chart(progress: Sequence[ProgressReport]) -> dict[str, Any]:
    """A project's physical progress over its reports."""
    return chart(
        [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _("physical progress"),
                "x": [p.date.isoformat() for p in progress],
                "y": [p.physical_progress for p in progress],
            }
        ],
        y_title=_("physical progress (%)"),
    )
