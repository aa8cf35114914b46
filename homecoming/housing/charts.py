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
    districts = sorted({row.district for row in finance})
    sectors = sorted({row.sector for row in finance})

    def total(rows, field):
        return round(sum(getattr(r, field) for r in rows) / 1e6, 2)

    amounts = [("budget", _("budget")), ("disbursed", _("disbursed")), ("spent", _("spent"))]
    return {
        "finance-district-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": districts,
                    "y": [total([r for r in finance if r.district == d], field) for d in districts],
                }
                for field, label in amounts
            ],
            y_title=_("millions"),
        ),
        "finance-sector-chart": chart(
            [
                {
                    "type": "bar",
                    "name": label,
                    "x": sectors,
                    "y": [total([r for r in finance if r.sector == s], field) for s in sectors],
                }
                for field, label in amounts
            ],
            y_title=_("millions"),
        ),
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
