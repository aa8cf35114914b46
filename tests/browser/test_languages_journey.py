"""An officer switches the interface's language and walks home → households → a household →
the dashboard: in Russian every word is the catalogue's, places carry their Russian names and
people their names as entered; in each language numbers and dates are written its way.

The Azerbaijani and English runs read structure, numbers and dates, not the words (new words
are translated when the coordinator merges the catalogues)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from homecoming.registry.models import Household
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\u00a0"
# The programme's 140,000 target and a household's registration date, as each language writes them.
TARGET = {"en": "140,000", "az": f"140{NBSP}000", "ru": f"140{NBSP}000"}
DATE = {"en": r"\d{4}-\d{2}-\d{2}", "az": r"\d{2}\.\d{2}\.\d{4}", "ru": r"\d{2}\.\d{2}\.\d{4}"}
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def shoot(page, screenshot, name: str, language: str) -> None:
    """Screenshots at 1280 and 390 px, the second once the charts have redrawn for the phone.
    That nothing is wider than the phone is the accessibility journey's to check."""
    screenshot(f"{name}-{language}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    for chart in page.locator(".chart[data-spec]").all():
        expect(chart.locator(".main-svg").first).to_have_attribute(
            "width", re.compile(r"^[1-3]\d\d$")
        )
    screenshot(f"{name}-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


@pytest.mark.parametrize("language", ["en", "az", "ru"])
def test_an_officer_walks_the_main_pages_in_each_language(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    sign_in(page, "kalbajar")
    page.get_by_role("button", name=language.upper(), exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".langswitch [aria-pressed=true]")).to_have_text(language.upper())
    expect(page.locator("#pipeline")).to_have_attribute("data-drawn", "true")
    shoot(page, screenshot, "languages-home", language)

    page.locator("a[href='/registry/households/']").first.click()
    expect(page).to_have_url(re.compile(r"/registry/households/$"))
    rows = page.locator("table.cases tbody tr")
    expect(rows.first).to_be_visible()
    origin = rows.first.locator("td").nth(3)
    if language == "ru":
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Зарегистрированные домохозяйства"
        )
        expect(page.locator("#household-count")).to_contain_text("домохозяйств")
        assert CYRILLIC.search(origin.inner_text()), origin.inner_text()
    shoot(page, screenshot, "languages-households", language)

    reference = rows.first.locator("td a").first.inner_text().strip()
    household = Household.objects.get(reference=reference)
    head = household.members.filter(relation="head").first()
    rows.first.locator("a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    members = page.locator("#members")
    expect(members).to_contain_text(head.given_name)  # as entered, in its own script
    expect(members).to_contain_text(head.family_name)
    registered = page.locator("dl.facts dd").filter(has_text=re.compile(DATE[language])).first
    expect(registered).to_have_text(re.compile(DATE[language]))
    if language == "ru":
        expect(page.locator("dl.facts")).to_contain_text("Дата вынужденного переселения")
        expect(page.locator("dl.facts")).to_contain_text(household.origin_settlement.name_ru)
    shoot(page, screenshot, "languages-household", language)

    page.goto("/monitoring/")
    expect(page.locator("#returns")).to_have_attribute("data-drawn", "true")
    programme = page.locator("#targets tbody tr", has_text=TARGET[language])
    expect(programme).to_have_count(1)
    if language == "ru":
        expect(page.get_by_role("heading", level=1)).to_have_text("Панель мониторинга")
        expect(page.locator("#returns .legend")).to_contain_text("прогноз (медиана)")
    page.locator("#returns-over-time").scroll_into_view_if_needed()
    shoot(page, screenshot, "languages-dashboard", language)
