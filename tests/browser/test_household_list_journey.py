"""A planner works the household list as a case list: origin picked in another spelling,
status and intention, sorted by size, pages 2 and 3 still filtered, then a household."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from homecoming.core.text import fold
from homecoming.places.models import Settlement
from homecoming.places.selectors import picker_label
from homecoming.registry import selectors
from homecoming.registry.models import Household
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _busiest_origin() -> tuple[Settlement, str, str]:
    """The origin with the most households of one status and intention, and those two."""
    counts: dict[tuple[int, str, str], int] = {}
    for row in Household.objects.values("origin_settlement", "status", "intention"):
        key = (row["origin_settlement"], row["status"], row["intention"])
        counts[key] = counts.get(key, 0) + 1
    (settlement, status, intention), _n = max(counts.items(), key=lambda item: item[1])
    return Settlement.objects.get(pk=settlement), status, intention


@pytest.mark.parametrize("language", ["en", "az"])
def test_page_through_a_filtered_sorted_list_and_open_a_household(
    demo,  # noqa: F811
    page,
    screenshot,
    monkeypatch,
    language,
):
    origin, status, intention = _busiest_origin()
    matching = Household.objects.filter(
        origin_settlement=origin, status=status, intention=intention
    ).order_by("-size", "-pk")
    assert matching.count() >= 3, "the demo has too few households of one origin"
    monkeypatch.setattr(selectors, "PAGE_SIZE", 1)  # three pages out of three households
    sign_in(page, "planner")
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")
    page.goto("/registry/households/")
    # The picker: a spelling of the name other than the page's (all lower case, no
    # diacritics), and the suggestion that names the settlement and its district.
    typed = fold(origin.name_az or origin.name)
    page.locator("#origin").fill(typed)
    with translation.override(language):
        label = picker_label(origin)
    expect(page.locator(f'#origin-choices option[value="{label}"]')).to_have_count(1)
    page.locator("#origin").fill(label)
    page.locator("#origin").dispatch_event("change")
    expect(page.locator(f'#origin-chosen a[href$="/{origin.code}/"]')).to_have_count(1)
    page.locator("select[name=status]").select_option(status)
    page.locator("select[name=intention]").select_option(intention)
    page.locator("select[name=sort]").select_option("-size")
    expect(page).to_have_url(re.compile(rf"status={status}&intention={intention}.*sort=-size"))
    assert _query(page.url)["settlement"] == [label]
    rows = page.locator("#household-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(matching[0].reference)
    screenshot(f"household-list-filtered-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"household-list-filtered-{language}-390")
    # the table scrolls inside its frame; the page itself is no wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 860})

    for number in (2, 3):
        page.locator('a[rel="next"]').click()
        expect(page.locator(".pager")).to_contain_text(str(number))
        expect(rows.first).to_contain_text(matching[number - 1].reference)
        assert _query(page.url)["settlement"] == [label]
        for kept in (f"status={status}", "sort=-size"):
            assert kept in page.url
    screenshot(f"household-list-page-3-{language}")
    page.locator('a[rel="prev"]').click()
    expect(rows.first).to_contain_text(matching[1].reference)
    assert f"intention={intention}" in page.url

    page.get_by_role("link", name=matching[1].reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(matching[1].reference)
    screenshot(f"household-from-list-{language}")


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)
