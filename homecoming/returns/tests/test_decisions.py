"""Decisions a household can understand: a run is approved after a confirmation and then
names who approved it; each priority reads as its factors in words; households left out
are grouped by reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from homecoming.registry.models import Member
from homecoming.returns.models import AllocationRun, IneligibleHousehold, Reservation
from homecoming.returns.priority import priority_in_words
from homecoming.returns.services import allocation_approve, allocation_run
from homecoming.returns.tests.fixtures import household

pytestmark = pytest.mark.django_db


def household_links(html: str) -> int:
    return len(re.findall(r'href="/registry/households/\d+/"', html))


FACTOR_CODES = ("vulnerable_members", "collective_accommodation", "years_displaced", "members:")


@pytest.fixture
def run(places, make_household, zar_ready, planner) -> AllocationRun:
    """A draft run for Kalbajar: two Zar households housed (one in a hostel, one with a
    vulnerable member), one waiting; two households left out for their intention."""
    household(make_household, places.zar, 4, accommodation="hostel")
    vulnerable = household(make_household, places.zar, 3)
    Member.objects.filter(household=vulnerable).update(vulnerabilities=["chronic_illness"])
    household(make_household, places.zar, 3)
    for _ in range(2):
        household(make_household, places.zar, 2, intention="return_later")
    return allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")


def test_an_approved_run_names_who_approved_it_and_the_day_of_its_offers(run, planner):
    on = timezone.localdate() - dt.timedelta(days=3)
    allocation_approve(run=run, by=planner, on=on)
    run.refresh_from_db()
    assert (run.approved, run.approved_by, run.approved_on) == (True, planner, on)
    assert set(Reservation.objects.values_list("offered_on", flat=True)) == {on}


def test_a_run_reads_as_a_draft_until_approved_and_never_as_a_proposal(run, planner, client_for):
    page = client_for(planner).get(f"/returns/runs/{run.pk}/").content.decode()
    assert "Draft — not approved" in page
    assert "Proposal" not in page
    allocation_approve(run=run, by=planner)
    for url in (f"/returns/runs/{run.pk}/", "/returns/runs/"):
        page = client_for(planner).get(url).content.decode()
        assert f"Approved by planner, on {timezone.localdate():%Y-%m-%d}" in page
        assert "Proposal" not in page
        assert "Draft" not in page.split("<h2")[0]


def test_approving_asks_for_confirmation_and_says_what_will_happen(run, planner, client_for):
    client = client_for(planner)
    detail = client.get(f"/returns/runs/{run.pk}/").content.decode()
    assert f'href="/returns/runs/{run.pk}/approve/"' in detail  # a link, not a form posting
    confirm = client.get(f"/returns/runs/{run.pk}/approve/")
    page = confirm.content.decode()
    deadline = timezone.localdate() + dt.timedelta(days=settings.OFFER_ANSWER_DAYS)
    assert "2 households are offered a home." in page
    assert "2 homes are reserved" in page
    assert f"answer by {deadline:%Y-%m-%d}" in page
    assert "1 eligible household is not housed by this run" in page
    assert "Approve and reserve 2 homes" in page
    assert Reservation.objects.count() == 0  # asking changes nothing
    done = client.post(f"/returns/runs/{run.pk}/approve/", follow=True)
    assert "Run approved: 2 homes reserved" in done.content.decode()
    assert Reservation.objects.count() == 2
    # The confirmation of an approved run is not offered again.
    again = client.get(f"/returns/runs/{run.pk}/approve/")
    assert again.status_code == 302
    assert again.url == f"/returns/runs/{run.pk}/"


def test_a_second_approval_is_told_the_run_was_already_approved(run, planner, client_for):
    client = client_for(planner)
    client.post(f"/returns/runs/{run.pk}/approve/")
    late = client.post(f"/returns/runs/{run.pk}/approve/", follow=True).content.decode()
    assert "This run has already been approved." in late
    assert "Approved by planner" in late
    assert Reservation.objects.count() == 2


def test_an_officer_cannot_open_the_confirmation(run, kalbajar_officer, client_for):
    assert client_for(kalbajar_officer).get(f"/returns/runs/{run.pk}/approve/").status_code == 403


def test_a_priority_reads_as_its_factors_in_words_highest_first():
    breakdown = {
        "members": {"value": 4, "weight": 2, "points": 8},
        "vulnerable_members": {"value": 2, "weight": 15, "points": 30},
        "collective_accommodation": {"value": 1, "weight": 10, "points": 10},
        "years_displaced": {"value": 0, "weight": 1, "points": 0},
        "a_future_factor": {"value": 1, "weight": 3, "points": 3},
    }
    assert priority_in_words(breakdown) == [
        "2 vulnerable members +30 (15 each)",
        "lives in collective accommodation +10",
        "4 members +8 (2 each)",
        "another factor +3",
    ]
    one = {"vulnerable_members": {"value": 1, "weight": 15, "points": 15}}
    assert priority_in_words(one) == ["1 vulnerable member +15"]
    with translation.override("az"):
        words = priority_in_words(breakdown)
    assert not any(code in " ".join(words) for code in (*FACTOR_CODES, "a_future_factor"))


def test_the_run_page_shows_each_priority_in_words_and_no_factor_code(run, planner, client_for):
    page = client_for(planner).get(f"/returns/runs/{run.pk}/").content.decode()
    assert "lives in collective accommodation +10" in page
    assert "1 vulnerable member +15" not in page  # three vulnerable members, not one
    # named by the labels of the run's policy version
    assert "3 × vulnerable members +45 (15 each)" in page
    assert not any(code in page for code in FACTOR_CODES)


def test_the_household_page_shows_its_priority_from_the_latest_run_or_as_of_today(
    places, make_household, zar_ready, planner, kalbajar_officer, client_for
):
    hostel = household(make_household, places.zar, 4, accommodation="hostel")
    client = client_for(kalbajar_officer)
    before = client.get(f"/registry/households/{hostel.pk}/").content.decode()
    years = (timezone.localdate() - dt.date(1993, 4, 2)).days // 365
    assert "as a run would count it today" in before
    assert f"Priority {10 + 8 + years}," in before
    assert "lives in collective accommodation +10" in before
    assert f"{years} × years displaced +{years} (1 each)" in before
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    after = client.get(f"/registry/households/{hostel.pk}/").content.decode()
    assert f"in allocation run #{run.pk}" in after
    assert "4 × members +8 (2 each)" in after
    assert f"/returns/runs/{run.pk}/" not in after  # the officer may not open runs
    planners = client_for(planner).get(f"/registry/households/{hostel.pk}/").content.decode()
    assert f"/returns/runs/{run.pk}/" in planners
    assert not any(code in after for code in FACTOR_CODES)


def ineligible_section(html: str) -> str:
    return html.split('id="ineligible"')[1].split("</section>")[0]


def test_households_left_out_are_grouped_by_reason_with_counts_then_listed(
    run, places, planner, client_for
):
    assert IneligibleHousehold.objects.filter(run=run).count() == 2
    client = client_for(planner)
    section = ineligible_section(client.get(f"/returns/runs/{run.pk}/").content.decode())
    assert section.count("<details") == 1
    assert "Does not wish to return now</span> — <strong" in section
    assert "2 households" in section
    assert "Return intention: Return later" in section
    assert household_links(section) == 2
    for query in ({"why": "intention", "reason": "return_later"}, {"why": "intention"}):
        listed = client.get(f"/returns/runs/{run.pk}/", query).content.decode()
        assert household_links(listed) == 2


def test_a_household_held_back_by_several_services_is_counted_once_in_its_group(
    places, make_household, zar_ready, planner, client_for
):
    for _ in range(3):
        household(make_household, places.ballija, 2)  # Ballija has no service at all
    run = allocation_run(by=planner, districts=[places.khojaly], scope="settlement")
    section = ineligible_section(
        client_for(planner).get(f"/returns/runs/{run.pk}/").content.decode()
    )
    assert section.count("<details") == 1
    assert "A required service not working in the home settlement</span> — <strong" in section
    assert "3 households</strong>" in section
    assert "Electricity, Water, School, Clinic not commissioned in Ballija" in section
    assert household_links(section) == 3
    # One row per household and kind is kept, not one per missing service.
    assert IneligibleHousehold.objects.filter(run=run).count() == 3
    link = f"/returns/runs/{run.pk}/?why=services&amp;reason={places.ballija.code}"
    assert link in section
    listed = client_for(planner).get(link.replace("&amp;", "&")).content.decode()
    assert household_links(listed) == 3
    assert "3 households were left out of run" in listed
    assert "Electricity, Water, School, Clinic not commissioned in Ballija" in listed


def test_each_reason_shows_its_first_households_and_links_to_all_of_them(
    places, make_household, zar_ready, planner, client_for
):
    for _ in range(12):
        household(make_household, places.zar, 2, intention="return_later")
    run = allocation_run(by=planner, districts=[places.kalbajar], scope="settlement")
    client = client_for(planner)
    section = ineligible_section(client.get(f"/returns/runs/{run.pk}/").content.decode())
    assert household_links(section) == 10
    assert "All 12 households of this reason" in section
    assert f'href="/returns/runs/{run.pk}/?why=intention"' in section
    listed = client.get(f"/returns/runs/{run.pk}/?why=intention").content.decode()
    assert household_links(listed) == 12
    assert "12 households were left out of run" in listed


def test_a_run_made_before_households_were_recorded_gives_its_counts_alone(
    run, planner, client_for
):
    IneligibleHousehold.objects.all().delete()
    section = ineligible_section(
        client_for(planner).get(f"/returns/runs/{run.pk}/").content.decode()
    )
    assert "households not recorded" in section
    assert "Return intention: Return later" in section
    assert "were not recorded: the run was made before they were" in section
    assert household_links(section) == 0
