"""The maps' offline base layer: small, the six countries, and Azerbaijan where its places are."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "homecoming/core/static/homecoming/basemap/caucasus.geojson"


def make_basemap():
    spec = importlib.util.spec_from_file_location("make_basemap", ROOT / "scripts/make_basemap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def countries() -> dict[str, list]:
    data = json.loads(BASEMAP.read_text())
    return {f["properties"]["name"]: f["geometry"]["coordinates"] for f in data["features"]}


def test_the_base_layer_is_small_enough_to_send_with_every_map():
    assert BASEMAP.stat().st_size < 50_000


def test_the_base_layer_has_azerbaijan_and_its_neighbours():
    assert sorted(countries()) == ["Armenia", "Azerbaijan", "Georgia", "Iran", "Russia", "Turkey"]


def test_every_district_of_the_demo_places_lies_in_azerbaijan_on_the_base_layer():
    inside = make_basemap().contains
    azerbaijan = countries()["Azerbaijan"]
    with (ROOT / "homecoming/demo/data/seed-places.csv").open(encoding="utf-8") as file:
        located = [row for row in csv.DictReader(file) if row["lat"] and row["lon"]]
    assert len(located) > 10
    for row in located:
        point = (float(row["lon"]), float(row["lat"]))
        assert any(inside(polygon[0], point) for polygon in azerbaijan), row["name"]


def test_every_place_of_the_demo_lies_in_azerbaijan_on_the_base_layer_positions_made_up_too():
    from homecoming.demo.loader import demo_places_table

    inside = make_basemap().contains
    azerbaijan = countries()["Azerbaijan"]
    located = [row.values for row in demo_places_table().rows if row.values.get("lat")]
    made_up = [values for values in located if values["coordinates"] == "approximate"]
    assert len(made_up) > 10
    for values in located:
        point = (float(values["lon"]), float(values["lat"]))
        assert any(inside(polygon[0], point) for polygon in azerbaijan), values["name"]
