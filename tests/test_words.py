"""No code reaches a person (issue 19): pages say choices, indicators, units, places and
form errors in words, in the page's language. The crawl (test_crawl.py) looks at every
page; these name the defects it found, each where it lived."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from conftest import make_table
from homecoming.housing.models import Project
from homecoming.mineaction.services import hazards_import
from homecoming.mineaction.tests.fixtures import hazard_row, square
from homecoming.monitoring.services import figures_import
from homecoming.monitoring.tests.conftest import TARGETS
from homecoming.registry.forms import ConsentForm
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db


def _in(client: Client, language: str) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _chart(page: str, id_: str) -> dict:
    return json.loads(
        re.search(rf'<script id="{id_}" type="application/json">(.*?)</script>', page)[1]
    )


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_form_error_names_the_field_by_its_label(
    places, make_household, kalbajar_officer, client_for, language
):
    home = household(make_household, places.zar, 2)
    client = _in(client_for(kalbajar_officer), language)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        f"/registry/households/{home.pk}/consent/",
        {"given_on": tomorrow.isoformat(), "document": "CF-1"},
        follow=True,
    )
    page = response.content.decode()
    with translation.override(language):
        label = str(ConsentForm.base_fields["given_on"].label)
        future = _("This date is in the future.")
    assert f"{label}: {future}" in page
    assert f"given_on: {future}" not in page


def test_a_hazard_area_says_its_contamination_and_blocked_land_use_in_words(
    places, auditor, client_for
):
    assert hazards_import(table=make_table([hazard_row("HA-0001", square(46.0390, 40.1060))])).ok
    client = client_for(auditor)
    for url in ("/mineaction/hazard-areas/", "/mineaction/hazard-areas/HA-0001/"):
        page = client.get(url).content.decode()
        assert "Anti-personnel mines, Unexploded ordnance" in page
        assert "ap_mines" not in page
    history = client.get("/accounts/history/hazard-area/HA-0001/").content.decode()
    assert "Anti-personnel mines, Unexploded ordnance" in history
    assert "ap_mines" not in history


def test_the_housing_charts_name_districts_and_sectors_in_the_page_language(
    places, zar_ready, planner, client_for
):
    page = _in(client_for(planner), "az").get("/housing/").content.decode()
    with translation.override("az"):
        housing = str(Project.Sector.HOUSING.label)
    assert _chart(page, "finance-district-chart")["data"][0]["x"] == ["Kəlbəcər"]
    assert _chart(page, "finance-sector-chart")["data"][0]["x"] == [housing]
    assert [t["name"] for t in _chart(page, "funnel-chart")["data"]] == ["Kəlbəcər"]


def test_a_target_says_its_figure_with_its_unit_and_its_place(places, planner, client_for):
    assert figures_import(table=make_table(TARGETS)).ok
    client = client_for(planner)
    page = client.get("/monitoring/").content.decode()
    assert "<strong>13,000 persons</strong> · Kalbajar" in page
    assert "<strong>140,000 persons</strong> · Liberated territories" in page
    figures = client.get("/monitoring/figures/").content.decode()
    assert "Return target" in figures
    assert "return_target" not in re.sub(r'value="[^"]*"', "", figures)
    az = _in(client, "az").get("/monitoring/").content.decode()
    assert "· Kəlbəcər</td>" in az
