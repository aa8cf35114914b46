"""An officer records the steps before return of a household of the Concept of Return (a
cross-border programme, whose steps replace land release): one step done, a later step
dated before it refused beside its date, then recorded, and both shown done on the
household page — in English and in Azerbaijani.

The demo's Concept of Return is proposed and its one policy version a draft; the journey
puts that version in force and enrols one Kalbajar household in it. The Azerbaijani run
finds things by address, field name and id (new words are translated when the coordinator
merges the catalogue)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homecoming.programmes.models import PolicyVersion, Programme
from homecoming.registry.models import Household
from homecoming.returns.policy import STEP_DONE
from tests.browser.test_household_record_journey import enter, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def returnee(demo_loaded):
    demo_loaded(households=20, seed=5, today=dt.date(2026, 11, 23))
    concept = Programme.objects.get(code="concept-of-return")
    assert concept.kind == Programme.Kind.REPATRIATION
    concept.policy_versions.update(
        status=PolicyVersion.Status.APPROVED,
        in_force_from=timezone.localdate() - dt.timedelta(days=1),
        approved_at=timezone.now(),
    )
    household = Household.objects.filter(origin_settlement__district__name="Kalbajar").first()
    Household.objects.filter(pk=household.pk).update(
        programme=concept, displaced_on=dt.date(1993, 4, 2)
    )
    return household


@pytest.mark.parametrize("language", ["en", "az"])
def test_an_officer_records_the_steps_before_a_cross_border_return(
    returnee, page, screenshot, language
):
    home = f"/registry/households/{returnee.pk}/"
    enter(page, "kalbajar", language)
    page.goto(home)
    steps = page.locator("#steps li")
    expect(steps).to_have_count(5)
    expect(page.locator("#steps li[data-state=pending]")).to_have_count(5)

    page.locator("#record-step").click()
    expect(page).to_have_url(f"/returns/households/{returnee.pk}/steps/")
    page.locator("[name=step]").select_option("agreement_in_force")
    page.locator("[name=date]").fill("2026-01-10")
    shoot(page, screenshot, "steps-record", language)
    page.locator("#step-form button[type=submit]").click()
    expect(page).to_have_url(home)
    expect(page.locator("p.message.success")).to_be_visible()
    expect(page.locator("#steps li[data-step=agreement_in_force]")).to_have_attribute(
        "data-state", "done"
    )

    page.locator("#record-step").click()
    page.locator("[name=step]").select_option("go_and_see_visit")
    page.locator("[name=date]").fill("2026-01-09")  # the day before the agreement
    page.locator("#step-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    beside = page.locator("#id_date_error")
    expect(beside).to_be_visible()
    expect(page.locator("[name=date]")).to_have_value("2026-01-09")  # nothing lost
    if language == "en":
        expect(beside).to_contain_text("before Agreement in force")
    shoot(page, screenshot, "steps-refused", language)

    page.locator("[name=date]").fill("2026-02-14")
    page.locator("#step-form button[type=submit]").click()
    expect(page).to_have_url(home)
    expect(page.locator("#steps li[data-state=done]")).to_have_count(2)
    expect(page.locator("#steps li[data-step=go_and_see_visit] time")).to_have_attribute(
        "datetime", "2026-02-14"
    )
    expect(page.locator("#steps li[data-step=travel_documents]")).to_have_attribute(
        "data-state", "pending"
    )
    if language == "en":
        expect(page.locator("#history")).to_contain_text("Step before return done: Go-and-see")
    shoot(page, screenshot, "steps-household", language)
    assert returnee.events.filter(action=STEP_DONE).count() == 2
