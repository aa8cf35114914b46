from __future__ import annotations

import pytest

from conftest import make_table
from homecoming.monitoring.services import figures_import

pytestmark = pytest.mark.django_db

FIGURES = [
    {
        "place": "Kalbajar district",
        "indicator": "population_before_displacement",
        "value": "61000",
        "unit": "persons",
        "as_of": "1993-04-01",
        "publisher": "Grokipedia",
        "title": "Kalbajar",
        "note": "intro",
    },
    {
        "place": "Kalbajar district",
        "indicator": "population_before_displacement",
        "value": "58000",
        "unit": "persons",
        "as_of": "1993-04-01",
        "publisher": "Grokipedia",
        "title": "Kalbajar",
        "note": "demographics section",
    },
    {
        "place": "Ballija village",
        "indicator": "relocated_households",
        "value": "8",
        "unit": "households",
        "as_of": "",
        "publisher": "Caliber.Az",
        "title": "Great Return",
    },
]


@pytest.fixture
def figures(places):
    assert figures_import(table=make_table(FIGURES)).ok


def test_the_ledger_lists_every_figure_with_its_source(client_for, viewer, figures):
    response = client_for(viewer).get(
        "/monitoring/figures/", {"indicator": "population_before_displacement"}
    )
    body = response.content.decode()
    assert response.context["page"].paginator.count == 2
    assert "61,000" in body
    assert "58,000" in body
    assert "demographics section" in body


@pytest.mark.parametrize("place", ["Kalbajar", "Кельбаджар", "Kelbajar", "kəlbəcər"])
def test_the_ledger_finds_the_figures_about_a_place_by_any_spelling(
    client_for, viewer, figures, place
):
    response = client_for(viewer).get("/monitoring/figures/", {"place": place})
    assert {f.place_label for f in response.context["page"]} == {"Kalbajar district"}
    assert response.context["page"].paginator.count == 2


def test_the_district_page_shows_its_figures_and_settlements(client_for, viewer, places, figures):
    response = client_for(viewer).get(f"/places/areas/{places.kalbajar.code}/")
    assert [f.value for f in response.context["figures"]] == ["61000", "58000"]
    assert [s.name for s in response.context["settlements"]] == ["Kalbajar city", "Zar"]


def test_the_settlement_page_shows_the_figures_that_name_it(client_for, viewer, places, figures):
    response = client_for(viewer).get(f"/places/settlements/{places.ballija.code}/")
    assert [f.indicator for f in response.context["figures"]] == ["relocated_households"]
    assert "Caliber.Az" in response.content.decode()


def test_an_unknown_area_is_404(client_for, viewer, places):
    assert client_for(viewer).get("/places/areas/AZ99/").status_code == 404
