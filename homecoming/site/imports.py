"""Every import kind and the service that takes its Table: the one registry the
``homecoming import`` command and the demo loader share. A new import is one line here."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

from homecoming.core.tabular import ImportReport, Table, read_table

IMPORTERS = {
    "places": "homecoming.places.services.places_import",
    "figures": "homecoming.monitoring.services.figures_import",
    "hazards": "homecoming.mineaction.services.hazards_import",
    "landrelease": "homecoming.mineaction.services.landrelease_import",
    "devices": "homecoming.mineaction.services.devices_import",
    "casualties": "homecoming.mineaction.services.casualties_import",
    "projects": "homecoming.housing.services.projects_import",
    "units": "homecoming.housing.services.units_import",
    "utilities": "homecoming.housing.services.utilities_import",
    "households": "homecoming.registry.imports.households_import",
    "kobo": "homecoming.registry.fieldforms.kobo_import",
}
# How a kind's file becomes a Table, when it is not a plain CSV/XLSX/GeoJSON table.
READERS = {
    "kobo": "homecoming.registry.fieldforms.kobo_table",
}


def importer(kind: str) -> Callable[..., ImportReport]:
    return import_string(IMPORTERS[kind])


def read(kind: str, path: str) -> Table:
    return import_string(READERS[kind])(path) if kind in READERS else read_table(path)
