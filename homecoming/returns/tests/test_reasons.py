"""Why a household is not eligible reaches a person in words of the page's language: the
reasons are values put into words when a page is shown, never sentences kept in English."""

from __future__ import annotations

import math

import pytest
from django.utils import translation

from homecoming.mineaction.models import HazardArea
from homecoming.mineaction.tests.fixtures import activity_row
from homecoming.registry.models import DuplicateCandidate, Household
from homecoming.returns.models import IneligibleHousehold
from homecoming.returns.reasons import Hazard, Reason, Why
from homecoming.returns.selectors import eligibility
from homecoming.returns.services import allocation_run
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db

# The English words of the reasons of the households below: their kinds, statuses,
# intentions, services, hazard areas' progress and place names.
ENGLISH = (
    "Registration not verified",
    "Return intention",
    "intention:",
    "registration",
    "Return later",
    "possible duplicate",
    "land around",
    "not released",
    "no land-release activity",
    "clearance",
    "% done",
    "not commissioned",
    "Electricity",
    "Clinic",
    "Ballija",
    "Kalbajar",
)


@pytest.fixture(autouse=True)
def _language_kept():
    """The Azerbaijani pages below activate their language: it does not outlive the test."""
    with translation.override("en"):
        yield


@pytest.fixture
def held_back(places, make_household, zar_ready, zar_hazards, import_activities, planner):
    """A Kalbajar run made in English that left out a household for every kind of reason:
    Zar's hazard areas (one 60 % cleared), a later intention, a duplicate under review,
    and a household of Ballija (Khojaly: no service) not verified."""
    area = HazardArea.objects.get(code="HA-0002").area_m2
    import_activities(
        activity_row(
            "A2", "HA-0002", status="ongoing", end_date="", cleared_m2=str(math.ceil(area * 0.6))
        )
    )
    later = household(make_household, places.zar, 2, intention="return_later")
    one = household(make_household, places.zar, 3)
    other = household(make_household, places.zar, 3)
    DuplicateCandidate.objects.create(household_a=one, household_b=other, probability=0.9)
    unverified = household(make_household, places.ballija, 3, status="registered")
    with translation.override("en"):
        run = allocation_run(
            by=planner, districts=[places.kalbajar, places.khojaly], scope="settlement"
        )
    return run, [later, one, unverified]


def section(html: str, start: str, end: str) -> str:
    return html.split(start)[1].split(end)[0]


def test_a_run_made_in_english_gives_its_reasons_in_azerbaijani_on_an_azerbaijani_page(
    held_back, planner, client_for
):
    run, _households = held_back
    # every kind of the fixed gates (a policy's conditions and steps: test_policy.py)
    assert {r["why"] for r in run.ineligible_reasons} == set(Why.values) - {
        Why.OTHER,
        Why.CONDITION,
        Why.STEPS,
    }
    client = client_for(planner)
    client.post("/i18n/setlang/", {"language": "az", "next": "/"})
    page = client.get(f"/returns/runs/{run.pk}/").content.decode()
    shown = section(page, 'id="ineligible"', "</section>")
    with translation.override("az"):
        assert "Ballıca: Elektrik" in shown  # the settlement's and services' names
        for why in Why.values:
            if why not in (Why.OTHER, Why.CONDITION, Why.STEPS):
                assert str(Why(why).label) in shown
    assert not [words for words in ENGLISH if words in shown]
    for row in IneligibleHousehold.objects.filter(run=run).exclude(why=Why.DUPLICATE):
        listed = client.get(f"/returns/runs/{run.pk}/", {"why": row.why, "reason": row.reason})
        heading = section(listed.content.decode(), 'id="reason"', "</p>")
        assert not [words for words in ENGLISH if words in heading], heading


def test_the_household_page_in_azerbaijani_says_why_not_eligible_in_azerbaijani(
    held_back, khojaly_officer, kalbajar_officer, client_for
):
    _run, households = held_back
    for household_, officer in zip(
        households, (kalbajar_officer, kalbajar_officer, khojaly_officer), strict=True
    ):
        client = client_for(officer)
        client.post("/i18n/setlang/", {"language": "az", "next": "/"})
        page = client.get(f"/registry/households/{household_.pk}/").content.decode()
        road = section(page, 'id="road-home"', "</ol>")
        with translation.override("az"):
            words = [
                r.words for r in eligibility(Household.objects.filter(pk=household_.pk))[0].reasons
            ]
        assert words
        assert all(w in road for w in words)
        assert not [words for words in ENGLISH if words in road], road


def samples(settlement) -> list[Reason]:
    """A reason of every kind a run stores codes for (``other`` keeps its words)."""
    return [
        Reason(Why.NOT_VERIFIED, "registered"),
        Reason(Why.NOT_VERIFIED, "withdrawn"),
        Reason(Why.INTENTION, "return_later"),
        Reason(Why.DUPLICATE),
        Reason(
            Why.LAND, settlement.code, hazards=(Hazard("HA-1", 2.0, "", 0),), settlement=settlement
        ),
        Reason(
            Why.LAND,
            settlement.code,
            hazards=(Hazard("HA-2", 1.5, "clearance", 60), Hazard("HA-3", 1.0, "", 0)),
            settlement=settlement,
        ),
        Reason(
            Why.SERVICES,
            settlement.code,
            services=("clinic", "public_transport"),
            settlement=settlement,
        ),
        Reason(
            Why.CONDITION,
            "family",
            label=(("az", "iki və daha çox nəfərlik ailə"), ("en", "a family of two or more")),
        ),
        Reason(
            Why.STEPS, "visit", label=(("az", "gedib-görmə səfəri"), ("en", "go-and-see visit"))
        ),
    ]


def test_every_kind_of_reason_has_words_in_english_and_in_azerbaijani(places):
    reasons = samples(places.ballija)
    assert {r.why for r in reasons} == set(Why.values) - {Why.OTHER}
    for reason in reasons:
        with translation.override("en"):
            english = reason.words
        with translation.override("az"):
            azerbaijani = reason.words
        assert azerbaijani, reason
        assert english != azerbaijani, reason
        codes = [reason.code, *reason.services, *(h.method for h in reason.hazards)]
        assert not [code for code in codes if code and code in azerbaijani], azerbaijani
        assert not [words for words in ENGLISH if words in azerbaijani], azerbaijani


def test_a_reason_stored_as_words_that_could_not_be_read_is_shown_as_stored():
    with translation.override("az"):
        assert Reason(Why.OTHER, "checked by hand").words == "checked by hand"


def test_a_reason_reads_back_as_it_was_stored(places):
    for reason in samples(places.ballija):
        again = Reason.from_json(reason.to_json(), {places.ballija.code: places.ballija})
        assert again == reason
        assert again.words == reason.words
