"""A family registered in the field reaches the officer: the officer sets up the form's key,
KoboToolbox pushes the submission with it, it waits in the queue, the officer opens it and
accepts it, and the household exists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from homecoming.places.models import Settlement
from homecoming.registry.models import FieldSubmission, Household
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PUSHED = Path(__file__).resolve().parents[1] / "fixtures" / "kobo" / "kobo-rest-service.json"


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_pushed_kobo_submission_is_accepted_and_the_household_exists(
    demo,  # noqa: F811
    page,
    screenshot,
    language,
):
    sign_in(page, "kalbajar")
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")
    # The officer sets the form up: its key is shown once, to paste into KoboToolbox.
    page.goto("/registry/field-submissions/")
    page.locator("a[href='/registry/field-forms/']").click()
    page.locator("#id_name").fill("Kalbajar field registration")
    page.locator("#field-form-form button[type=submit]").click()
    key = page.locator("#new-key code.key").first.inner_text()
    expect(page.locator("#new-key")).to_contain_text(f"Bearer {key}")
    screenshot(f"field-form-key-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"field-form-key-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    payload = json.loads(PUSHED.read_text())
    payload["origin_settlement"] = Settlement.objects.get(name="Zar").code
    response = APIClient().post(
        "/api/registry/field-submissions/",
        payload,
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.json()

    page.goto("/registry/households/")
    page.locator("a[href='/registry/field-submissions/']").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("table.data")).to_contain_text("Rəşad Quliyev")
    screenshot(f"field-submissions-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"field-submissions-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    held = FieldSubmission.objects.get()
    page.locator(f"a[href='/registry/field-submissions/{held.pk}/']").click()
    expect(page.locator("table.data")).to_contain_text("Səbinə")
    screenshot(f"field-submission-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"field-submission-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.locator("button[name=accept][value='1']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KOBO-")
    household = Household.objects.get(source__startswith="kobo ")
    assert household.members.count() == 2
    expect(page).to_have_url(f"/registry/households/{household.pk}/")
    screenshot(f"field-submission-accepted-{language}")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"field-submission-accepted-{language}-390")
