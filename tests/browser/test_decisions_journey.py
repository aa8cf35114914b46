"""Decisions a household can understand, in English and in Azerbaijani: a planner runs an
allocation, reads why households were left out (grouped by reason), reads one household's
priority in words, approves the run after a confirmation and sees who approved it; an
officer opens a household and reads its priority's factors.

The Azerbaijani run finds things by id and structure (new words are translated when the
coordinator merges the catalogue) and checks the records in the database.
"""

from __future__ import annotations

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from homecoming.accounts.models import User
from homecoming.places.models import Area
from homecoming.returns.models import AllocationResult, AllocationRun, Reservation
from homecoming.returns.selectors import run_ineligible_groups
from homecoming.returns.services import allocation_run
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["en", "az"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planner_reads_a_run_and_approves_it_after_confirming(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    kalbajar = Area.objects.get(name="Kalbajar", level=Area.Level.DISTRICT)
    enter(page, "planner", language)
    page.goto("/returns/runs/")
    page.locator("[name=districts]").select_option(kalbajar.code)
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#explanations")).to_be_visible()
    run = AllocationRun.objects.latest("created_at")
    expect(page).to_have_url(f"/returns/runs/{run.pk}/")
    assert not run.approved

    # Why not eligible: one group per kind of reason, each with its households counted
    # once, its reasons, then its first households.
    groups = run_ineligible_groups(run)
    reasons = page.locator("#ineligible details.reason-group")
    expect(reasons).to_have_count(len(groups))
    assert len(groups) < len(run.ineligible_reasons)  # fewer groups than flat reasons
    first = reasons.first
    expect(first.locator(".reason-count")).to_contain_text(str(groups[0].households))
    first.locator("summary").click()
    expect(first.locator("table.reasons tbody tr")).to_have_count(len(groups[0].reasons))
    expect(first.locator("p.households a")).to_have_count(min(groups[0].households, 10))
    if language == "az":  # the reasons are worded by the page, not stored in English
        for english in ("not commissioned", "land around", "intention", "registration"):
            expect(page.locator("#ineligible")).not_to_contain_text(english)

    # One household's priority, in words.
    top = run.results.order_by("-priority", "household__reference").first()
    row = page.locator("#explanations tbody tr").first
    expect(row.locator(".priority summary")).to_contain_text(str(top.priority))
    row.locator(".priority summary").click()
    factors = row.locator(".priority li")
    expect(factors.first).to_be_visible()
    expect(factors).to_have_count(len(top.priority_words))
    for code in ("vulnerable_members", "collective_accommodation", "years_displaced"):
        expect(page.locator("main")).not_to_contain_text(code)
    if language == "en":
        expect(page.locator("#decision")).to_contain_text("Draft — not approved")
        expect(row.locator(".priority")).to_contain_text(" each)")
    shoot(page, screenshot, "decisions-run", language)

    # Approve: a confirmation page first, which changes nothing until confirmed.
    page.locator("#approve").click()
    expect(page).to_have_url(f"/returns/runs/{run.pk}/approve/")
    expect(page.locator("#consequences li")).to_have_count(
        6 if run.results.filter(unit=None) else 5
    )
    assert Reservation.objects.filter(run=run).count() == 0
    housed = run.results.exclude(unit=None).count()
    expect(page.locator("#consequences")).to_contain_text(str(housed))
    if language == "en":
        expect(page.locator("#consequences")).to_contain_text("households are offered a home")
    shoot(page, screenshot, "decisions-approve-confirm", language)
    page.locator("#confirm-approve").click()
    expect(page).to_have_url(f"/returns/runs/{run.pk}/")
    expect(page.locator("#approve")).to_have_count(0)
    run.refresh_from_db()
    assert run.approved_by == User.objects.get(username="planner")
    assert Reservation.objects.filter(run=run).count() == housed
    with translation.override(language):  # the date as the page's language writes it
        approved_on = formats.date_format(run.approved_on, "SHORT_DATE_FORMAT")
    expect(page.locator("#decision")).to_contain_text(approved_on)
    if language == "en":
        expect(page.locator("#decision")).to_contain_text("Approved by planner, on")
    shoot(page, screenshot, "decisions-approved", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_officer_reads_a_households_priority_factors(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    kalbajar = Area.objects.get(name="Kalbajar", level=Area.Level.DISTRICT)
    run = allocation_run(
        by=User.objects.get(username="planner"), districts=[kalbajar], scope="settlement"
    )
    result = (
        AllocationResult.objects.filter(run=run, priority_breakdown__isnull=False)
        .order_by("-priority")
        .first()
    )
    enter(page, "kalbajar", language)
    page.goto(f"/registry/households/{result.household_id}/")
    priority = page.locator("#priority")
    expect(priority).to_contain_text(str(result.priority))
    expect(priority).to_contain_text(f"#{run.pk}")
    expect(priority.locator("li")).to_have_count(len(result.priority_words))
    expect(priority.locator(f'a[href="/returns/runs/{run.pk}/"]')).to_have_count(0)
    if language == "en":
        expect(priority).to_contain_text(result.priority_words[0])
    priority.scroll_into_view_if_needed()
    shoot(page, screenshot, "decisions-household-priority", language)
