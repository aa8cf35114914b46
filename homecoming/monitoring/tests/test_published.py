"""Every public table, map and open-data file, read as an attacker reads them together: no
hidden count can be worked out, no small count is shown, no place shows its persons while
hiding its households. Readers without the right to see households (or casualties) see the
same tables as the public."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import make_table
from homecoming.accounts.models import Role
from homecoming.core.disclosure import HIDDEN
from homecoming.mineaction.services import casualties_import
from homecoming.monitoring.services import figures_import
from homecoming.monitoring.tests.audit import assert_protected
from homecoming.monitoring.tests.conftest import TARGETS

pytestmark = pytest.mark.django_db


def number(text: str | int) -> int | str:
    """A published figure as a number, or a sign (hidden) as it stands."""
    digits = str(text).replace(",", "")
    return int(digits) if digits.isdigit() else str(text)


def read_csv(path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return rows[1:]  # the HXL hashtag row


def open_cell(row: dict, column: str) -> int | str:
    """A count of the open data as a number, or HIDDEN when its flag says it is suppressed."""
    if row[f"{column}_suppressed"] == "true":
        assert row[column] == ""
        return HIDDEN
    return int(row[column])


@pytest.fixture
def registered(places, make_household):
    """Kalbajar: 3 households in Zar (2 persons each), 8 in Kalbajar city (1 each);
    Khojaly: 7 in Ballija (3 each)."""
    for settlement, households, persons in (
        (places.zar, 3, 2),
        (places.kalbajar_city, 8, 1),
        (places.ballija, 7, 3),
    ):
        for _ in range(households):
            make_household(settlement, *[("Elvin", "Məmmədov")] * persons)
    return places


def open_data(directory) -> tuple[dict, list, list]:
    """The registered counts of settlements.csv and districts.csv with their relations."""
    cells, by_district = {}, {}
    for row in read_csv(directory / "settlements.csv"):
        for measure in ("households", "persons"):
            cells[(row["code"], measure)] = open_cell(row, f"registered_{measure}")
        by_district.setdefault(row["district"], []).append(row["code"])
    for row in read_csv(directory / "districts.csv"):
        for measure in ("households", "persons"):
            cells[(row["district"], measure)] = open_cell(row, f"registered_{measure}")
    totals = [
        ((district, measure), [(code, measure) for code in codes])
        for district, codes in by_district.items()
        for measure in ("households", "persons")
    ]
    places = {place for place, _measure in cells}
    return cells, totals, [[(p, "households"), (p, "persons")] for p in places]


def test_the_open_data_gives_no_registered_count_away(registered, tmp_path):
    call_command("export", "open-data", str(tmp_path))
    cells, totals, siblings = open_data(tmp_path)
    assert cells[(registered.zar.code, "households")] == HIDDEN
    assert cells[("Kalbajar", "households")] == 11  # the total stays; Zar's 3 stays hidden
    assert_protected(cells, totals, siblings)
    geojson = json.loads((tmp_path / "settlements.geojson").read_text(encoding="utf-8"))
    for feature in geojson["features"]:
        p = feature["properties"]
        shown = HIDDEN if p["registered_households_suppressed"] else p["registered_households"]
        assert shown == cells[(p["code"], "households")]


def dashboard_cells(context) -> tuple[dict, list, list]:
    """The counts of households and persons a dashboard shows, with the relations between
    them: the map's settlements, the headline tiles, the road home and the targets."""
    points = [f["properties"] for f in context["map_points"]["features"]]
    cells = {}
    for p in points:
        cells[("registered", p["code"])] = number(p["households_registered"])
        cells[("returned", p["code"])] = number(p["households_returned"])
        cells[("persons", p["code"])] = number(p["persons_returned"])
    funnel = context["charts"]["funnel-chart"]["data"][0]["text"]
    cells[("registered", "country")] = number(funnel[0])
    cells[("returned", "country")] = number(context["tiles"]["households_returned"])
    cells[("persons", "country")] = number(context["tiles"]["persons_returned"])
    assert number(funnel[-1]) == cells[("returned", "country")]
    totals = [
        ((measure, "country"), [(measure, p["code"]) for p in points])
        for measure in ("registered", "returned", "persons")
    ]
    for row in context["targets"]:
        place = row["progress"].target.place
        now = number(row["computed"])
        if place is None:
            assert now == cells[("persons", "country")]
        else:  # a district: its settlements on the map
            cells[("persons", place.code)] = now
            members = [("persons", p["code"]) for p in points if p["district"] == place.name]
            totals.append((("persons", place.code), members))
    siblings = [[("returned", p["code"]), ("persons", p["code"])] for p in points]
    siblings.append([("returned", "country"), ("persons", "country")])
    return cells, totals, siblings


def test_the_public_dashboard_gives_no_count_away(registered, returned, targets):
    context = Client().get("/monitoring/public/").context
    cells, totals, siblings = dashboard_cells(context)
    # Zar: 2 households returned, 7 persons: the persons no longer tell the households' size.
    assert cells[("returned", registered.zar.code)] == HIDDEN
    assert cells[("persons", registered.zar.code)] == HIDDEN
    assert_protected(cells, totals, siblings)


