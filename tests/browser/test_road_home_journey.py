"""An officer hands over the keys after a departure: a handover dated the day before it left is
refused in words, the one dated on the day is recorded, and the household page then draws the
road home, each step done with its date — in English and in Azerbaijani.

The Azerbaijani run finds things by address, field name and id (new words are translated when
the coordinator merges the catalogue), and checks the records in the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homecoming.accounts.models import User
from homecoming.places.models import Area
from homecoming.registry.services import consent_record
from homecoming.returns.models import KeyHandover, Passenger
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_depart,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
    passenger_answer,
)
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LEFT_ON = timezone.localdate() - dt.timedelta(days=5)


@pytest.fixture
def boarded(demo):  # noqa: F811
    """A Kalbajar household offered a home 30 days before a departure that left five days ago,
    accepted 20 days before, its seat confirmed; its keys not handed over yet."""
    planner, officer = User.objects.get(username="planner"), User.objects.get(username="admin")
    kalbajar = Area.objects.get(name="Kalbajar", level="district")
    run = allocation_run(by=planner, districts=[kalbajar], scope="settlement")
    allocation_approve(run=run, by=planner, on=LEFT_ON - dt.timedelta(days=30))
    offer = run.reservations.select_related("household", "unit__building__settlement").first()
    consent_record(
        household=offer.household,
        by=officer,
        given_on=LEFT_ON - dt.timedelta(days=25),
        document="CF-JOURNEY",
    )
    offer_accept(offer=offer, by=officer, on=LEFT_ON - dt.timedelta(days=20))
    cohort = cohort_plan(
        by=planner,
        destination=offer.unit.building.settlement,
        move_date=LEFT_ON,
        seats=12,
        transport="bus",
        today=LEFT_ON - dt.timedelta(days=14),
    )
    cohorts_schedule(by=planner, districts=[kalbajar], today=LEFT_ON - dt.timedelta(days=14))
    passenger_answer(passenger=Passenger.objects.get(reservation=offer), by=officer, travels=True)
    cohort_depart(cohort=cohort, by=officer)
    return offer


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_handover_before_the_departure_is_refused_then_the_road_home_shows_its_dates(
    boarded, page, screenshot, language
):
    enter(page, "kalbajar", language)
    page.goto("/returns/offers/")
    form = page.locator(f"form[action='/returns/offers/{boarded.pk}/handover/']")
    form.locator("[name=date]").fill(f"{LEFT_ON - dt.timedelta(days=1):%Y-%m-%d}")
    form.locator("[name=signed_form]").fill("HF-JOURNEY")
    form.locator("button").click()
    refusal = page.locator(".message.error")
    said = {"en": "before the departure on {:%Y-%m-%d}", "az": "{:%d.%m.%Y} tarixli köç reysi"}
    expect(refusal).to_contain_text(said[language].format(LEFT_ON))
    assert not KeyHandover.objects.filter(reservation=boarded).exists()
    shoot(page, screenshot, "road-home-handover-refused", language)

    form = page.locator(f"form[action='/returns/offers/{boarded.pk}/handover/']")
    form.locator("[name=date]").fill(f"{LEFT_ON:%Y-%m-%d}")
    form.locator("[name=signed_form]").fill("HF-JOURNEY")
    form.locator("button").click()
    expect(page.locator(".message.success")).to_contain_text(boarded.household.reference)
    assert KeyHandover.objects.get(reservation=boarded).date == LEFT_ON

    page.goto(f"/registry/households/{boarded.household.pk}/")
    road = page.locator("#road-home li")
    expect(road).to_have_count(9)
    expect(page.locator("#road-home li[data-state=done]")).to_have_count(8)
    expect(page.locator("#road-home li[aria-current=step]")).to_have_count(1)
    for days in (30, 20, 14):
        day = LEFT_ON - dt.timedelta(days=days)
        expect(page.locator(f"#road-home time[datetime='{day:%Y-%m-%d}']")).to_have_count(1)
    expect(page.locator(f"#road-home time[datetime='{LEFT_ON:%Y-%m-%d}']")).to_have_count(2)
    expect(page.locator("#road-home")).not_to_contain_text("answer by")
    current = {"en": "followed up", "az": "izləmə səfəri"}[language]
    expect(page.locator("#road-home li[aria-current=step]")).to_contain_text(current)
    page.locator("#road-home").scroll_into_view_if_needed()
    shoot(page, screenshot, "road-home-returned", language)
