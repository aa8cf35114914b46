"""A what-if allocation for a district: eligible households, ready units, the planner's optimum
and an explanation for each household; nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models.signals import post_init
from django.utils import translation

from homecoming.housing.models import HousingUnit
from homecoming.places.models import Settlement
from homecoming.registry.models import DuplicateCandidate, Household, Member
from homecoming.returns.models import AllocationResult
from homecoming.returns.priority import priority_score
from homecoming.returns.reasons import Reason
from homecoming.returns.selectors import eligibility, run_by_settlement
from homecoming.returns.services import allocation_run
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db


def test_the_priority_score_keeps_its_breakdown():
    score, breakdown = priority_score(
        {"members": 4, "vulnerable_members": 1, "collective_accommodation": 1},
        {"members": 2, "vulnerable_members": 15, "collective_accommodation": 10},
    )
    assert score == 33
    assert breakdown["vulnerable_members"] == {"value": 1, "weight": 15, "points": 15}


def test_eligibility_gives_every_reason(places, make_household, zar_ready, khojaly_officer):
    ok = household(make_household, places.zar, 4)
    later = household(make_household, places.zar, 2, intention="return_later")
    unverified = household(make_household, places.ballija, 3, status="registered")
    other = household(make_household, places.zar, 4)
    DuplicateCandidate.objects.create(household_a=ok, household_b=other, probability=0.9)
    reasons = {e.household: e.reasons for e in eligibility(Household.objects.all())}
    assert reasons[later] == (Reason("intention", "return_later"),)
    assert reasons[ok] == (Reason("duplicate"),)
    assert reasons[unverified] == (
        Reason("not_verified", "registered"),
        Reason(
            "services",
            places.ballija.code,
            services=("electricity", "water", "school", "clinic"),
        ),
    )


def test_a_what_if_houses_the_highest_priorities_and_explains_the_rest(
    places, make_household, zar_ready, planner
):
    small = household(make_household, places.zar, 3)
    large = household(make_household, places.zar, 4, accommodation="hostel")
    vulnerable = household(make_household, places.zar, 3)
    Member.objects.filter(household=vulnerable).update(vulnerabilities=["chronic_illness"])
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    results = {r.household: r for r in run.results.all()}
    assert {h for h, r in results.items() if r.unit_id} == {large, vulnerable}
    assert results[small].explanation["why"] == "outbid"
    assert results[large].priority_breakdown["collective_accommodation"]["points"] == 10
    assert run.objective["priority"] == results[large].priority + results[vulnerable].priority
    assert set(HousingUnit.objects.values_list("status", flat=True)) == {"ready"}  # unchanged


def test_only_a_return_planner_runs_allocations(places, kalbajar_officer, client_for):
    assert client_for(kalbajar_officer).get("/returns/runs/").status_code == 403


def test_the_run_page_shows_the_summary_and_each_household(
    places, make_household, zar_ready, planner, client_for
):
    household(make_household, places.zar, 3)
    client = client_for(planner)
    response = client.post(
        "/returns/runs/", {"districts": [places.kalbajar.code], "scope": "settlement"}
    )
    page = client.get(response["Location"])
    assert page.context["housed"] == 1
    assert "Housed in a 3-room" in page.content.decode()


def test_the_run_page_counts_by_settlement_in_the_database_and_loads_only_the_page_shown(
    places, make_household, zar_ready, planner, client_for
):
    household(make_household, places.zar, 3)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    waiting = Household.objects.bulk_create(
        Household(
            reference=f"W-{i:05d}",
            origin_settlement=places.ballija,
            registered_on=dt.date(2024, 5, 1),
        )
        for i in range(120)
    )
    AllocationResult.objects.bulk_create(
        AllocationResult(
            run=run,
            household=h,
            priority=1,
            priority_breakdown={},
            explanation={"why": "words", "text": "Not housed"},
        )
        for h in waiting
    )
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    post_init.connect(count, sender=AllocationResult)
    try:
        page = client_for(planner).get(f"/returns/runs/{run.pk}/")
    finally:
        post_init.disconnect(count, sender=AllocationResult)
    assert page.context["by_settlement"] == [("Ballija", 0, 120), ("Zar", 1, 0)]
    Settlement.objects.filter(pk=places.ballija.pk).update(name_az="Ballıca")
    with translation.override("az"):  # named in the page's language
        assert run_by_settlement(run)[0] == ("Ballıca", 0, 120)
    assert (page.context["housed"], page.context["waiting"]) == (1, 120)
    assert len(loaded) == 100  # the page shown, not every result of the run


def test_a_run_counts_why_households_were_not_eligible(places, make_household, zar_ready, planner):
    household(make_household, places.zar, 3, intention="not_return")
    household(make_household, places.zar, 3, intention="not_return")
    household(make_household, places.zar, 2)
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    assert run.ineligible_reasons == [{"why": "intention", "code": "not_return", "households": 2}]
    assert (run.households_considered, run.households_not_eligible) == (3, 2)


def test_the_pipeline_counts_each_step_of_the_road_home(
    places, make_household, zar_ready, planner, client_for
):
    from homecoming.returns.selectors import pipeline
    from homecoming.returns.services import allocation_approve

    household(make_household, places.zar, 3)
    household(make_household, places.zar, 3, intention="return_later")
    household(make_household, places.zar, 3, status="registered")
    allocation_approve(
        run=allocation_run(by=planner, districts=[places.kalbajar], scope="settlement"), by=planner
    )
    assert dict(pipeline(Household.objects.all())) == {
        "registered": 3,
        "verified": 2,
        "wish to return now": 1,
        "eligible": 1,
        "offered a home": 1,
        "accepted": 0,
        "scheduled to move": 0,
        "keys handed over": 0,
    }
    chart = client_for(planner).get("/").context["funnel_chart"]
    assert chart["data"][0]["x"] == [3, 2, 1, 1, 1, 0, 0, 0]
