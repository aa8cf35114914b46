"""A family registered again, one name in Cyrillic: the existing household is shown beside
it before anything is saved; the officer opens it instead, or records why it is another
family and the pair goes to the duplicates review."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from homecoming.dedup.tests.synthetic import write_name
from homecoming.registry.models import DuplicateCandidate, Household
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def registered_family() -> Household:
    """A Kalbajar household of the demo with three or more members born on known days."""
    for household in Household.objects.filter(
        origin_settlement__district__name="Kalbajar", status="registered"
    ).order_by("pk"):
        members = household.members.filter(left_on=None, birth_year_only=False)
        if members.exclude(birth_date=None).count() >= 3:
            return household
    raise AssertionError("the demo has no Kalbajar household of three")


def fill_family_of_six(page, household: Household) -> None:
    """The household's members, the head's family name in Russian Cyrillic, and new
    members up to six, the last a newborn."""
    page.goto("/registry/households/new/")
    page.locator("[name=origin_settlement]").select_option(household.origin_settlement.code)
    page.locator("[name=accommodation]").select_option("hostel")
    known = list(household.members.filter(left_on=None).exclude(birth_date=None).order_by("pk"))
    people = [
        (m.relation, m.given_name, m.family_name, m.sex, m.birth_date.isoformat())
        for m in known[:4]
    ]
    head = people[0]
    people[0] = (*head[:2], write_name(head[2], "russian"), *head[3:])
    people += [
        ("child", "Nərmin", head[2], "female", "2019-09-09"),
        ("grandchild", "Ayan", head[2], "male", "2026-10-30"),  # a newborn
    ][: 6 - len(people)]
    people = [("head" if i == 0 else p[0], *p[1:]) for i, p in enumerate(people)]
    for index, (relation, given, family, sex, born) in enumerate(people):
        if index >= page.locator("fieldset.member-row").count():
            page.locator("#add-member").click()  # with JavaScript: no round trip
        prefix = f"[name=members-{index}-"
        page.locator(f"{prefix}relation]").select_option(relation)
        page.locator(f"{prefix}given_name]").fill(given)
        page.locator(f"{prefix}family_name]").fill(family)
        page.locator(f"{prefix}sex]").select_option(sex)
        page.locator(f"{prefix}birth_date]").fill(born)
    expect(page.locator("fieldset.member-row")).to_have_count(6)


def both_widths(page, screenshot, name: str) -> None:
    screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def choose_language(page, language: str) -> None:
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_family_registered_again_is_shown_and_opened_instead(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    household = registered_family()
    before = Household.objects.count()
    sign_in(page, "kalbajar")
    choose_language(page, language)
    fill_family_of_six(page, household)
    both_widths(page, screenshot, f"register-family-of-six-{language}")
    page.locator("button.primary").click()

    matches = page.locator("#likely-matches")
    expect(matches).to_contain_text(household.reference)
    expect(matches.locator("table.compare")).to_contain_text(
        write_name(household.members.order_by("pk").first().family_name, "russian")
    )
    both_widths(page, screenshot, f"register-likely-match-{language}")
    matches.locator(f"a[href='/registry/households/{household.pk}/']").click()
    expect(page).to_have_url(f"/registry/households/{household.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.reference)
    assert Household.objects.count() == before  # nothing saved


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_family_recorded_as_another_goes_to_the_duplicates_review(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    household = registered_family()
    sign_in(page, "kalbajar")
    choose_language(page, language)
    fill_family_of_six(page, household)
    page.locator("button.primary").click()
    expect(page.locator("#likely-matches")).to_contain_text(household.reference)

    page.locator("button.primary").click()  # no reason: refused, beside the field
    expect(page.locator(".errorlist")).to_have_count(1)
    expect(page.locator("#likely-matches")).to_contain_text(household.reference)
    page.locator("[name=reason]").fill("Another family: the head's father is named otherwise")
    page.locator("button.primary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HH-")
    both_widths(page, screenshot, f"register-saved-despite-match-{language}")

    new = Household.objects.get(source="form")
    assert new.members.count() == 6
    candidate = DuplicateCandidate.objects.get(household_a=household, household_b=new)
    assert candidate.status == DuplicateCandidate.Status.OPEN
    page.goto("/registry/duplicates/")
    expect(page.locator("main")).to_contain_text(new.reference)
    both_widths(page, screenshot, f"register-pair-in-review-{language}")
    # The reviewer reads, on the pair's page, why the officer registered it all the same.
    page.locator(f"a[href='/registry/duplicates/{candidate.pk}/']").first.click()
    expect(page.locator("#registered-despite")).to_contain_text(
        "Another family: the head's father is named otherwise"
    )
    both_widths(page, screenshot, f"register-pair-reason-{language}")
