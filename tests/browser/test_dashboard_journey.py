"""The planner reads returns against the programme's 140,000 target with the forecast; anyone
reads the public dashboard without signing in, and finds no personal data there."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from homecoming.registry.models import Household, Member
from tests.browser.test_places_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_loaded):
    return demo_loaded(households=80, seed=3, today=dt.date(2026, 11, 23))


def test_the_dashboard_shows_returns_against_the_target_with_a_forecast(
    demo,
    page,
    screenshot,
):
    sign_in(page, "planner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Monitoring dashboard")
    programme = page.locator("#targets tbody tr", has_text="140,000")
    expect(programme).to_contain_text("Liberated territories")
    expect(programme).to_contain_text("2026-12-31")
    expect(programme.locator(".outlook")).to_contain_text("at the deadline")
    returns = page.locator("#returns")
    expect(returns).to_have_attribute("data-drawn", "true")
    expect(returns.locator(".legend")).to_contain_text("forecast (median)")
    expect(returns.locator(".legend")).to_contain_text("forecast band")
    expect(page.locator("#funnel")).to_have_attribute("data-drawn", "true")
    expect(page.locator(".settlement-marker")).to_have_count(25)
    screenshot("dashboard")


def test_the_public_dashboard_needs_no_sign_in_and_shows_no_personal_data(
    demo,
    page,
    screenshot,
):
    page.goto("/monitoring/public/")
    expect(page).to_have_url("/monitoring/public/")  # not sent to the sign-in page
    expect(page.get_by_role("heading", level=1)).to_have_text("The return programme in figures")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    expect(page.locator("#targets")).to_contain_text("140,000")
    expect(page.locator("#returns")).to_have_attribute("data-drawn", "true")
    page.locator(".settlement-marker.readiness-land_ready").first.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("households registered")
    expect(popup.locator("a")).to_have_count(0)  # no link into the signed-in pages
    screenshot("public-dashboard")
    html = page.content()
    references = Household.objects.values_list("reference", flat=True)
    assert not [r for r in references if r in html]
    family_names = set(Member.objects.values_list("family_name", flat=True))
    assert not [name for name in family_names if name in html]
