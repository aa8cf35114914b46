"""No code reaches a person, in English and in Azerbaijani: a planner reads the hazard areas
(their contamination in words), the housing overview's charts (sectors and districts named
in the page's language) and a run's explanations; an officer records a consent dated in the
future and is told which field is wrong by its label.

The Azerbaijani run finds things by address and id (new words are translated when the
coordinator merges the catalogue) and checks that no code and no English place name shows.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from homecoming.housing.models import Project
from homecoming.mineaction.models import Contamination
from homecoming.places.models import Area
from homecoming.registry.forms import ConsentForm
from homecoming.registry.models import Household
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["en", "az"]
CODES = [c.value for c in Contamination]


@pytest.mark.parametrize("language", LANGUAGES)
def test_choices_and_charts_are_said_in_words_of_the_page_language(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    enter(page, "planner", language)
    page.goto("/mineaction/hazard-areas/")
    table = page.locator("table.data tbody")
    expect(table.locator("tr").first).to_be_visible()
    with translation.override(language):
        labels = [str(c.label) for c in Contamination]
    shown = table.inner_text()
    assert any(label in shown for label in labels)
    assert not [code for code in CODES if f" {code}" in f" {shown}".replace(",", " ")]
    shoot(page, screenshot, "words-hazard-areas", language)

    page.goto("/housing/")
    for chart in ("finance-district", "finance-sector", "funnel"):
        expect(page.locator(f"#{chart}")).to_have_attribute("data-drawn", "true")
    spec = json.loads(page.locator("#finance-sector-chart").text_content())
    with translation.override(language):
        sectors = {str(label) for label in Project.Sector.labels}
    assert set(spec["data"][0]["x"]) <= sectors
    districts = json.loads(page.locator("#finance-district-chart").text_content())["data"][0]["x"]
    english = {a.name for a in Area.objects.filter(level="district") if a.name != a.name_az}
    assert districts
    assert not set(districts) & english if language == "az" else set(districts) <= english
    shoot(page, screenshot, "words-housing-charts", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_error_names_the_field_by_its_label(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    household = Household.objects.filter(origin_settlement__district__name="Kalbajar").first()
    enter(page, "kalbajar", language)
    page.goto(f"/registry/households/{household.pk}/")
    consent = page.locator("form#consent")
    tomorrow = timezone.localdate() + dt.timedelta(days=2)
    consent.locator("input[name=given_on]").fill(tomorrow.isoformat())
    consent.locator("input[name=document]").fill("CF-2026-1")
    consent.locator("button[type=submit]").click()
    error = page.locator(".message.error")
    with translation.override(language):
        label = str(ConsentForm.base_fields["given_on"].label)
    expect(error).to_contain_text(f"{label}: ")
    expect(error).not_to_contain_text("given_on")
    error.scroll_into_view_if_needed()
    shoot(page, screenshot, "words-form-error", language)
