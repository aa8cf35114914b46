"""A policy as versioned data, in English and in Azerbaijani: a planner drafts a version of
the programme's policy that weights collective accommodation higher (10 → 40), the policy
language refuses an expression with a message beside it, a second planner approves the
version in force from today, and an allocation run uses it and says which version.

The Azerbaijani run finds things by id and structure (new words are translated when the
coordinator merges the catalogue) and checks the records in the database.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from homecoming.accounts.models import Role, User
from homecoming.places.models import Area
from homecoming.programmes.models import PolicyVersion
from homecoming.programmes.selectors import default_programme, policy_in_force
from homecoming.returns.models import AllocationResult, AllocationRun
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["en", "az"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_planner_drafts_a_policy_a_second_approves_it_and_a_run_uses_it(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    second = User.objects.create_user(
        username="planner2", password="planner2-homecoming", role=Role.RETURN_PLANNER
    )
    programme = default_programme()
    first = policy_in_force(programme)

    # The planner drafts a copy of the version in force.
    enter(page, "planner", language)
    page.goto(f"/programmes/{programme.code}/policy/")
    expect(page.locator("#policy-versions tbody tr")).to_have_count(1)
    shoot(page, screenshot, "policy-versions", language)
    page.locator("#draft").click()
    draft = PolicyVersion.objects.get(programme=programme, number=first.number + 1)
    expect(page).to_have_url(f"/programmes/{programme.code}/policy/{draft.number}/edit/")

    # A condition the language refuses: its message is beside it, nothing typed is lost.
    conditions = page.locator("#conditions fieldset.policy-row")
    added = conditions.last
    added.locator("[name$=-key]").fill("income")
    added.locator("[name$=-label_en]").fill("low income")
    added.locator("[name$=-expression]").fill("household.income < 300")
    factor = page.locator("#factors fieldset.policy-row").filter(
        has=page.locator('[name$=-key][value="collective_accommodation"]')
    )
    factor.locator("[name$=-weight]").fill("40")
    page.locator("#save").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(added.locator(".errorlist")).to_contain_text("household.income")
    expect(added.locator("[name$=-expression]")).to_have_value("household.income < 300")
    expect(factor.locator("[name$=-weight]")).to_have_value("40")
    shoot(page, screenshot, "policy-draft-refused", language)

    # The planner leaves the condition out and saves the weight.
    for name in ("key", "label_en", "expression"):
        added.locator(f"[name$=-{name}]").fill("")
    page.locator("#save").click()
    expect(page).to_have_url(f"/programmes/{programme.code}/policy/{draft.number}/")
    expect(page.locator("#factors tr[data-key=collective_accommodation]")).to_contain_text("40")
    if language == "en":
        expect(page.locator("#differences")).to_contain_text(
            "priority factor “lives in collective accommodation”: weight 10 → 40"
        )
    expect(page.locator("#approve")).to_have_count(0)  # not by who drafted it
    shoot(page, screenshot, "policy-draft", language)

    # A second planner approves it, in force from today.
    enter(page, second.username, language)
    page.goto(f"/programmes/{programme.code}/policy/{draft.number}/")
    page.locator("#approve").click()
    expect(page.locator("[name=in_force_from]")).to_have_value(f"{timezone.localdate():%Y-%m-%d}")
    shoot(page, screenshot, "policy-approve", language)
    page.locator("#confirm-approve").click()
    expect(page).to_have_url(f"/programmes/{programme.code}/policy/{draft.number}/")
    draft.refresh_from_db()
    assert (draft.status, draft.approved_by, draft.in_force_from) == (
        PolicyVersion.Status.APPROVED,
        second,
        timezone.localdate(),
    )
    assert policy_in_force(programme) == draft

    # An allocation run uses it and says so.
    kalbajar = Area.objects.get(name="Kalbajar", level=Area.Level.DISTRICT)
    page.goto("/returns/runs/")
    run_form = page.locator("form.card")  # the list's own programme filter is another form
    if run_form.locator("[name=programme]").count():
        run_form.locator("[name=programme]").select_option(programme.code)
    run_form.locator("[name=districts]").select_option(kalbajar.code)
    run_form.locator("button[type=submit]").click()
    expect(page.locator("#explanations")).to_be_visible()
    run = AllocationRun.objects.latest("created_at")
    assert (run.programme, run.policy_version) == (programme, draft)
    policy = page.locator("#policy")
    expect(policy.locator("a")).to_have_attribute(
        "href", f"/programmes/{programme.code}/policy/{draft.number}/"
    )
    if language == "en":
        expect(policy).to_contain_text(f"version {draft.number}, in force from")
    collective = AllocationResult.objects.filter(
        run=run, priority_breakdown__collective_accommodation__value=1
    ).first()
    if collective is not None:
        assert collective.priority_breakdown["collective_accommodation"]["points"] == 40
    shoot(page, screenshot, "policy-run", language)