@pytest.mark.parametrize(
    "role", [Role.VIEWER, Role.MINE_ACTION, Role.RECONSTRUCTION, Role.MONITORING_EDITOR]
)
def test_a_reader_who_may_not_view_households_sees_the_public_figures(
    registered, returned, targets, make_user, client_for, role
):
    user = make_user(f"reader-{role}", role)
    public = dashboard_cells(Client().get("/monitoring/public/").context)
    signed_in = dashboard_cells(client_for(user).get("/monitoring/").context)
    assert signed_in == public


def test_an_officer_sees_the_published_figure_of_a_target_outside_their_districts(
    registered, returned, targets, khojaly_officer, client_for
):
    rows = client_for(khojaly_officer).get("/monitoring/").context["targets"]
    assert {
        row["progress"].target.place.name: row["computed"]
        for row in rows
        if row["progress"].target.place
    } == {"Kalbajar": HIDDEN}
    programme = next(row for row in rows if row["progress"].target.place is None)
    assert programme["computed"] == HIDDEN  # every district: not only theirs


def test_the_targets_api_gives_the_dashboards_figures(
    registered, returned, targets, viewer, api_for, client_for
):
    api = api_for(viewer).get("/api/monitoring/targets/").json()
    page = client_for(viewer).get("/monitoring/").context["targets"]
    assert [t["computed"] for t in api] == [
        None if row["computed"] == HIDDEN else number(row["computed"]) for row in page
    ]
    assert [t["share_done"] for t in api] == [None, None]


CASUALTIES = [
    ("2023-05-02", "Kalbajar", "killed", 1),
    ("2023-06-10", "Kalbajar", "killed", 7),
    ("2023-07-01", "Khojaly", "killed", 6),
    ("2023-05-02", "Kalbajar", "injured", 2),
    ("2024-03-03", "Khojaly", "injured", 9),
]


@pytest.fixture
def casualties(places):
    rows = [
        {
            "accident": f"ACC-{date}-{district}",
            "date": date,
            "district": district,
            "device": "uxo",
            "outcome": outcome,
            "group": "civilian",
            "age_group": "adult",
            "sex": "male",
        }
        for date, district, outcome, n in CASUALTIES
        for _ in range(n)
    ]
    assert casualties_import(table=make_table(rows)).ok


def test_casualties_cannot_be_worked_out_across_the_open_data_the_api_and_the_overview(
    casualties, places, viewer, api_for, client_for, tmp_path
):
    call_command("export", "open-data", str(tmp_path))
    cells, totals = {}, []
    for row in read_csv(tmp_path / "monthly.csv"):
        year = int(row["month"][:4])
        for outcome in ("killed", "injured"):
            cells[(outcome, row["district"], row["month"])] = open_cell(row, outcome)
    names = {places.kalbajar.code: "Kalbajar", places.khojaly.code: "Khojaly"}
    for row in api_for(viewer).get("/api/mineaction/casualties/").json():
        for outcome in ("killed", "injured"):
            value = HIDDEN if row[outcome] is None else row[outcome]
            cells[(outcome, names[row["district"]], row["year"])] = value
    chart = client_for(viewer).get("/mineaction/").context["charts"]["casualties-chart"]
    for trace, outcome in zip(chart["data"], ("killed", "injured"), strict=True):
        for year, text in zip(trace["x"], trace["text"], strict=True):
            cells[(outcome, year)] = number(text)
    for outcome, district, year in [k for k in cells if len(k) == 3 and isinstance(k[2], int)]:
        months = [
            k
            for k in cells
            if len(k) == 3
            and k[:2] == (outcome, district)
            and isinstance(k[2], str)
            and k[2].startswith(str(year))
        ]
        totals.append(((outcome, district, year), months))
    for outcome, year in [k for k in cells if len(k) == 2]:
        totals.append(
            (
                (outcome, year),
                [k for k in cells if len(k) == 3 and k[0] == outcome and k[2] == year],
            )
        )
    assert cells[("killed", "Kalbajar", "2023-06")] == HIDDEN  # it would give the 1 away
    assert_protected(cells, totals)


@pytest.mark.parametrize(
    ("role", "exact"),
    [
        (Role.MINE_ACTION, True),
        (Role.AUDITOR, True),
        (Role.ADMINISTRATOR, True),
        (Role.VIEWER, False),
        (Role.RETURN_PLANNER, False),
        (Role.RECONSTRUCTION, False),
        (Role.MONITORING_EDITOR, False),
    ],
)
def test_only_those_who_may_see_casualties_see_small_counts(
    casualties, places, make_user, api_for, role, exact
):
    user = make_user(f"user-{role}", role, is_superuser=role == Role.ADMINISTRATOR)
    rows = api_for(user).get("/api/mineaction/casualties/", {"district": places.kalbajar.code})
    rows = rows.json()
    assert (rows[0]["year"], rows[0]["killed"]) == (2023, 8)  # not small: shown to all
    assert rows[0]["injured"] == (2 if exact else None)


def test_a_target_of_a_region_counts_its_districts_published_cells(
    returned, client_for, viewer, planner
):
    region = TARGETS[1] | {"place": "East Zangezur", "value": "20000", "title": "Region"}
    assert figures_import(table=make_table([region])).ok
    rows = client_for(viewer).get("/monitoring/").context["targets"]
    assert [row["computed"] for row in rows] == [HIDDEN]  # Kalbajar's 7 stay hidden
    rows = client_for(planner).get("/monitoring/").context["targets"]
    assert [row["computed"] for row in rows] == ["7"]
