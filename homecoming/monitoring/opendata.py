"""Open data: aggregate CSVs with an HXL hashtag row, a GeoJSON of settlements, the figure
ledger with its sources, and a Frictionless Data Package (``datapackage.json``) that
describes every column. No personal data leaves: counts of households, persons and
casualties come from the published tables (``monitoring.published``,
``mineaction.selectors.casualty_table``); a count hidden there (small, or one from which a
small one could be worked out) is written as an empty cell beside a flag column
``<column>_suppressed`` that is ``true`` (``null`` and ``true`` in the GeoJSON); text cells
that a spreadsheet would run as formulas are neutralised. The columns, their HXL hashtags and
their types are declared once, below, and both the CSVs and the data package are written
from them (docs/data-formats.md, *Open data*)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from homecoming.core.disclosure import HIDDEN, THRESHOLD
from homecoming.core.export import safe_cell
from homecoming.housing.models import HousingUnit
from homecoming.mineaction.models import DeviceReport, LandReleaseActivity
from homecoming.mineaction.selectors import casualty_table, land_readiness_by_settlement
from homecoming.monitoring.models import Figure
from homecoming.monitoring.published import registered_table
from homecoming.places.models import Area, Settlement

RULE = (
    f"a count of people or households from 1 to {THRESHOLD - 1} (fewer than {THRESHOLD}), or a "
    "count from which such a count could be worked out, is withheld: its cell is left empty "
    "(null in the GeoJSON) and its flag <column>_suppressed is true; the two kinds are flagged "
    "alike, so that the flag does not tell which hidden counts are small"
)
SUPPRESSED = (
    f"true when the count beside it is not published under the rule of small numbers: {RULE}"
)


@dataclass(frozen=True)
class Column:
    """A column of an open-data CSV: its name, HXL hashtag, Frictionless Table Schema type
    and description. A ``suppressible`` count has a boolean flag column after it."""

    name: str
    hxl: str
    type: str
    description: str
    suppressible: bool = False
    required: bool = False
    pattern: str = ""

    def fields(self) -> list[dict]:
        """The Table Schema field(s) of the column: itself, and its flag if it has one."""
        field: dict = {"name": self.name, "type": self.type, "description": self.description}
        constraints: dict = {"required": True} if self.required else {}
        if self.pattern:
            constraints["pattern"] = self.pattern
        if self.type in ("integer", "number"):
            constraints["minimum"] = 0
        if self.type == "boolean":
            field |= {"trueValues": ["true"], "falseValues": ["false"]}
        if constraints:
            field["constraints"] = constraints
        field["hxl"] = self.hxl
        if not self.suppressible:
            return [field]
        flag = {
            "name": f"{self.name}_suppressed",
            "type": "boolean",
            "description": SUPPRESSED,
            "trueValues": ["true"],
            "falseValues": ["false"],
            "constraints": {"required": True},
            "hxl": "#meta+suppressed" + self.hxl[self.hxl.index("+") :],
        }
        return [field, flag]

    def cells(self, value: object) -> list[object]:
        """The cell(s) of ``value`` in this column: a hidden count is empty, with its flag."""
        if self.suppressible:
            hidden = value == HIDDEN
            return ["" if hidden else value, _cell(hidden)]
        return [_cell(value)]


@dataclass(frozen=True)
class Sheet:
    """An open-data CSV and its resource in the data package."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[dict, ...] = ()

    @property
    def path(self) -> str:
        return f"{self.name}.csv"

    def write(self, directory: Path, rows: Iterable[Iterable[object]]) -> Path:
        """Write the CSV: the header, the HXL hashtag row, then one row per item."""
        fields = [field for column in self.columns for field in column.fields()]
        path = directory / self.path
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([field["name"] for field in fields])
            writer.writerow([field["hxl"] for field in fields])
            for row in rows:
                writer.writerow(
                    [
                        safe_cell(cell)
                        for column, value in zip(self.columns, row, strict=True)
                        for cell in column.cells(value)
                    ]
                )
        return path

    def resource(self) -> dict:
        """The sheet as a tabular data resource: its Table Schema, and the dialect that
        skips the HXL hashtag row (row 2)."""
        schema: dict = {
            "fields": [field for column in self.columns for field in column.fields()],
            "missingValues": [""],
        }
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = list(self.foreign_keys)
        return {
            "name": self.name,
            "type": "table",
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"headerRows": [1], "commentRows": [2]},
            "schema": schema,
        }


