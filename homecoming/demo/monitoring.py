"""Monitoring in the demo: what the documents say about the targets that the ledger's
columns do not carry, and the discrepancy rules run once every demo record is in.

The programme's target (140,000 returnees by the end of 2026) has no publication date in
the documents; its note says the Great Return was launched in 2022, so its period is taken
to start on 1 January 2022 — said so in the target's note.
"""

from __future__ import annotations

import datetime as dt

from homecoming.monitoring.discrepancies import discrepancies_refresh
from homecoming.monitoring.models import Target
from homecoming.monitoring.services import target_update

PROGRAMME_START = dt.date(2022, 1, 1)


def demo_monitoring_load() -> tuple[int, int]:
    """Date the programme target's start, once; then run the discrepancy rules (returns
    recorded by the demo are compared with the published figures). Returns the rules'
    (discrepancies holding, newly found)."""
    for target in Target.objects.filter(
        figure__indicator="return_target",
        figure__place_label="Liberated territories",
        figure__note__contains="launched 2022",
        start__isnull=True,
    ):
        target_update(
            target=target,
            start=PROGRAMME_START,
            note="Period taken to start on 2022-01-01: the source says the programme was "
            "launched in 2022 (demo).",
        )
    return discrepancies_refresh()
