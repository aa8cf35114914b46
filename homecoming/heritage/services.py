"""Writes to the heritage record."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from homecoming.core.errors import ApplicationError
from homecoming.heritage.models import Condition, Inspection, Monument


def inspection_record(
    *,
    monument: Monument,
    date: dt.date,
    condition: str,
    note: str = "",
    photo: str = "",
    source: str = "",
) -> Inspection:
    """Add an inspection; the monument's condition is the latest one's."""
    if condition not in Condition.values or condition == Condition.UNKNOWN:
        raise ApplicationError(f"Unknown condition {condition!r}.")
    if date > timezone.localdate():
        raise ApplicationError("An inspection cannot be dated in the future.")
    inspection = Inspection(
        monument=monument, date=date, condition=condition, note=note, photo=photo, source=source
    )
    inspection.full_clean()
    inspection.save()
    return inspection