def _cell(value: object) -> object:
    """Booleans as ``true``/``false``, as the data package declares them and JSON writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


REGISTERED = (
    Column(
        "registered_households",
        "#affected+idps+hh",
        "integer",
        "Households registered in the programme (not withdrawn) whose place of origin this is; "
        "empty when suppressed",
        suppressible=True,
    ),
    Column(
        "registered_persons",
        "#affected+idps+ind",
        "integer",
        "Present members of those households; empty when suppressed",
        suppressible=True,
    ),
)
READY_UNITS = Column(
    "ready_units",
    "#capacity+housing_units+num",
    "integer",
    "Housing units ready to be handed over",
)
SETTLEMENTS = Sheet(
    "settlements",
    "Settlements",
    "One row per settlement of the programme: where it is, whether its land is ready, "
    "registered households and persons from it, housing units ready in it.",
    (
        Column("code", "#loc+code", "string", "The settlement's code", required=True),
        Column("name", "#loc+name", "string", "Name in English"),
        Column("name_az", "#loc+name+i_az", "string", "Name in Azerbaijani"),
        Column("district", "#adm2+name", "string", "District (English name)", required=True),
        Column("kind", "#loc+type", "string", "city, settlement or village"),
        Column("lat", "#geo+lat", "number", "Latitude, decimal degrees (WGS 84)"),
        Column("lon", "#geo+lon", "number", "Longitude, decimal degrees (WGS 84)"),
        Column(
            "coordinates_approximate",
            "#geo+precision",
            "boolean",
            "true when the position is approximate",
        ),
        Column(
            "land_ready",
            "#status+land_ready",
            "boolean",
            "true when no hazard area blocks the settlement's land",
        ),
        Column(
            "blocking_hazard_areas",
            "#indicator+hazard_areas+blocking+num",
            "integer",
            "Hazard areas that block the settlement",
        ),
        *REGISTERED,
        READY_UNITS,
    ),
    primary_key=("code",),
    foreign_keys=(
        {"fields": ["district"], "reference": {"resource": "districts", "fields": ["district"]}},
    ),
)
DISTRICTS = Sheet(
    "districts",
    "Districts",
    "One row per district with settlements in the programme.",
    (
        Column("district", "#adm2+name", "string", "District (English name)", required=True),
        Column("settlements", "#indicator+settlements+num", "integer", "Settlements"),
        Column(
            "land_ready_settlements",
            "#indicator+settlements+land_ready+num",
            "integer",
            "Settlements whose land is ready",
        ),
        *REGISTERED,
        READY_UNITS,
    ),
    primary_key=("district",),
)
MONTHLY = Sheet(
    "monthly",
    "Mine action by district and month",
    "Land released and explosive devices destroyed by mine action, and mine casualties, "
    "by district and month.",
    (
        Column("district", "#adm2+name", "string", "District (English name)", required=True),
        Column("month", "#date+month", "yearmonth", "Month (YYYY-MM)", required=True),
        Column(
            "land_released_ha",
            "#output+land_released+ha+num",
            "number",
            "Land released (cancelled, reduced or cleared), hectares",
        ),
        Column(
            "ap_mines",
            "#output+ap_mines+num",
            "integer",
            "Anti-personnel mines found and destroyed",
        ),
        Column(
            "at_mines", "#output+at_mines+num", "integer", "Anti-tank mines found and destroyed"
        ),
        Column("uxo", "#output+uxo+num", "integer", "Unexploded ordnance found and destroyed"),
        Column(
            "killed",
            "#affected+killed",
            "integer",
            "Persons killed by mines or explosive ordnance; empty when suppressed",
            suppressible=True,
        ),
        Column(
            "injured",
            "#affected+injured",
            "integer",
            "Persons injured by mines or explosive ordnance; empty when suppressed",
            suppressible=True,
        ),
    ),
    primary_key=("district", "month"),
)
FIGURES = Sheet(
    "figures",
    "Figure ledger",
    "Figures published by others, with their sources, as imported into the ledger.",
    (
        Column("place", "#loc+name", "string", "The place as the source names it", required=True),
        Column("indicator", "#indicator+code", "string", "Indicator code", required=True),
        Column(
            "value",
            "#indicator+value+num",
            "number",
            "The figure, when it is a number (empty when it is a date)",
        ),
        Column(
            "value_date",
            "#date+value",
            "date",
            "The figure, when it is a date (unit 'date'; empty otherwise)",
        ),
        Column("unit", "#indicator+unit", "string", "Unit, e.g. persons, households, ha, date"),
        Column(
            "as_of",
            "#date",
            "string",
            "Date the figure refers to: YYYY, YYYY-MM or YYYY-MM-DD",
            pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
        ),
        Column("publisher", "#meta+source", "string", "Who published the figure"),
        Column("title", "#meta+title", "string", "Title of the publication"),
        Column("published", "#date+reported", "date", "Day of publication"),
        Column("url", "#meta+url", "string", "Address of the publication"),
        Column("note", "#description", "string", "Note"),
    ),
)
SHEETS = (SETTLEMENTS, DISTRICTS, MONTHLY, FIGURES)
MAP = {
    "name": "settlements-map",
    "path": "settlements.geojson",
    "title": "Settlements (map)",
    "description": (
        "GeoJSON points of the settlements with code, name, district, whether the position is "
        "approximate, land readiness, registered households (null when suppressed, with "
        "registered_households_suppressed true) and ready housing units."
    ),
    "format": "geojson",
    "mediatype": "application/geo+json",
    "encoding": "utf-8",
}


def _settlement_rows() -> list[dict]:
    land = land_readiness_by_settlement()
    registered = registered_table()
    ready_units = dict(
        HousingUnit.objects.filter(status=HousingUnit.Status.READY)
        .values_list("building__settlement")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "settlement": s,
            "land_ready": land[s.code].ready,
            "blocking_hazard_areas": len(land[s.code].blocking),
            "households": registered.settlement(s.pk, "households"),
            "persons": registered.settlement(s.pk, "persons"),
            "district_households": registered.district(s.district_id, "households"),
            "district_persons": registered.district(s.district_id, "persons"),
            "ready_units": ready_units.get(s.pk, 0),
        }
        for s in Settlement.objects.select_related("district").order_by("code")
    ]


def open_data_write(directory: Path | str) -> list[Path]:
    """Write the open-data files and their ``datapackage.json`` into ``directory`` and
    return their paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    settlements = _settlement_rows()
    written = [
        SETTLEMENTS.write(
            out,
            (
                [
                    r["settlement"].code,
                    r["settlement"].name,
                    r["settlement"].name_az,
                    r["settlement"].district.name,
                    r["settlement"].kind,
                    r["settlement"].lat,
                    r["settlement"].lon,
                    r["settlement"].coordinates_approximate,
                    r["land_ready"],
                    r["blocking_hazard_areas"],
                    r["households"],
                    r["persons"],
                    r["ready_units"],
                ]
                for r in settlements
            ),
        ),
        DISTRICTS.write(out, _district_rows(settlements)),
        MONTHLY.write(out, _monthly_rows()),
        FIGURES.write(out, (_figure_row(f) for f in Figure.objects.order_by("id"))),
    ]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(r["settlement"].lon), float(r["settlement"].lat)],
                },
                "properties": {
                    "code": r["settlement"].code,
                    "name": r["settlement"].name,
                    "district": r["settlement"].district.name,
                    "coordinates_approximate": r["settlement"].coordinates_approximate,
                    "land_ready": r["land_ready"],
                    "registered_households": (
                        None if r["households"] == HIDDEN else r["households"]
                    ),
                    "registered_households_suppressed": r["households"] == HIDDEN,
                    "ready_units": r["ready_units"],
                },
            }
            for r in settlements
        ],
    }
    path = out / MAP["path"]
    path.write_text(json.dumps(geojson, ensure_ascii=False, indent=1), encoding="utf-8")
    package = out / "datapackage.json"
    package.write_text(json.dumps(data_package(), ensure_ascii=False, indent=1), encoding="utf-8")
    return [*written, path, package]


