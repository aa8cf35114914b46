"""An administrator opens the programmes, opens the Great Return (its phases, targets and
households) and changes a phase, a date out of order refused first; a planner assigned to
the Great Return sees only its households — in English and in Azerbaijani.

The Azerbaijani run finds things by address and id (new words are translated when the
coordinator merges the catalogue)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from homecoming.accounts.models import Role, User
from homecoming.programmes.models import Programme
from homecoming.registry.models import Household
from tests.browser.test_household_record_journey import enter, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_loaded):
    return demo_loaded(households=20, seed=5, today=dt.date(2026, 11, 23))


@pytest.mark.parametrize("language", ["en", "az"])
def test_an_administrator_opens_the_great_return_and_changes_a_phase(
    demo, page, screenshot, language
):
    enter(page, "admin", language)
    page.locator("nav.mainnav a[href='/programmes/']").click()
    rows = page.locator("#programmes tbody tr")
    expect(rows).to_have_count(2)
    great_return = rows.filter(has=page.locator("a[href='/programmes/return/']"))
    expect(great_return).to_contain_text(str(Household.objects.count()))
    shoot(page, screenshot, "programmes", language)

    great_return.locator("a[href='/programmes/return/']").click()
    expect(page.locator("#phases tbody tr")).to_have_count(2)
    expect(page.locator("#targets")).to_contain_text("140")
    expect(page.locator("#targets")).to_contain_text("Grokipedia")
    expect(page.locator("#origin-areas li")).to_have_count(4)
    expect(page.locator("#programme-facts")).to_contain_text("70")  # returned in 2025
    shoot(page, screenshot, "programme-great-return", language)

    phase = Programme.objects.get(code="return").phases.get(starts_on=dt.date(2025, 6, 13))
    page.locator(f"a[href='/programmes/return/phases/{phase.pk}/']").click()
    page.locator("[name=ends_on]").fill("2025-01-01")
    page.locator("form.stack button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("[name=ends_on]")).to_have_value("2025-01-01")  # nothing lost
    if language == "en":
        expect(page.locator("#error-summary")).to_contain_text("ends before it starts")
    shoot(page, screenshot, "programme-phase-refused", language)
    page.locator("[name=ends_on]").fill("2026-06-30")
    page.locator("form.stack button[type=submit]").click()
    expect(page).to_have_url("/programmes/return/")
    expect(page.locator("#phases")).to_contain_text("2026")
    phase.refresh_from_db()
    assert phase.ends_on == dt.date(2026, 6, 30)
    assert phase.history.first().history_user.username == "admin"


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_planner_of_the_great_return_sees_only_its_households(demo, page, screenshot, language):
    planner = User.objects.create_user(
        username="gr-planner", password="gr-planner-homecoming", role=Role.RETURN_PLANNER
    )
    Programme.objects.get(code="return").users.add(planner)
    other = Household.objects.order_by("reference").last()
    Household.objects.filter(pk=other.pk).update(
        programme=Programme.objects.get(code="concept-of-return")
    )
    enter(page, "gr-planner", language)
    page.goto("/registry/households/")
    expect(page.locator("#household-rows")).to_be_visible()
    expect(page.locator("#household-rows")).not_to_contain_text(other.reference)
    expect(page.locator("select[name=programme]")).to_have_count(0)  # one programme: no filter
    shoot(page, screenshot, "programme-scoped-households", language)
    response = page.goto(f"/registry/households/{other.pk}/")
    assert response.status == 404
    mine = Household.objects.exclude(pk=other.pk).order_by("reference").first()
    page.goto(f"/registry/households/{mine.pk}/")
    expect(page.locator("#household-programme a")).to_have_attribute("href", "/programmes/return/")
