"""The open data, as the field's own tools read it: libhxl (the HXL standard's library) and
Frictionless (Data Package and Table Schema), with no network."""

from __future__ import annotations

import csv
import datetime as dt
import json
import socket
from pathlib import Path

import frictionless
import hxl
import pytest
from django.core.management import call_command

from conftest import make_table
from homecoming.core.disclosure import THRESHOLD
from homecoming.mineaction.services import casualties_import, devices_import
from homecoming.monitoring.models import Figure
from homecoming.monitoring.services import figures_import

pytestmark = pytest.mark.django_db

CORE_HASHTAGS = Path(__file__).parent / "hxl" / "core-hashtags.csv"
CSVS = ("settlements.csv", "districts.csv", "monthly.csv", "figures.csv")


def read(path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


def rows(path) -> list[dict]:
    """The data rows of an open-data CSV by column name, without the HXL hashtag row."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))[1:]


@pytest.fixture
def offline(monkeypatch):
    """Every connection refused: a validator that fetched a schema would fail."""

    def refuse(*args, **kwargs):
        raise OSError("the tests have no network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def figure(**fields: str) -> dict:
    return {
        "place": "Zar",
        "as_of": "",
        "publisher": "Agency",
        "title": "Report",
        "note": "-",
    } | fields


@pytest.fixture
def exported(places, make_household, tmp_path):
    """Kalbajar: 3 households of 2 in Zar (hidden), 8 of 1 in Kalbajar city (hidden to
    protect them); Khojaly: 6 of 1 in Ballija. Kalbajar's mine casualties: 1 killed in May
    2023 (hidden), 7 in June (hidden to protect it)."""
    for _ in range(3):
        make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    for _ in range(8):
        make_household(places.kalbajar_city, ("Elvin", "Məmmədov"))
    for _ in range(6):
        make_household(places.ballija, ("Rəşad", "Quliyev"))
    assert figures_import(
        table=make_table(
            [
                figure(indicator="displaced_persons", value="1,500", unit="persons"),
                figure(indicator="land_released", value="12.50", unit="ha", as_of="2024-05"),
                figure(indicator="control_restored", value="2020-11-25", unit="date"),
            ]
        )
    ).ok
    # Imports refuse formula text; other routes (the admin, the API) may still store it.
    displaced = Figure.objects.get(indicator="displaced_persons")
    displaced.publisher, displaced.title = '=HYPERLINK("http://x")', "+report"
    displaced.save(update_fields=["publisher", "title"])
    assert devices_import(
        table=make_table(
            [{"reference": "W1", "district": "Kalbajar", "week": "2023-05-01", "ap_mines": "3"}]
        )
    ).ok
    accidents = [("2023-05-02", "killed", 1), ("2023-06-10", "killed", 7)]
    assert casualties_import(
        table=make_table(
            [
                {
                    "accident": f"ACC-{date}",
                    "date": date,
                    "district": "Kalbajar",
                    "device": "uxo",
                    "outcome": outcome,
                    "group": "civilian",
                    "age_group": "adult",
                    "sex": "male",
                }
                for date, outcome, n in accidents
                for _ in range(n)
            ]
        )
    ).ok
    call_command("export", "open-data", str(tmp_path / "out"))
    return tmp_path / "out"


def test_a_suppressed_count_is_an_empty_cell_with_its_flag(exported, places):
    settlements = {row["code"]: row for row in rows(exported / "settlements.csv")}
    zar, city = settlements[places.zar.code], settlements[places.kalbajar_city.code]
    assert (zar["registered_households"], zar["registered_households_suppressed"]) == ("", "true")
    # 6 persons would tell 3 households' size: hidden with them.
    assert (zar["registered_persons"], zar["registered_persons_suppressed"]) == ("", "true")
    assert (city["registered_households"], city["registered_households_suppressed"]) == (
        "",  # 8, hidden lest Kalbajar's 11 give Zar's 3 away: flagged alike
        "true",
    )
    districts = {row["district"]: row for row in rows(exported / "districts.csv")}
    kalbajar = districts["Kalbajar"]
    assert (kalbajar["registered_households"], kalbajar["registered_households_suppressed"]) == (
        "11",
        "false",
    )
    months = {row["month"]: row for row in rows(exported / "monthly.csv")}
    for month in ("2023-05", "2023-06"):  # the 1, and the 7 that would give it away
        assert (months[month]["killed"], months[month]["killed_suppressed"]) == ("", "true")
        assert (months[month]["injured"], months[month]["injured_suppressed"]) == ("0", "false")
    assert months["2023-05"]["ap_mines"] == "3"
    assert "[c]" not in "".join(p.read_text(encoding="utf-8") for p in exported.iterdir())


def test_the_geojson_writes_a_suppressed_count_as_null_with_its_flag(exported, places):
    data = json.loads((exported / "settlements.geojson").read_text(encoding="utf-8"))
    codes = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(codes) == {places.zar.code, places.ballija.code, places.kalbajar_city.code}
    assert codes[places.zar.code]["land_ready"] is True
    assert codes[places.zar.code]["registered_households"] is None
    assert codes[places.zar.code]["registered_households_suppressed"] is True
    assert codes[places.ballija.code]["registered_households"] == 6
    assert codes[places.ballija.code]["registered_households_suppressed"] is False


def test_a_figure_is_a_number_or_a_date_each_in_its_own_column(exported):
    figures = {row["indicator"]: row for row in rows(exported / "figures.csv")}
    assert (figures["displaced_persons"]["value"], figures["displaced_persons"]["value_date"]) == (
        "1500",  # no thousands separator: a number column
        "",
    )
    assert figures["land_released"]["value"] == "12.5"
    assert (figures["control_restored"]["value"], figures["control_restored"]["value_date"]) == (
        "",
        "2020-11-25",
    )


def test_no_personal_data_and_no_formula_leaves(exported):
    text = "".join(path.read_text(encoding="utf-8") for path in exported.iterdir())
    for name in ("Elvin", "Məmmədov", "Aygün", "Quliyev"):
        assert name not in text
    figures = {row["indicator"]: row for row in rows(exported / "figures.csv")}
    assert figures["displaced_persons"]["publisher"] == '\'=HYPERLINK("http://x")'
    assert figures["displaced_persons"]["title"] == "'+report"


def hxl_errors(path: Path) -> list[str]:
    """What libhxl's default schema (shipped inside libhxl) finds wrong at severity error."""
    found: list = []
    schema = hxl.schema(callback=found.append)
    schema.validate(hxl.data(str(path), hxl.InputOptions(allow_local=True)))
    return [
        f"{issue.rule.tag_pattern}: {issue.message} ({issue.value!r})"
        for issue in found
        if issue.rule.severity == "error"
    ]


def frictionless_errors(directory: Path) -> list[str]:
    report = frictionless.validate(str(directory / "datapackage.json"))
    return [f"{e.type}: {e.message}" for task in report.tasks for e in task.errors] + [
        f"{e.type}: {e.message}" for e in report.errors
    ]


def test_every_csv_passes_libhxl_schema_validation_offline(exported, offline):
    for name in CSVS:
        assert hxl_errors(exported / name) == [], name


def test_the_data_package_is_valid_for_frictionless_offline(exported, places, offline):
    assert frictionless_errors(exported) == []
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {*CSVS, "settlements.geojson"}
    assert package["suppression"]["threshold"] == THRESHOLD
    settlements = frictionless.Package(str(exported / "datapackage.json")).get_resource(
        "settlements"
    )
    read_back = {row["code"]: row for row in settlements.read_rows()}
    assert read_back[places.zar.code]["registered_households"] is None
    assert read_back[places.zar.code]["registered_households_suppressed"] is True
    assert read_back[places.ballija.code]["registered_households"] == 6


@pytest.fixture
def demo_exported(demo_loaded, tmp_path):
    demo_loaded(households=80, seed=3, today=dt.date(2026, 11, 23))
    call_command("export", "open-data", str(tmp_path))
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_the_demos_open_data_passes_libhxl_and_frictionless_offline(demo_exported, offline):
    hidden = 0
    for name in CSVS:
        assert hxl_errors(demo_exported / name) == [], name
        hidden += sum(
            value == "true"
            for row in rows(demo_exported / name)
            for column, value in row.items()
            if column.endswith("_suppressed")
        )
    assert hidden  # the demo's small counts are there, and read as numbers
    assert frictionless_errors(demo_exported) == []


def test_every_column_carries_a_core_hashtag_that_says_what_it_holds(exported):
    with CORE_HASHTAGS.open(encoding="utf-8") as handle:
        core = {row["hashtag"]: row for row in csv.DictReader(handle)}
    package = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if "schema" not in resource:
            continue  # the GeoJSON
        header, hashtags = read(exported / resource["path"])[:2]
        fields = resource["schema"]["fields"]
        assert header == [f["name"] for f in fields]
        assert hashtags == [f["hxl"] for f in fields]
        for field in fields:
            hashtag, *attributes = field["hxl"].split("+")
            where = f"{resource['path']}: {field['name']} {field['hxl']}"
            assert hashtag in core, where
            if field["type"] in ("integer", "number"):
                numeric = {"num"} | ({"lat", "lon"} if hashtag == "#geo" else set())
                assert core[hashtag]["datatype"] == "number" or numeric & {*attributes}, where
            if field["type"] in ("date", "yearmonth"):
                assert hashtag == "#date", where
            if hashtag == "#affected":  # people or households, as the dictionary says
                suggested = core[hashtag]["attributes"].split()
                assert all(f"+{a}" in suggested for a in attributes), where
            if field["name"].endswith("_suppressed"):
                assert hashtag == "#meta", where
                assert "suppressed" in attributes, where
