"""Fixtures for return planning: a settlement ready for return, and eligible households."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_table
from homecoming.housing.services import projects_import, units_import, utilities_import
from homecoming.housing.tests.conftest import project_row, unit_row
from homecoming.registry.models import Household


@pytest.fixture
def zar_ready(places):
    """Zar with two ready 3-room units and every required service; no hazard area."""
    assert projects_import(table=make_table([project_row()])).ok
    assert units_import(table=make_table([unit_row("1"), unit_row("2")])).ok
    assert utilities_import(
        table=make_table(
            [
                {
                    "settlement": "Zar",
                    "service": s,
                    "status": "commissioned",
                    "commissioned_on": "2025-01-01",
                }
                for s in ("electricity", "water", "school", "clinic")
            ]
        )
    ).ok


def household(make_household, settlement, members: int, **fields) -> Household:
    created = make_household(settlement, *[("Elvin", f"Məmmədov{i}") for i in range(members)])
    values = {"status": "verified", "intention": "return_now", "displaced_on": dt.date(1993, 4, 2)}
    Household.objects.filter(pk=created.pk).update(**(values | fields))
    return Household.objects.get(pk=created.pk)