def data_package() -> dict:
    """The Frictionless Data Package (v2) that describes the open-data files."""
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "homecoming-open-data",
        "title": "Homecoming open data",
        "description": (
            "Aggregates of a return programme that may be published: settlements, districts, "
            "mine action by month, and the figure ledger. Every CSV has an HXL hashtag row "
            "under its header (row 2). Counts of people and households are published under "
            "the rule of small numbers (see suppression)."
        ),
        "suppression": {
            "threshold": THRESHOLD,
            "description": f"The rule of small numbers: {RULE}",
            "flag": "<column>_suppressed",
        },
        "resources": [*(sheet.resource() for sheet in SHEETS), MAP],
    }


def _figure_row(figure: Figure) -> list[object]:
    """A figure of the ledger: a date figure in ``value_date``, any other in ``value`` as a
    plain number (no thousands separators, no trailing zeros)."""
    is_date = figure.unit == "date"
    return [
        figure.place_label,
        figure.indicator,
        "" if is_date or figure.value_number is None else _plain(figure.value_number),
        figure.value if is_date else "",
        figure.unit,
        figure.as_of,
        figure.publisher,
        figure.title,
        figure.published or "",
        figure.url,
        figure.note,
    ]


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _district_rows(settlements: list[dict]) -> list[list]:
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    for r in settlements:
        district = totals[r["settlement"].district.name]
        district["settlements"] += 1
        district["land_ready"] += r["land_ready"]
        district["ready_units"] += r["ready_units"]
        district["households"], district["persons"] = (
            r["district_households"],
            r["district_persons"],
        )
    return [
        [
            name,
            t["settlements"],
            t["land_ready"],
            t["households"],
            t["persons"],
            t["ready_units"],
        ]
        for name, t in sorted(totals.items())
    ]


