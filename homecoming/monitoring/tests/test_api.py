"""Targets with progress and the forecast, through the API."""

from __future__ import annotations

import pytest

from conftest import make_table
from homecoming.monitoring.services import figures_import
from homecoming.monitoring.tests.conftest import TARGETS

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(returned):
    assert figures_import(table=make_table(TARGETS)).ok


def test_targets_come_with_progress_source_and_outlook(targets, api_for, planner):
    rows = api_for(planner).get("/api/monitoring/targets/").json()
    programme = next(r for r in rows if r["value"] == 140000)
    assert programme["place_code"] is None
    assert (programme["publisher"], programme["deadline"]) == ("Grokipedia", "2026-12-31")
    assert (programme["computed"], programme["indicator"]) == (7, "relocated_persons")
    assert programme["share_done"] == pytest.approx(7 / 140000)
    assert programme["outlook"]["shortfall"] > 0


def test_targets_filter_by_district(targets, api_for, viewer, places):
    client = api_for(viewer)
    kalbajar = client.get("/api/monitoring/targets/", {"district": places.kalbajar.code}).json()
    assert [r["value"] for r in kalbajar] == [13000]
    assert client.get("/api/monitoring/targets/", {"district": "AZ99"}).json() == []
    assert client.get("/api/monitoring/targets/", {"district": "x" * 30}).status_code == 400


def test_the_forecast_gives_recorded_returns_then_the_band(targets, api_for, planner, viewer):
    body = api_for(planner).get("/api/monitoring/forecast/").json()
    assert len(body["months"]) == len(body["median"]) == len(body["recorded"])
    recorded = [v for v in body["recorded"] if v is not None]
    assert recorded[-1] == 7
    public = api_for(viewer).get("/api/monitoring/forecast/").json()
    assert [v for v in public["recorded"] if v is not None][-1] == 0  # the total is hidden
    assert all(v % 10 == 0 for v in public["low"] + public["median"] + public["high"])
    assert all(lo <= hi for lo, hi in zip(body["low"], body["high"], strict=True))
    assert {o["target"] for o in body["outlooks"]} == {
        r["id"] for r in api_for(viewer).get("/api/monitoring/targets/").json()
    }


def test_anonymous_calls_are_refused(targets, client):
    assert client.get("/api/monitoring/forecast/").status_code == 401
