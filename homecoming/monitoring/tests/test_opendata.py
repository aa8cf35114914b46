from __future__ import annotations

import csv
import json

import pytest
from django.core.management import call_command

from conftest import make_table
from homecoming.core.disclosure import HIDDEN
from homecoming.monitoring.models import Figure
from homecoming.monitoring.services import figures_import

pytestmark = pytest.mark.django_db


def read(path) -> list[list[str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def exported(places, make_household, tmp_path):
    for _ in range(3):
        make_household(places.zar, ("Elvin", "Məmmədov"), ("Aygün", "Məmmədova"))
    for _ in range(6):
        make_household(places.ballija, ("Rəşad", "Quliyev"))
    figures_import(
        table=make_table(
            [
                {
                    "place": "Zar",
                    "indicator": "displaced_persons",
                    "value": "500",
                    "unit": "persons",
                    "as_of": "",
                    "publisher": "Agency",
                    "title": "Report",
                    "note": "-",
                }
            ]
        )
    )
    # Imports refuse formula text; other routes (the admin, the API) may still store it.
    figure = Figure.objects.get(indicator="displaced_persons")
    figure.publisher, figure.title = '=HYPERLINK("http://x")', "+report"
    figure.save(update_fields=["publisher", "title"])
    call_command("export", "open-data", str(tmp_path / "out"))
    return tmp_path / "out"


def test_settlement_counts_are_hidden_with_their_persons_and_carry_hxl(exported, places):
    rows = read(exported / "settlements.csv")
    assert rows[1][0] == "#loc+code"
    by_code = {row[0]: row for row in rows[2:]}
    header = rows[0]
    households = header.index("registered_households")
    persons = header.index("registered_persons")
    assert by_code[places.zar.code][households] == HIDDEN
    assert by_code[places.zar.code][persons] == HIDDEN  # 6 persons would tell 3 households' size
    assert by_code[places.kalbajar_city.code][households] == "0"  # zeros are shown


def test_no_personal_data_and_no_formula_leaves(exported):
    text = "".join(path.read_text(encoding="utf-8") for path in exported.iterdir())
    for name in ("Elvin", "Məmmədov", "Aygün", "Quliyev"):
        assert name not in text
    figures = read(exported / "figures.csv")
    assert figures[2][figures[0].index("publisher")] == '\'=HYPERLINK("http://x")'
    assert figures[2][figures[0].index("title")] == "'+report"


def test_the_geojson_has_every_settlement_with_its_readiness(exported, places):
    data = json.loads((exported / "settlements.geojson").read_text(encoding="utf-8"))
    codes = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(codes) == {places.zar.code, places.ballija.code, places.kalbajar_city.code}
    assert codes[places.zar.code]["land_ready"] is True
    assert codes[places.zar.code]["registered_households"] == HIDDEN