def _monthly_rows() -> list[list]:
    rows: dict[tuple[str, str], dict[str, float | str]] = defaultdict(lambda: defaultdict(float))
    for r in (
        LandReleaseActivity.objects.annotate(month=TruncMonth("end_date"))
        .filter(month__isnull=False)
        .values("hazard_area__district__name", "month")
        .annotate(m2=Sum(F("cancelled_m2") + F("reduced_m2") + F("cleared_m2")))
    ):
        rows[(r["hazard_area__district__name"], _month(r["month"]))]["ha"] += r["m2"] / 10_000
    for r in (
        DeviceReport.objects.annotate(month=TruncMonth("week"))
        .values("district__name", "month")
        .annotate(ap=Sum("ap_mines"), at=Sum("at_mines"), uxo=Sum("uxo"))
    ):
        row = rows[(r["district__name"], _month(r["month"]))]
        row["ap"], row["at"], row["uxo"] = r["ap"], r["at"], r["uxo"]
    names = dict(Area.objects.values_list("id", "name"))
    for (outcome, district, year, month), value in casualty_table().items():
        if month is not None:
            rows[(names[district], f"{year:04d}-{month:02d}")][outcome] = value
    return [
        [
            district,
            month,
            round(v["ha"], 2),
            int(v["ap"]),
            int(v["at"]),
            int(v["uxo"]),
            _count(v["killed"]),
            _count(v["injured"]),
        ]
        for (district, month), v in sorted(rows.items())
    ]


def _count(value: float | str) -> int | str:
    return value if isinstance(value, str) else int(value)


def _month(value: dt.date | dt.datetime) -> str:
    return value.strftime("%Y-%m")
