"""Every import kind and the service that takes its Table: the one registry the
``homecoming import`` command, the browser's imports and the demo loader share. A new import
is one line here, and one in IMPORT_RULES."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from homecoming.accounts.access import (
    FIGURES_EDIT,
    HOUSEHOLD_CHANGE,
    HOUSING_IMPORT,
    MINEACTION_IMPORT,
    PLACES_IMPORT,
    district_scope,
    programme_scope,
    user_can,
)
from homecoming.accounts.models import User
from homecoming.core.tabular import ImportReport, Progress, Table, read_table

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
# How a kind's file becomes a Table, when it is not a plain CSV/XLSX/GeoJSON table held in
# memory: a households file of a national registry is read as it streams.
READERS = {
    "households": "homecoming.core.tabular.stream_table",
    "kobo": "homecoming.registry.fieldforms.kobo_table",
}
# The kinds whose check keeps what it checked in a file, and the writer that imports that
# file once an officer confirms: the browser reads and checks a national file once, not
# once for the check and again for the import. Other kinds' checks are dry runs, and
# their import reads the file again.
CHECKED_WRITERS = {
    "households": (
        "homecoming.registry.imports.households_check",
        "homecoming.registry.imports.households_write",
    ),
}

# Each kind in words, for the pages (docs/data-formats.md describes each file).
KIND_LABELS = {
    "places": _("Places: areas and settlements"),
    "figures": _("Published figures"),
    "hazards": _("Hazard areas"),
    "landrelease": _("Land-release activities"),
    "devices": _("Devices found and destroyed"),
    "casualties": _("Mine accidents and victims"),
    "projects": _("Reconstruction projects"),
    "units": _("Buildings and housing units"),
    "utilities": _("Utilities and services"),
    "households": _("Households: one row per member"),
    "kobo": _("Kobo export of the registration form"),
}
# Who may import each kind from the browser (the console is the administrator's).
IMPORT_RULES = {
    "places": PLACES_IMPORT,
    "figures": FIGURES_EDIT,
    "hazards": MINEACTION_IMPORT,
    "landrelease": MINEACTION_IMPORT,
    "devices": MINEACTION_IMPORT,
    "casualties": MINEACTION_IMPORT,
    "projects": HOUSING_IMPORT,
    "units": HOUSING_IMPORT,
    "utilities": HOUSING_IMPORT,
    "households": HOUSEHOLD_CHANGE,
    "kobo": HOUSEHOLD_CHANGE,
}
# The kinds whose importer checks each row against the importing user's districts (its
# ``districts`` argument). A user who works in some districts only imports these kinds: the
# other registers are national, and a file of them is not split by district.
DISTRICT_KINDS = frozenset({"households", "kobo"})
# The kinds whose importer writes in the name of the importing user (its ``by`` argument):
# the households it registers name the officer in their history, and a Kobo submission
# edited in the field proposes its changes as that officer.
OFFICER_KINDS = frozenset({"households", "kobo"})


def import_kinds_for(user: User) -> list[str]:
    """The kinds ``user`` may import from the browser, in the registry's order."""
    kinds = [kind for kind in IMPORTERS if user_can(user, IMPORT_RULES[kind])]
    if kinds and district_scope(user) is not None:
        kinds = [kind for kind in kinds if kind in DISTRICT_KINDS]
    return kinds


def _as(user: User, kind: str) -> dict:
    """The importer's arguments that make it import as ``user``: districts and officer."""
    return _scope(user, kind) | ({"by": user} if kind in OFFICER_KINDS else {})


def import_as(
    user: User, kind: str, table: Table, *, dry_run: bool, progress: Progress | None = None
) -> ImportReport:
    """Import ``table`` as ``user`` may: a kind checked by district gets the user's
    districts, so that no row outside them is taken; a kind that proposes changes proposes
    them as ``user``."""
    return importer(kind)(table=table, dry_run=dry_run, progress=progress, **_as(user, kind))


def import_check_as(
    user: User, kind: str, table: Table, *, keep: Path, progress: Progress | None = None
) -> ImportReport:
    """Check ``table`` as ``user`` may import it, writing nothing: a dry run, or, for the
    kinds of CHECKED_WRITERS, a check that keeps what it checked in ``keep`` for
    :func:`import_checked_as`."""
    if kind not in CHECKED_WRITERS:
        return import_as(user, kind, table, dry_run=True, progress=progress)
    check = import_string(CHECKED_WRITERS[kind][0])
    return check(table=table, keep=keep, progress=progress, **_scope(user, kind))


def import_checked_as(
    user: User, kind: str, *, kept: Path, progress: Progress | None = None
) -> ImportReport:
    """Import what :func:`import_check_as` kept in ``kept``, as ``user`` may (the officer who
    confirms: the districts are theirs)."""
    write = import_string(CHECKED_WRITERS[kind][1])
    return write(kept=kept, progress=progress, **_as(user, kind))


def _scope(user: User, kind: str) -> dict:
    scope = {"districts": district_scope(user)} if kind in DISTRICT_KINDS else {}
    if kind == "households":  # a Kobo submission takes the default programme
        scope["programmes"] = programme_scope(user)
    return scope


def importer(kind: str) -> Callable[..., ImportReport]:
    return import_string(IMPORTERS[kind])


def read(kind: str, path: str) -> Table:
    return import_string(READERS[kind])(path) if kind in READERS else read_table(path)
