"""A monitoring editor reads, on the discrepancy page, the relations the published figures
break — parts above their total, an implausible ratio, a count dated after it was
published — each said in words with its figures and sources, and marks one explained; in
English and in Azerbaijani.

The Azerbaijani run finds things by class (new words are translated when the coordinator
merges the catalogue).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import make_table
from homecoming.monitoring.models import Discrepancy
from homecoming.monitoring.services import figures_import
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(place: str, indicator: str, value: str, unit: str, as_of: str, **extra) -> dict:
    return {
        "place": place,
        "indicator": indicator,
        "value": value,
        "unit": unit,
        "as_of": as_of,
        "publisher": "(reference 9)",
        "title": "Kalbajar in 2025",
        "published": "2025-09-20",
    } | extra


@pytest.fixture
def broken(demo):  # noqa: F811
    """On top of the demo: figures of one source that break three relations."""
    report = figures_import(
        table=make_table(
            [
                row("Kalbajar district", "devices_landmines", "126", "count", "2025-09"),
                row("Kalbajar district", "devices_ap_mines", "100", "count", "2025-09"),
                row("Kalbajar district", "devices_at_mines", "35", "count", "2025-09"),
                row("Zar", "relocated_households", "10", "households", "2025-09-20"),
                row("Zar", "relocated_persons", "95", "persons", "2025-09-20"),
                row("Istisu", "relocated_persons", "12", "persons", "2025-10"),
            ]
        )
    )
    assert report.ok, report.errors
    return demo


@pytest.mark.parametrize("language", ["en", "az"])
def test_the_editor_reads_each_broken_relation_in_words_and_explains_one(
    broken, page, screenshot, language
):
    enter(page, "monitoring", language)
    page.goto("/monitoring/discrepancies/")
    findings = page.locator("section.discrepancy:has(p.finding)")
    expect(findings).to_have_count(3)
    sentences = findings.locator("p.finding")
    for i in range(3):
        expect(sentences.nth(i)).not_to_contain_text("_")  # no code where words belong
    if language == "en":
        expect(page.locator("main")).to_contain_text(
            "add up to 135: 9 more than Landmines destroyed (126), which includes them."
        )
        expect(page.locator("main")).to_contain_text("make 9.5 persons per household")
        expect(page.locator("main")).to_contain_text("11 days after it was published")
    # Every figure of a finding is listed with its source.
    expect(findings.first.locator("ul.finding-figures li").first).to_contain_text("(reference 9)")
    shoot(page, screenshot, "relations", language)

    ratio = page.locator("section.discrepancy:has-text('9.5'), section.discrepancy:has-text('9,5')")
    ratio = ratio.filter(has=page.locator("p.finding")).first
    ratio.locator("select[name=status]").select_option("explained")
    ratio.locator("input[name=note]").fill("95 counts the relatives who came with them")
    ratio.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("95 counts the relatives who came with them")
    found = Discrepancy.objects.get(kind="ratio_implausible", still_holds=True)
    assert (found.status, found.note) == ("explained", "95 counts the relatives who came with them")
