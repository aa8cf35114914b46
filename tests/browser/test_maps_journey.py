"""Maps that orient: the countries are drawn offline under the points, and no two names on a
map cover one another, in both languages, at 1280 and 390 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "az"]

# The names a person can see on the map (inside its frame, not left out), and every pair
# of them whose boxes meet.
OVERLAPS = """() => {
  const frame = document.getElementById("map").getBoundingClientRect();
  const shown = [...document.querySelectorAll("#map .leaflet-tooltip")]
    .filter((element) => getComputedStyle(element).display !== "none"
      && getComputedStyle(element).visibility !== "hidden")
    .map((element) => ({ name: element.textContent, box: element.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && box.right > frame.left && box.left < frame.right
      && box.bottom > frame.top && box.top < frame.bottom);
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const pairs = [];
  shown.forEach((a, i) => shown.slice(i + 1).forEach((b) => {
    if (meet(a.box, b.box)) pairs.push([a.name, b.name]);
  }));
  return { shown: shown.map(({ name }) => name), overlapping: pairs };
}"""


def choose(page, language: str) -> None:
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")


def names_on(page) -> list[str]:
    """The names shown on the map, after checking that none covers another."""
    seen = page.evaluate(OVERLAPS)
    assert seen["overlapping"] == []
    return seen["shown"]


def drawn(page) -> list[str]:
    """The map with its base layer and names placed; the names shown, none covering another."""
    expect(page.locator("#map")).to_have_attribute("data-basemap", "drawn")
    expect(page.locator("#map path.basemap-water")).to_have_count(1)
    expect(page.locator("#map path.basemap-country")).to_have_count(6)
    expect(page.locator("#map")).to_have_attribute("data-labels-shown", re.compile(r"\d+"))
    return names_on(page)


def read(page, screenshot, name: str) -> list[str]:
    """The map read and photographed at 1280 px, then opened on a 390-pixel phone."""
    wide = drawn(page)
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    drawn(page)
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    return wide


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_settlement_map_draws_the_countries_and_names_that_do_not_overlap(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    sign_in(page, "kalbajar")
    choose(page, language)
    page.goto("/places/map/?district=AZ0201")
    expect(page.locator("#map")).to_have_attribute("data-markers", "17")
    shown = read(page, screenshot, f"map-settlements-kalbajar-{language}")
    # Most of Kalbajar's settlements keep their names; the town's name is placed first.
    assert len(shown) >= 12
    assert ("Kəlbəcər" if language == "az" else "Kalbajar city") in shown
    # Approximate positions are still drawn dashed, as the legend says.
    expect(page.locator("path.settlement-marker[stroke-dasharray]")).to_have_count(17)
    expect(page.locator(".legend .dot.approx")).to_be_visible()
    # The district is outlined around its settlements, dashed and named as approximate.
    expect(page.locator("path.district-outline")).to_have_count(1)
    expect(page.locator("path.district-outline")).to_have_attribute("stroke-dasharray", "6 5")
    expect(page.locator(".district-label")).to_have_text(
        "Kəlbəcər ≈" if language == "az" else "Kalbajar ≈"
    )

    page.goto("/places/map/")
    expect(page.locator("#map")).to_have_attribute("data-markers", "25")
    read(page, screenshot, f"map-settlements-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hazard_map_draws_the_countries_under_the_hazard_areas(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    sign_in(page, "mineaction")
    choose(page, language)
    page.goto("/mineaction/map/?district=AZ0201")
    expect(page.locator(".hazard-polygon").first).to_be_attached()
    read(page, screenshot, f"map-hazards-kalbajar-{language}")

    page.goto("/mineaction/map/")
    expect(page.locator(".hazard-polygon").first).to_be_attached()
    read(page, screenshot, f"map-hazards-{language}")
