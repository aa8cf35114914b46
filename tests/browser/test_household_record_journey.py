"""The household record, whole: an officer adds a newborn, edits the phone, proposes an origin
change that a second officer approves with the values before and after shown, and withdraws a
household (confirmed) and proposes its reinstatement — in English and in Azerbaijani.

The Azerbaijani run finds things by address, field name and id (new words are translated
when the coordinator merges the catalogue), and checks the records in the database.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from playwright.sync_api import expect

from homecoming.accounts.models import Role, User
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import ChangeRequest, Household
from tests.browser.test_places_journey import demo, sign_in  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LANGUAGES = ["en", "az"]


@pytest.fixture
def household(demo):  # noqa: F811
    household = Household.objects.filter(
        origin_settlement__district__name="Kalbajar", status="registered"
    ).first()
    Household.objects.filter(pk=household.pk).update(
        displaced_on=dt.date(1993, 4, 2), origin_address="Zar, 3 Bağ küçəsi"
    )
    return household


@pytest.fixture
def officer_b(demo):  # noqa: F811
    user = User.objects.create_user(
        username="kalbajar-b", password="kalbajar-b-homecoming", role=Role.REGISTRATION_OFFICER
    )
    user.districts.set([Area.objects.get(name="Kalbajar", level="district")])
    return user


def enter(page, username: str, language: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username)
    if language == "az":
        page.get_by_role("button", name="AZ").click()
        expect(page.locator("html")).to_have_attribute("lang", "az")


def shoot(page, screenshot, name: str, language: str) -> None:
    screenshot(f"{name}-{language}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(f"{name}-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})


def open_link(page, href: str) -> None:
    page.locator(f'a[href="{href}"]').first.click()
    expect(page.locator("#change-form")).to_be_visible()


def submit(page) -> None:
    page.locator("#change-form button[type=submit]").click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_officer_adds_a_newborn_and_a_second_officer_approves(
    household, officer_b, page, screenshot, language
):
    home = f"/registry/households/{household.pk}/"
    enter(page, "kalbajar", language)
    page.goto(home)
    open_link(page, f"{home}members/new/")
    form = page.locator("#change-form")
    form.locator("[name=relation]").select_option("child")
    form.locator("[name=given_name]").fill("Nuray")
    form.locator("[name=family_name]").fill("Məmmədova")
    form.locator("[name=sex]").select_option("female")
    form.locator("[name=birth_date]").fill("2026-11-20")
    form.locator("[name=joined_reason]").select_option("birth")
    form.locator("[name=reason]").fill("birth certificate 0042")
    shoot(page, screenshot, "record-add-newborn", language)
    submit(page)
    expect(page).to_have_url(home)
    expect(page.locator(".verdict").first).to_be_visible()
    if language == "en":
        expect(page.locator(".verdict").first).to_contain_text("waits for a second officer")
    assert household.members.filter(given_name="Nuray").count() == 0

    enter(page, "kalbajar-b", language)
    page.goto("/registry/changes/")
    row = page.locator("tr", has_text=household.reference).first
    expect(row.locator("table.changes")).to_contain_text("Nuray Məmmədova")
    shoot(page, screenshot, "record-newborn-queue", language)
    row.locator("button[name=approve][value='1']").click()
    page.goto(home)
    expect(page.locator("#members")).to_contain_text("Nuray")
    baby = household.members.get(given_name="Nuray")
    assert (baby.joined_reason, baby.joined_on) == ("birth", dt.date(2026, 11, 20))
    shoot(page, screenshot, "record-newborn-added", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_officer_edits_the_phone(household, page, screenshot, language):
    home = f"/registry/households/{household.pk}/"
    enter(page, "kalbajar", language)
    page.goto(home)
    open_link(page, f"{home}edit/")
    page.locator("#change-form [name=phone]").fill("+994 50 765 43 21")
    shoot(page, screenshot, "record-edit-phone", language)
    submit(page)
    expect(page.locator("#household-phone")).to_have_text("+994 50 765 43 21")
    expect(page.locator("#history")).to_contain_text("+994 50 765 43 21")
    shoot(page, screenshot, "record-phone-edited", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_origin_change_is_approved_with_before_and_after_and_nothing_else_touched(
    household, officer_b, page, screenshot, language
):
    home = f"/registry/households/{household.pk}/"
    target = (
        Settlement.objects.filter(district__name="Kalbajar")
        .exclude(pk=household.origin_settlement_id)
        .order_by("code")
        .first()
    )
    enter(page, "kalbajar", language)
    page.goto(home)
    open_link(page, f"{home}change-origin/")
    form = page.locator("#change-form")
    form.locator("[name=origin_settlement]").select_option(target.code)
    form.locator("[name=displaced_on]").fill("")  # left blank: no change, never an erase
    form.locator("[name=reason]").fill("certificate of residence")
    shoot(page, screenshot, "record-propose-origin", language)
    submit(page)
    expect(page).to_have_url(home)
    change = ChangeRequest.objects.get(household=household)
    assert change.proposed == {"origin_settlement": target.code}

    enter(page, "kalbajar-b", language)
    page.goto("/registry/changes/")
    row = page.locator("tr", has_text=household.reference).first
    rows = row.locator("table.changes tbody tr")
    expect(rows).to_have_count(1)
    with translation.override(language):  # settlement names in the page's language
        now, proposed = household.origin_settlement.display_name, target.display_name
    expect(rows.first.locator("td").nth(1)).to_contain_text(now)
    expect(rows.first.locator("td").nth(2)).to_contain_text(proposed)
    expect(row).not_to_contain_text("{")
    shoot(page, screenshot, "record-origin-queue", language)
    row.locator("button[name=approve][value='1']").click()
    expect(page.locator("tr", has_text=household.reference)).to_have_count(0)
    household.refresh_from_db()
    assert household.origin_settlement == target
    assert household.displaced_on == dt.date(1993, 4, 2)
    assert household.origin_address == "Zar, 3 Bağ küçəsi"
    page.goto(home)
    expect(page.locator("#history table.changes").last).to_contain_text(proposed)
    shoot(page, screenshot, "record-origin-approved", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_withdrawal_is_confirmed_and_reinstatement_is_proposed(
    household, page, screenshot, language
):
    home = f"/registry/households/{household.pk}/"
    enter(page, "kalbajar", language)
    page.goto(home)
    open_link(page, f"{home}withdraw/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(household.reference)
    expect(page.locator("#consequences li")).to_have_count(3)
    page.locator("#change-form [name=reason]").fill("moved abroad")
    shoot(page, screenshot, "record-withdraw-confirm", language)
    submit(page)
    expect(page).to_have_url(home)
    if language == "en":
        expect(page.get_by_text("Household withdrawn.", exact=True)).to_be_visible()
    household.refresh_from_db()
    assert household.status == "withdrawn"

    open_link(page, f"{home}reinstate/")
    page.locator("#change-form [name=reason]").fill("came back from abroad")
    shoot(page, screenshot, "record-reinstate", language)
    submit(page)
    expect(page).to_have_url(home)
    assert ChangeRequest.objects.get(household=household).part == "reinstatement"
    household.refresh_from_db()
    assert household.status == "withdrawn"  # until a second officer approves
