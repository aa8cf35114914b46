"""The Kalbajar officer's first steps: sign in, settlements, a settlement, language, map."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from homecoming.places.models import Settlement
from homecoming.places.selectors import districts_with_settlements, picker_label
from homecoming.registry.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_loaded):
    return demo_loaded(households=80, seed=3, today=dt.date(2026, 11, 23))


def sign_in(page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"{username}-homecoming")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Return programme overview")).to_be_visible()


def test_the_kalbajar_officer_browses_settlements_in_two_languages(demo, page, screenshot):
    sign_in(page, "kalbajar")
    expect(page.get_by_role("heading", name="The road home · in your districts")).to_be_visible()
    expect(page.locator("#pipeline")).to_have_attribute("data-drawn", "true")
    screenshot("home")
    expect(page.get_by_role("note")).to_contain_text("synthetic")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settlements").click()
    expect(page.locator("#settlement-count")).to_have_text("25 settlements")
    page.get_by_label("District").select_option(label="Kalbajar")
    expect(page.locator("#settlement-count")).to_have_text("17 settlements")
    page.get_by_label("Search").fill("QILINC")
    expect(page.locator("#settlement-count")).to_have_text("1 settlement")
    expect(page).to_have_url("/places/settlements/?q=QILINC&district=AZ0201&kind=")
    page.get_by_label("Search").fill("")
    expect(page.locator("#settlement-count")).to_have_text("17 settlements")
    screenshot("settlements-list")

    page.get_by_role("link", name="Zar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zar")
    expect(page.locator(".settlement-marker")).to_have_count(17)  # Zar among its district
    expect(page.locator(".settlement-marker.current")).to_have_count(1)
    expect(page.get_by_text("The position is approximate")).to_be_visible()
    screenshot("settlement-page")

    page.get_by_role("button", name="AZ").click()
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Yaşayış məntəqələri")
    ).to_be_visible()
    expect(page.get_by_text("Mövqe təxminidir")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "az")
    screenshot("settlement-page-az")

    page.get_by_role("button", name="EN").click()
    page.get_by_role("link", name="Map").click()
    expect(page.locator("#map")).to_have_attribute("data-markers", "25")
    page.get_by_label("District").select_option(label="Kalbajar")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#map")).to_have_attribute("data-markers", "17")
    expect(page.locator(".settlement-marker")).to_have_count(17)
    screenshot("settlements-map")


def test_the_kalbajar_officer_sees_only_kalbajar_households(demo, page, screenshot):
    sign_in(page, "kalbajar")
    page.get_by_role("link", name="Households", exact=True).click()
    districts = page.locator("#household-rows tbody tr td.district")
    expect(districts.first).to_be_visible()
    assert set(districts.all_inner_texts()) == {"Kalbajar"}
    screenshot("households-list")


def test_the_district_page_shows_published_figures_side_by_side(demo, page, screenshot):
    sign_in(page, "planner")
    page.goto("/places/areas/AZ0201/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kalbajar")
    rows = page.locator("table.figures tbody tr", has_text="Population before displacement")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Grokipedia")
    screenshot("district-page")


def shoot(page, screenshot, name: str) -> None:
    """Screenshots at 1280 and 390 px; at 390 nothing is wider than the screen."""
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_planner_finds_places_in_any_spelling_and_filters_offer_only_places_with_data(
    demo, page, screenshot, language
):
    kalbajar = Settlement.objects.get(name="Kalbajar city")
    khojaly = Settlement.objects.get(name="Khojaly city")
    sign_in(page, "planner")
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")

    page.goto("/places/settlements/")
    # Only the districts with a settlement: the seven return districts the demo has no
    # settlement in (Lachin, Shusha, Aghdam...) are not offered.
    districts = page.locator("select[name=district] option")
    expect(districts).to_have_count(1 + len(districts_with_settlements()))
    expect(districts.filter(has_text="Lachin")).to_have_count(0)
    expect(districts.filter(has_text="Laçın")).to_have_count(0)
    search = page.locator("input[name=q]")
    rows = page.locator("#settlement-rows tbody tr")
    for typed, place in (("Kelbajar", kalbajar), ("Кельбаджар", kalbajar), ("Khojali", khojaly)):
        search.fill(typed)
        expect(rows).to_have_count(1)
        expect(rows.first.locator(f'a[href$="/{place.code}/"]')).to_have_count(1)
        if typed == "Кельбаджар":
            shoot(page, screenshot, f"settlement-search-cyrillic-{language}")
    shoot(page, screenshot, f"settlement-search-khojali-{language}")

    page.goto("/registry/households/")
    origin = page.locator("#origin")
    for typed, place in (("Kelbajar", kalbajar), ("Кельбаджар", kalbajar), ("Khojali", khojaly)):
        origin.fill(typed)
        with translation.override(language):
            label = picker_label(place)
        expect(page.locator(f'#origin-choices option[value="{label}"]')).to_have_count(1)
    origin.fill("Кельбаджар")
    origin.dispatch_event("change")
    expect(page.locator(f'#origin-chosen a[href$="/{kalbajar.code}/"]')).to_have_count(1)
    expect(page).to_have_url(re.compile("settlement=%D0%9A"))
    references = page.locator("#household-rows tbody tr td:first-child a")
    expect(references.first).to_be_visible()
    from_kalbajar = set(
        Household.objects.filter(origin_settlement=kalbajar).values_list("reference", flat=True)
    )
    assert set(references.all_inner_texts()) <= from_kalbajar
    shoot(page, screenshot, f"household-origin-cyrillic-{language}")
