"""Open data: aggregate CSVs with an HXL hashtag row, a GeoJSON of settlements, and the
figure ledger with its sources. No personal data leaves: counts of households, persons and
casualties come from the published tables (``monitoring.published``,
``mineaction.selectors.casualty_table``), where small counts and those from which one could
be worked out are written ``[c]``; text cells that a spreadsheet would run as formulas are
neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth

from homecoming.core.export import safe_cell
from homecoming.housing.models import HousingUnit
from homecoming.mineaction.models import DeviceReport, LandReleaseActivity
from homecoming.mineaction.selectors import casualty_table, land_readiness_by_settlement
from homecoming.monitoring.models import Figure
from homecoming.monitoring.published import registered_table
from homecoming.places.models import Area, Settlement


def _write_csv(path: Path, columns: list[tuple[str, str]], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for name, _tag in columns])
        writer.writerow([tag for _name, tag in columns])
        writer.writerows([safe_cell(value) for value in row] for row in rows)
    return path


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
    """Write the open-data files into ``directory`` and return their paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    settlements = _settlement_rows()
    written = [
        _write_csv(
            out / "settlements.csv",
            [
                ("code", "#loc+code"),
                ("name", "#loc+name"),
                ("name_az", "#loc+name+i_az"),
                ("district", "#adm2+name"),
                ("kind", "#loc+type"),
                ("lat", "#geo+lat"),
                ("lon", "#geo+lon"),
                ("coordinates_approximate", "#geo+precision"),
                ("land_ready", "#status+land_ready"),
                ("blocking_hazard_areas", "#indicator+hazard_areas+blocking"),
                ("registered_households", "#affected+idps+hh"),
                ("registered_persons", "#affected+idps+ind"),
                ("ready_units", "#indicator+units"),
            ],
            [
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
            ],
        ),
        _write_csv(
            out / "districts.csv",
            [
                ("district", "#adm2+name"),
                ("settlements", "#indicator+settlements"),
                ("land_ready_settlements", "#indicator+settlements+land_ready"),
                ("registered_households", "#affected+idps+hh"),
                ("registered_persons", "#affected+idps+ind"),
                ("ready_units", "#indicator+units"),
            ],
            _district_rows(settlements),
        ),
        _write_csv(
            out / "monthly.csv",
            [
                ("district", "#adm2+name"),
                ("month", "#date+month"),
                ("land_released_ha", "#impact+land_released"),
                ("ap_mines", "#affected+ap_mines"),
                ("at_mines", "#affected+at_mines"),
                ("uxo", "#affected+uxo"),
                ("killed", "#affected+killed"),
                ("injured", "#affected+injured"),
            ],
            _monthly_rows(),
        ),
        _write_csv(
            out / "figures.csv",
            [
                ("place", "#loc+name"),
                ("indicator", "#indicator+code"),
                ("value", "#indicator+value"),
                ("unit", "#indicator+unit"),
                ("as_of", "#date"),
                ("publisher", "#meta+publisher"),
                ("title", "#meta+title"),
                ("published", "#date+published"),
                ("url", "#meta+url"),
                ("note", "#description"),
            ],
            [
                [
                    f.place_label,
                    f.indicator,
                    f.value,
                    f.unit,
                    f.as_of,
                    f.publisher,
                    f.title,
                    f.published or "",
                    f.url,
                    f.note,
                ]
                for f in Figure.objects.order_by("id")
            ],
        ),
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
                    "registered_households": r["households"],
                    "ready_units": r["ready_units"],
                },
            }
            for r in settlements
        ],
    }
    path = out / "settlements.geojson"
    path.write_text(json.dumps(geojson, ensure_ascii=False, indent=1), encoding="utf-8")
    return [*written, path]


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
