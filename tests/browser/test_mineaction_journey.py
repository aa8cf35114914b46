"""A mine-action data manager reads the overview, the map, and a settlement's land verdict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_overview_charts_the_records_and_the_map_colours_hazard_areas(demo, page, screenshot):  # noqa: F811
    sign_in(page, "mineaction")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mine action").click()
    for chart in ("released", "devices", "casualties", "open"):
        expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "true")
    expect(page.locator("#devices .bars path").first).to_be_visible()
    screenshot("mineaction-overview")

    page.goto("/mineaction/map/?district=AZ0201")
    expect(page.locator(".hazard-polygon.open").first).to_be_attached()
    expect(page.locator(".hazard-polygon.released").first).to_be_attached()
    screenshot("hazard-map")


def test_a_settlement_shows_its_land_verdict_with_reasons(demo, page, screenshot):  # noqa: F811
    sign_in(page, "planner")
    page.goto("/places/settlements/?q=zar")
    page.get_by_role("link", name="Zar", exact=True).click()
    expect(page.locator("#land-verdict")).to_contain_text("Land not ready")
    expect(page.locator("ul.reasons li")).to_contain_text("clearance 60 % done")
    expect(page.locator(".hazard-polygon").first).to_be_attached()
    screenshot("settlement-land-not-ready")
    page.goto("/places/settlements/?q=kalbajar+city")
    page.get_by_role("link", name="Kalbajar city").click()
    expect(page.locator("#land-verdict")).to_contain_text("Land ready")
