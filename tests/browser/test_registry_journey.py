"""An officer registers a household, finds it again, and judges a possible duplicate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from homecoming.registry.models import Household
from homecoming.registry.services import HouseholdMatch, duplicates_store
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_find_and_judge_a_duplicate(demo, page, screenshot):  # noqa: F811
    sign_in(page, "kalbajar")
    page.get_by_role("link", name="Households", exact=True).click()
    page.get_by_role("link", name="Register a household").click()
    page.get_by_label("Origin settlement").select_option(label="Zar")
    page.get_by_label("Temporary accommodation").select_option("sanatorium")
    first = page.locator("fieldset.member-row").nth(0)
    first.get_by_label("Relation").select_option("head")
    first.get_by_label("Given name").fill("Şahin")
    first.get_by_label("Family name").fill("Nəsirov")
    first.get_by_label("Sex").select_option("male")
    first.get_by_label("Date of birth").fill("1969-07-21")
    screenshot("register-household")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HH-")
    expect(page.locator("#history")).to_contain_text("Registered")

    registered = Household.objects.get(source="form")
    page.get_by_role("link", name="Households").first.click()
    page.get_by_label("Search").fill("SAHIN nesirov")
    expect(page.locator("#household-rows")).to_contain_text(registered.reference)
    other = (
        Household.objects.filter(origin_settlement=registered.origin_settlement)
        .exclude(pk=registered.pk)
        .first()
    )
    duplicates_store(
        [
            HouseholdMatch(
                registered.pk,
                other.pk,
                0.97,
                [
                    {
                        "a": "Şahin Nəsirov",
                        "b": "Шахин Насиров",
                        "probability": 0.97,
                        "fields": {"family_name": "same key"},
                    }
                ],
            )
        ]
    )
    page.goto("/registry/duplicates/")
    page.get_by_role("link", name="Review").first.click()
    expect(page.locator("#evidence")).to_contain_text("same key")
    screenshot("duplicate-review")
    page.get_by_label("Not the same household").check()
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_text("No pair to review.")).to_be_visible()


def test_a_move_to_another_district_waits_for_that_district(demo, page, screenshot):  # noqa: F811
    from homecoming.places.models import Settlement

    household = Household.objects.filter(
        origin_settlement__district__name="Kalbajar", status="registered"
    ).first()
    khojaly = Settlement.objects.filter(district__name="Khojaly").order_by("code").first()
    sign_in(page, "kalbajar")
    page.goto(f"/registry/households/{household.pk}/")
    page.get_by_role("link", name="Propose a change of origin").click()
    form = page.locator("#change-form")
    form.get_by_label("Origin settlement").select_option(khojaly.code)
    form.get_by_label("Why").fill("certificate of residence from Khojaly")
    form.get_by_role("button", name="Ask for the change").click()
    expect(page.locator(".verdict")).to_contain_text("waits for a second officer")

    page.context.clear_cookies()
    sign_in(page, "khojaly")
    page.goto("/registry/changes/")
    row = page.locator("tr", has_text=household.reference)
    expect(row).to_contain_text("Moves from Kalbajar to Khojaly")
    expect(row.get_by_role("link", name=household.reference)).to_have_count(0)
    screenshot("change-move-queue")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    page.goto(f"/registry/households/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.reference)
