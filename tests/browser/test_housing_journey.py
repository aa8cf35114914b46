"""A return planner asks whether households can go back to a settlement, and why not."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_readiness_checklists_and_the_housing_overview(demo, page, screenshot):  # noqa: F811
    sign_in(page, "planner")
    page.goto("/places/settlements/?q=kalbajar+city")
    page.get_by_role("link", name="Kalbajar city").click()
    expect(page.locator("#return-verdict")).to_contain_text("Households can return here: 35")
    page.goto("/places/settlements/?q=zar")
    page.get_by_role("link", name="Zar", exact=True).click()
    expect(page.locator("#return-verdict")).to_contain_text("cannot return here yet")
    expect(page.locator("ul.checklist li.missing")).to_have_count(4)  # land, water, clinic, homes
    screenshot("settlement-readiness")

    page.get_by_role("link", name="housing table").click()
    page.get_by_label("Status").select_option("under_construction")
    expect(page.locator("#unit-count")).to_have_text("10 units")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Housing").click()
    for chart in ("finance-district", "finance-sector", "progress", "funnel"):
        expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "true")
    screenshot("housing-overview")
