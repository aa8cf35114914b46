"""A planner compares a draft policy that weighs collective accommodation higher (10 → 40)
with the version in force: who changes and why, rank movements, the fairness chart, and
the export — in English and in Azerbaijani.

The Azerbaijani run finds things by address and id (new words are translated when the
coordinator merges the catalogue).
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import default_programme, policy_in_force
from tests.browser.test_household_record_journey import enter
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(demo):  # noqa: F811 (fixture)
    """The version in force and a draft based on it that weighs collective accommodation 40."""
    in_force = policy_in_force(default_programme())
    factors = [
        f | {"weight": 40} if f["key"] == "collective_accommodation" else f
        for f in in_force.priority_factors
    ]
    return in_force, PolicyVersion.objects.create(
        programme=in_force.programme,
        number=in_force.programme.policy_versions.count() + 1,
        conditions=in_force.conditions,
        required_services=in_force.required_services,
        priority_factors=factors,
        offer_answer_days=in_force.offer_answer_days,
        rooms=in_force.rooms,
        based_on=in_force,
        note="Collective accommodation weighs 40 instead of 10.",
    )


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_planner_compares_a_draft_that_weighs_collective_accommodation_higher(
    draft, page, screenshot, language
):
    in_force, proposed = draft
    enter(page, "planner", language)
    page.goto("/returns/policies/compare/")
    # By default: the version in force as A, the newest draft as B; a planner of national
    # scope chooses the districts first (every one of the demo's here).
    expect(page.locator("#id_a")).to_have_value(str(in_force.pk))
    expect(page.locator("#id_b")).to_have_value(str(proposed.pk))
    expect(page.locator("#choose-districts")).to_be_visible()
    districts = page.locator("#id_districts")
    districts.select_option(districts.locator("option").evaluate_all("o => o.map(e => e.value)"))
    page.locator("#compare-form button[type=submit]").click()
    expect(page.locator("#summary-table")).to_be_visible()
    assert page.locator("#eligible-a").inner_text() == page.locator("#eligible-b").inner_text()

    # Who changes and why: households whose home changes come first, each linked.
    rows = page.locator("#changes-table tbody tr")
    expect(rows.first.locator("a")).to_have_attribute(
        "href", re.compile(r"/registry/households/\d+/")
    )
    if language == "en":
        expect(page.locator("#changes-table")).to_contain_text(
            re.compile(r"priority \d+ under A, \d+ under B")
        )
        expect(page.locator("#summary-changes")).to_contain_text("a home under B")
    moved_up = int(page.locator("#moved-up").inner_text().replace("\xa0", "").replace(" ", ""))
    assert moved_up > 0
    expect(page.locator("#largest-up tbody tr").first).to_be_visible()

    # The fairness chart of accommodation is drawn, with its table beside it.
    chart = page.locator("#chart-accommodation")
    chart.scroll_into_view_if_needed()
    expect(chart).to_have_attribute("data-drawn", "true")
    expect(page.locator('[data-grouping="accommodation"] table tbody tr').last).to_be_visible()
    if language == "en":
        expect(page.locator('[data-grouping="accommodation"]')).to_contain_text("Hostel")
    page.locator("#summary").scroll_into_view_if_needed()
    screenshot(f"policy-compare-{language}-1280")
    # On a phone the charts are drawn at its width: the page is opened again at 390 px.
    for width, height in ((390, 844), (1280, 860)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        expect(chart).to_have_attribute("data-drawn", "true")
        if width == 390:
            screenshot(f"policy-compare-{language}-390")

    # Its page links to the household, and the export holds every household that changes.
    with page.expect_download() as download:
        page.locator("#export-changes").click()
    changes = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert len(changes) > 1
    with page.expect_download() as download:
        page.locator("#export-fairness").click()
    fairness = download.value.path().read_text(encoding="utf-8")
    assert len(fairness.splitlines()) > 7
    first = rows.first.locator("a")
    reference = first.inner_text()
    assert reference in {row[0] for row in changes[1:]}
    first.click()
    expect(page).to_have_url(re.compile(r".*/registry/households/\d+/"))
    expect(page.locator("main")).to_contain_text(reference)
