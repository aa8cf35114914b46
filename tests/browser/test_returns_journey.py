"""A return planner runs a what-if for Kalbajar and reads why each household got or missed a home."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_what_if_run_for_kalbajar(demo, page, screenshot):  # noqa: F811
    sign_in(page, "planner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Allocation").click()
    page.get_by_label("Districts").select_option(label="Kalbajar")
    page.get_by_role("button", name="Run the planner").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Allocation run")
    expect(page.locator("#explanations")).to_contain_text("Housed in a")
    expect(page.get_by_text("Proven optimum")).to_be_visible()
    screenshot("allocation-run")
    waiting = int(page.locator("#waiting").inner_text())
    page.get_by_role("link", name="Only those waiting").click()
    not_housed = page.locator("#explanations tbody tr", has_text="Not housed")
    expect(not_housed).to_have_count(min(waiting, 100))
    page.get_by_role("link", name="All", exact=True).click()
    page.get_by_role("link", name="Approve").click()
    page.locator("#confirm-approve").click()
    expect(page.get_by_text("homes reserved")).to_be_visible()
    expect(page.locator("#approve")).to_have_count(0)


def test_the_cohort_planner_shows_the_documented_departures(demo, page, screenshot):  # noqa: F811
    sign_in(page, "planner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cohorts")
    row = page.locator("#cohorts tbody tr", has_text="2025-09-15")
    expect(row).to_contain_text("139 / 139")
    expect(page.locator("#capacity .main-svg").first).to_be_visible()  # the chart is drawn
    screenshot("cohort-planner")
    row.get_by_role("link").click()
    expect(page.locator("#passengers tbody tr")).to_have_count(32)
    expect(page.locator("#passengers")).to_contain_text("Moved home")
    page.go_back()
    form = page.locator("#plan-departure")
    form.get_by_label("Destination").select_option(label="Kalbajar city")
    form.get_by_label("Move date").fill("2027-04-05")
    form.get_by_label("Seats").fill("120")
    form.get_by_label("Transport").fill("3 buses")
    form.get_by_role("button", name="Plan").click()
    expect(page.get_by_text("Departure planned.")).to_be_visible()
    expect(page.locator("#cohorts tbody tr", has_text="2027-04-05")).to_contain_text("0 / 120")
    schedule = page.locator("#schedule")
    schedule.get_by_label("Districts").select_option(label="Kalbajar")
    schedule.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("still waiting for seats")).to_be_visible()
