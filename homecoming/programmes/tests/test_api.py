from __future__ import annotations

import datetime as dt

import pytest

from homecoming.programmes.models import Phase, PolicyVersion, Programme
from homecoming.programmes.selectors import default_programme

pytestmark = pytest.mark.django_db


def test_the_api_lists_programmes_with_their_areas_phases_and_households(
    api_for, planner, places, make_household
):
    programme = default_programme()
    programme.origin_areas.set([places.kalbajar])
    Phase.objects.create(programme=programme, name="First", starts_on=dt.date(2022, 1, 1))
    make_household(places.zar)
    answer = api_for(planner).get("/api/programmes/").json()
    [listed] = answer["results"]
    assert listed["code"] == programme.code
    assert listed["kind"] == "idp_return"
    assert listed["origin_areas"] == [
        {"code": places.kalbajar.code, "name": "Kalbajar", "level": "district", "country": "AZ"}
    ]
    assert listed["phases"] == [
        {"name": "First", "name_az": "", "name_ru": "", "starts_on": "2022-01-01", "ends_on": None}
    ]
    assert (listed["households_enrolled"], listed["households_returned"]) == (1, 0)
    detail = api_for(planner).get(f"/api/programmes/{programme.code}/").json()
    assert detail == listed


def test_the_api_gives_every_field_of_the_approved_policy_versions(api_for, planner):
    programme = default_programme()
    answer = api_for(planner).get("/api/programmes/policy-versions/").json()
    [version] = answer["results"]
    assert version["programme"] == programme.code
    assert version["number"] == 1
    assert version["status"] == "approved"
    assert set(version) >= {"conditions", "priority_factors", "rooms", "steps", "in_force_from"}


def test_drafts_are_shown_only_to_those_who_draft_and_approve_them(
    api_for, planner, kalbajar_officer
):
    PolicyVersion.objects.create(programme=default_programme(), number=2, offer_answer_days=10)
    url = "/api/programmes/policy-versions/"
    assert api_for(planner).get(url).json()["count"] == 2
    assert api_for(kalbajar_officer).get(url).json()["count"] == 1


def test_the_programmes_api_is_read_only_and_refused_to_a_viewer(api_for, admin, viewer):
    assert api_for(admin).post("/api/programmes/", {"code": "x"}).status_code == 405
    assert api_for(viewer).get("/api/programmes/").status_code == 403
    assert api_for(admin).get("/api/programmes/nowhere/").status_code == 404
    assert Programme.objects.count() == 1
