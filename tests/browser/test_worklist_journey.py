"""An officer and a planner open the home page, see the work waiting for them first, and
follow each task of their worklist to the list where it is done, which shows as many as
the worklist said — in English and in Azerbaijani.

The Azerbaijani run finds things by address and class (new words are translated when the
coordinator merges the catalogue).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homecoming.accounts.models import User
from homecoming.places.models import Area
from homecoming.registry.models import DuplicateCandidate, Household
from homecoming.registry.services import change_request_create, consent_record, household_withdraw
from homecoming.returns.models import Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
)
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()

# The lists narrowed to what the worklist counts, which say so with their count.
FILTERED = {"/returns/cohorts/", "/registry/changes/", "/imports/"}
# Each list the worklist links to, and how its page shows what the task counted: the rows
# of its table (each list fits one page here) or its own count.
ROWS = {
    "/registry/changes/": "main table.data > tbody > tr:has(form)",
    "/registry/duplicates/": "main table.data > tbody > tr:has(a)",
    "/returns/offers/": "#offers > tbody > tr:has(form)",
    "/returns/cohorts/": "#cohorts > tbody > tr:has(a)",
    "/monitoring/discrepancies/": "main table.data > tbody > tr:has(td)",
}


@pytest.fixture
def work(demo):  # noqa: F811
    """On top of the demo (its 2025 returns have had no follow-up visit): Kalbajar's offers
    made 20 days ago, one accepted and its household on a departure in six days, seat not
    confirmed; a withdrawal to reinstate, asked by another officer; a pair to judge."""
    planner, admin = User.objects.get(username="planner"), User.objects.get(username="admin")
    kalbajar = Area.objects.get(name="Kalbajar", level="district")
    run = allocation_run(by=planner, districts=[kalbajar], scope="settlement")
    allocation_approve(run=run, by=planner, on=TODAY - dt.timedelta(days=20))
    offer = run.reservations.select_related("household", "unit__building__settlement").first()
    consent_record(
        household=offer.household, by=admin, given_on=TODAY - dt.timedelta(days=19), document="CF"
    )
    offer_accept(offer=offer, by=admin, on=TODAY - dt.timedelta(days=15))
    cohort_plan(
        by=planner,
        destination=offer.unit.building.settlement,
        move_date=TODAY + dt.timedelta(days=6),
        seats=12,
        transport="bus",
    )
    cohorts_schedule(by=planner, districts=[kalbajar])
    waiting = (
        Household.objects.filter(origin_settlement__district=kalbajar, status="registered")
        .exclude(pk__in=Reservation.objects.values("household"))
        .order_by("pk")
    )
    first, second, third = waiting[:3]
    change_request_create(
        household=household_withdraw(household=first, by=admin, reason="moved abroad"),
        by=admin,
        part="reinstatement",
        proposed={},
        reason="came back",
    )
    DuplicateCandidate.objects.create(household_a=second, household_b=third, probability=0.93)


def follow_each_task(page, expected: set[str]) -> None:
    """Open each task of the worklist, check its list shows the count, and come back."""
    tasks = page.locator("#worklist li.task a")
    links = [tasks.nth(i).get_attribute("href") for i in range(tasks.count())]
    counts = [int(tasks.nth(i).locator(".figure").inner_text()) for i in range(tasks.count())]
    assert {link.split("?")[0] for link in links} == expected
    for link, count in zip(links, counts, strict=True):
        page.locator(f'#worklist a[href="{link}"]').click()
        expect(page).to_have_url(re.compile(re.escape(link) + "$"))
        path = link.split("?")[0]
        if path in FILTERED:
            expect(page.locator(".filtered .count")).to_have_text(str(count))
        if path in ROWS:
            expect(page.locator(ROWS[path])).to_have_count(count)
        if path == "/registry/households/":
            expect(page.locator("#household-count")).to_contain_text(f"{count} ")
        page.go_back()
        expect(page.locator("#worklist")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "az"])
def test_the_officer_follows_each_task_of_the_worklist_to_where_it_is_done(
    work, page, screenshot, language
):
    enter(page, "kalbajar", language)
    worklist = page.locator("#worklist")
    expect(worklist).to_be_visible()
    # The work comes first, before the figures and the funnel.
    assert page.locator("main h2").first.get_attribute("id") == "worklist-title"
    offers = worklist.locator('a[href="/returns/offers/?answer=pending"]').locator("..")
    expect(offers).to_have_class(re.compile("urgent"))
    if language == "en":
        expect(offers).to_contain_text("past their deadline")
        expect(worklist).to_contain_text("follow-up visits due")
    expect(page.locator("#pipeline")).to_have_attribute("data-drawn", "true")
    shoot(page, screenshot, "worklist-officer", language)
    follow_each_task(
        page,
        {
            "/returns/offers/",
            "/returns/cohorts/",
            "/registry/changes/",
            "/registry/duplicates/",
            "/registry/households/",
        },
    )
    page.locator('#worklist a[href="/returns/cohorts/?seats=unconfirmed"]').click()
    shoot(page, screenshot, "worklist-officer-departures", language)


@pytest.mark.parametrize("language", ["en", "az"])
def test_the_planner_follows_the_departures_to_confirm_to_the_cohorts(
    work, page, screenshot, language
):
    enter(page, "planner", language)
    expect(page.locator("#worklist")).to_be_visible()
    expect(page.locator("#pipeline")).to_have_attribute("data-drawn", "true")
    shoot(page, screenshot, "worklist-planner", language)
    follow_each_task(page, {"/returns/cohorts/"})
