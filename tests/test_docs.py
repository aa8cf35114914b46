"""The example files in docs/examples import as the documentation says."""

from __future__ import annotations

from pathlib import Path

import pytest

from homecoming.core.tabular import read_table
from homecoming.places.models import Settlement
from homecoming.places.services import places_import

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


@pytest.mark.django_db
def test_the_places_example_imports_cleanly():
    report = places_import(table=read_table(EXAMPLES / "places.csv"))
    assert report.ok, report.errors
    assert report.created == 5
    zar = Settlement.objects.get(name="Zar")
    assert (zar.code, zar.name_ru, zar.footprint["type"]) == ("AZ0201002", "Зар", "Polygon")


@pytest.mark.django_db
def test_the_figures_example_imports_cleanly():
    from homecoming.monitoring.models import Figure
    from homecoming.monitoring.services import figures_import

    report = figures_import(table=read_table(EXAMPLES / "figures.csv"))
    assert report.ok, report.errors
    assert Figure.objects.count() == 4
    assert Figure.objects.get(indicator="relocated_households").note == "139 persons"


@pytest.mark.django_db
def test_the_mine_action_examples_import_in_order_and_drive_readiness():
    from homecoming.mineaction.models import HazardArea
    from homecoming.mineaction.selectors import settlement_land_readiness
    from homecoming.mineaction.services import (
        casualties_import,
        devices_import,
        hazards_import,
        landrelease_import,
    )

    assert places_import(table=read_table(EXAMPLES / "places.csv")).ok
    for importer, name in [
        (hazards_import, "hazards.csv"),
        (hazards_import, "hazards.geojson"),
        (landrelease_import, "landrelease.csv"),
        (devices_import, "devices.csv"),
        (casualties_import, "casualties.csv"),
    ]:
        report = importer(table=read_table(EXAMPLES / name))
        assert report.ok, (name, report.errors)
    assert HazardArea.objects.get(code="HA-0232").status == "released"
    readiness = settlement_land_readiness(Settlement.objects.get(name="Zar"))
    assert [r.hazard.code for r in readiness.reasons] == ["HA-0231", "HA-0233"]


@pytest.mark.django_db
def test_the_housing_examples_import_in_order():
    from homecoming.housing.models import HousingUnit
    from homecoming.housing.services import projects_import, units_import, utilities_import

    assert places_import(table=read_table(EXAMPLES / "places.csv")).ok
    for importer, name in [
        (projects_import, "projects.csv"),
        (units_import, "units.csv"),
        (utilities_import, "utilities.csv"),
    ]:
        report = importer(table=read_table(EXAMPLES / name))
        assert report.ok, (name, report.errors)
    assert HousingUnit.objects.filter(status="under_construction").count() == 2


@pytest.mark.django_db
def test_the_households_example_imports_cleanly():
    from homecoming.registry.imports import households_import
    from homecoming.registry.models import Household

    assert places_import(table=read_table(EXAMPLES / "places.csv")).ok
    report = households_import(table=read_table(EXAMPLES / "households.csv"))
    assert report.ok, report.errors
    assert Household.objects.get(reference="K-0001").members.count() == 3
