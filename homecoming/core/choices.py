"""The choices a list's filter offers: only those that have data.

A filter that offers a district with no settlement, or a sector with no project, leads to an
empty list and tells the person nothing. Every filter of a list over places, sectors,
settlements or runs is therefore narrowed to what the list holds, by one of these two.
Filters on a status (of a household, a hazard area, an offer, a discrepancy) keep every
status: that none is in a status is itself what the person may be looking for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, QuerySet

M = TypeVar("M", bound=Model)


def choices_in_use(choices: Iterable[tuple[Any, Any]], used: QuerySet) -> list[tuple[Any, Any]]:
    """The ``choices`` (value, label) whose value ``used`` holds — a flat ``values_list``
    of the list's rows — in the order of the choices."""
    values = set(used.order_by().distinct())
    return [(value, label) for value, label in choices if value in values]


def rows_in_use(choices: QuerySet[M], used: QuerySet, field: str) -> QuerySet[M]:
    """The rows of ``choices`` that a row of ``used`` points to through ``field``: the
    districts of some settlement, the settlements of some offer's home."""
    return choices.filter(Exists(used.filter(**{field: OuterRef("pk")})))
