"""Offers and departures for field work, in English and in Azerbaijani.

An officer records offers from a filtered list (filter, search, page 2 keeping the filters,
accept one, see Accept disabled with its reason where no consent is recorded) and reminds the
households that have not answered; then opens a departure, prints its passenger list to PDF
(saved in test-artifacts/ with a picture of the print view), downloads it as a workbook and
reads it back, and checks households in at the assembly point on a 390-pixel phone.

The Azerbaijani run finds things by address, field name and id (new words are translated
when the coordinator merges the catalogue), and checks the records in the database.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from homecoming.accounts.models import User
from homecoming.places.models import Area, Settlement
from homecoming.registry.models import Household
from homecoming.registry.services import consent_record
from homecoming.returns.models import Cohort, Passenger, Reservation
from homecoming.returns.services import (
    allocation_approve,
    allocation_run,
    cohort_plan,
    cohorts_schedule,
    offer_accept,
)
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_household_record_journey import enter, shoot
from tests.browser.test_places_journey import demo  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
A4 = (595.28, 841.89)  # points, portrait
WIDER_THAN_THE_SCREEN = "document.documentElement.scrollWidth > window.innerWidth"
READY_SETTLEMENT = "AZ0201004"  # in Kalbajar: land released, services in, homes ready


@pytest.fixture
def offered(demo):  # noqa: F811
    """Kalbajar's allocation approved three days ago: each household offered a home. The
    first by reference has no consent recorded; the others have. Returns the offers by
    reference."""
    planner, officer = User.objects.get(username="planner"), User.objects.get(username="admin")
    kalbajar = Area.objects.get(name="Kalbajar", level="district")
    # The demo's Kalbajar households mostly come from settlements not yet open for return:
    # eight of them come from one that is, where homes are ready, for a list of two pages
    # and a departure of several households.
    ready = Settlement.objects.get(code=READY_SETTLEMENT)
    waiting = Household.objects.filter(
        origin_settlement__district=kalbajar,
        status="verified",
        intention="return_now",
        reservations__isnull=True,
    ).exclude(origin_settlement=ready)
    moved = list(waiting.values_list("pk", flat=True)[:8])
    Household.objects.filter(pk__in=moved).update(origin_settlement=ready)
    for number, pk in enumerate(moved[::2]):  # some have a phone to call
        Household.objects.filter(pk=pk).update(phone=f"+994 50 555 01 0{number}")
    run = allocation_run(by=planner, districts=[kalbajar], scope="settlement")
    allocation_approve(run=run, by=planner, on=TODAY - dt.timedelta(days=3))
    offers = list(run.reservations.select_related("household").order_by("household__reference"))
    assert len(offers) >= 6, "the demo gives Kalbajar enough offers for two pages"
    for offer in offers[1:]:
        if not offer.household.consents.filter(withdrawn_on=None).exists():
            consent_record(
                household=offer.household, by=officer, given_on=TODAY, document="CF-FIELD"
            )
    offer = offers[0]
    offer.household.consents.filter(withdrawn_on=None).update(withdrawn_on=TODAY)
    return offers


def assert_fits_a_phone(page) -> None:
    """Nothing on the page is wider than a 390-pixel phone: no horizontal scrolling."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(WIDER_THAN_THE_SCREEN) is False
    page.set_viewport_size({"width": 1280, "height": 860})


def _rows(page) -> list[int]:
    return [
        int(i.removeprefix("offer-"))
        for i in page.locator("#offers tbody tr[id]").evaluate_all("rows => rows.map(r => r.id)")
    ]


@pytest.mark.parametrize("language", ["en", "az"])
def test_an_officer_records_offers_from_a_filtered_list(
    offered, page, screenshot, language, monkeypatch
):
    monkeypatch.setattr("homecoming.returns.views.OFFERS_PER_PAGE", 3)
    run = offered[0].run
    enter(page, "kalbajar", language)
    page.goto("/returns/offers/")
    filters = page.locator("#offer-filters")
    filters.locator("[name=run]").select_option(str(run.pk))
    filters.locator("[name=answer]").select_option("pending")
    filters.locator("button[type=submit]").click()
    expect(page).to_have_url(
        f"/returns/offers/?q=&destination=&run={run.pk}&programme=&answer=pending&deadline="
    )
    expect(page.locator("#offers tbody tr[id]")).to_have_count(3)
    shoot(page, screenshot, "offers-filtered", language)

    # Page 2 keeps the filters.
    page.locator("nav.pager a").last.click()
    assert "page=2" in page.url
    assert f"run={run.pk}" in page.url
    assert "answer=pending" in page.url
    expect(page.locator("#offers tbody tr[id]").first).to_be_visible()
    second = _rows(page)
    assert set(second) <= {o.pk for o in offered}
    assert Reservation.objects.filter(pk__in=second, answer="pending").count() == len(second)

    # The household without consent: Accept disabled, the reason and where to record it.
    without = offered[0]
    filters = page.locator("#offer-filters")
    filters.locator("[name=q]").fill(without.household.reference)
    filters.locator("button[type=submit]").click()
    row = page.locator(f"#offer-{without.pk}")
    expect(page.locator("#offers tbody tr[id]")).to_have_count(1)
    expect(row.locator("button[value=accept]")).to_be_disabled()
    link = row.locator(f"a[href='/registry/households/{without.household.pk}/#consent']")
    expect(link).to_be_visible()
    if language == "en":
        expect(row).to_contain_text("No consent recorded — record it on the household's page")
    shoot(page, screenshot, "offers-no-consent", language)
    assert_fits_a_phone(page)

    # Another, with consent, is accepted from the filtered list, which stays filtered.
    accepted = offered[1]
    filters.locator("[name=q]").fill(accepted.household.reference)
    filters.locator("button[type=submit]").click()
    page.locator(f"#offer-{accepted.pk} button[value=accept]").click()
    expect(page.locator(".message.success")).to_be_visible()
    assert f"q={accepted.household.reference}" in page.url
    assert "answer=pending" in page.url
    assert Reservation.objects.get(pk=accepted.pk).answer == "accepted"
    expect(page.locator("#offers tbody tr[id]")).to_have_count(0)  # no longer pending

    # The others are reminded: the page lists whom to call.
    page.goto(f"/returns/offers/?run={run.pk}&answer=pending")
    boxes = page.locator("#offers input[name=offer]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#reminders button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/returns/offers/calls/\?"))
    expect(page.locator("#to-call tbody tr")).to_have_count(2)
    expect(page.locator(".message.success")).to_be_visible()
    shoot(page, screenshot, "offers-calls", language)
    assert_fits_a_phone(page)
    assert (
        Reservation.objects.filter(household__events__action="reminded to answer the offer").count()
        == 2
    )


@pytest.fixture
def departure(offered):
    """The offers with consent accepted, and a departure in a week to the settlement most of
    them go to, with its households scheduled."""
    officer, planner = User.objects.get(username="admin"), User.objects.get(username="planner")
    for offer in offered[1:]:
        offer_accept(offer=offer, by=officer)
    destination = Settlement.objects.get(code=READY_SETTLEMENT)
    cohort = cohort_plan(
        by=planner,
        destination=destination,
        move_date=TODAY + dt.timedelta(days=7),
        seats=200,
        transport="2 buses",
    )
    cohorts_schedule(by=planner, districts=[destination.district])
    assert cohort.passengers.count() >= 4
    return cohort


@pytest.mark.parametrize("language", ["en", "az"])
def test_a_departure_is_printed_exported_and_checked_in_on_a_phone(
    departure, page, screenshot, language
):
    enter(page, "kalbajar", language)
    page.goto("/returns/cohorts/")
    page.locator(f"a[href='/returns/cohorts/{departure.pk}/']").click()
    passengers = list(
        departure.passengers.select_related("reservation__household").order_by(
            "reservation__household__reference"
        )
    )
    table = page.locator("#passengers")
    expect(table.locator("tbody tr")).to_have_count(len(passengers))
    first = passengers[0].reservation.household
    head = first.members.get(relation="head", left_on=None)
    expect(table.locator(f"#passenger-{passengers[0].pk}")).to_contain_text(head.given_name)
    expect(table.locator(f"#passenger-{passengers[0].pk}")).to_contain_text(head.family_name)
    shoot(page, screenshot, "passenger-list", language)

    # Printed to PDF on A4: no navigation, the list with its header and page numbers.
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / f"passenger-list-{language}.pdf"
    page.pdf(path=str(pdf_path), format="A4")
    pdf = PdfReader(pdf_path)
    text = "\n".join(p.extract_text() for p in pdf.pages)
    for sheet in pdf.pages:  # A4 portrait, to Chromium's rounding (8.27 × 11.7 inches)
        assert abs(float(sheet.mediabox.width) - A4[0]) < 1.5
        assert abs(float(sheet.mediabox.height) - A4[1]) < 1.5
    assert all(str(p.reservation.household.reference) in text for p in passengers)
    assert f"{departure.move_date:%Y-%m-%d}" in text
    assert "2 buses" in text
    assert re.search(rf"\b1\D{{1,12}}\b{len(pdf.pages)}\b", pdf.pages[0].extract_text())
    for navigation in ("Sign out", "Mine action", "Log out"):
        assert navigation not in text
    page.emulate_media(media="print")
    screenshot(f"passenger-list-print-{language}")
    page.emulate_media(media="screen")

    # Downloaded as a workbook, read back: a row per household, in the page's language.
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    saved = ARTIFACTS / f"passenger-list-{language}.xlsx"
    download.value.save_as(saved)
    rows = list(load_workbook(io.BytesIO(saved.read_bytes())).active.iter_rows(values_only=True))
    header = {"en": "Reference", "az": "İstinad nömrəsi"}[language]
    assert rows[0][0] == header
    assert [r[0] for r in rows[1:]] == [p.reservation.household.reference for p in passengers]
    assert rows[1][1] == " ".join(
        name for name in (head.given_name, head.patronymic, head.family_name) if name
    )

    # At the assembly point, on a phone: two ticked and confirmed together, one with its own
    # large button, one that did not travel with the reason.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) is False
    for passenger in passengers[:2]:
        page.locator(f"#passenger-{passenger.pk} input[name=passenger]").check()
    page.locator("#confirm-seats button[type=submit]").click()
    expect(page.locator(".message.success")).to_be_visible()
    third = page.locator(f"#passenger-{passengers[2].pk}")
    button = third.locator("button[value=yes]")
    assert button.bounding_box()["height"] >= 44
    button.click()
    if len(passengers) > 3:
        fourth = page.locator(f"#passenger-{passengers[3].pk}")
        fourth.locator("summary").click()
        fourth.locator("input[name=note]").fill("ill, travels next week")
        fourth.locator("button[value=no]").click()
    expect(page.locator(f"#passenger-{passengers[2].pk} .seat-confirmed")).to_be_visible()
    assert page.evaluate(WIDER_THAN_THE_SCREEN) is False
    screenshot(f"passenger-checkin-{language}-390")
    page.set_viewport_size({"width": 1280, "height": 860})
    screenshot(f"passenger-checkin-{language}-1280")
    statuses = dict(Passenger.objects.filter(cohort=departure).values_list("pk", "status"))
    assert [statuses[p.pk] for p in passengers[:3]] == ["confirmed"] * 3
    if len(passengers) > 3:
        assert statuses[passengers[3].pk] == "no_show"
    assert Cohort.objects.get(pk=departure.pk).status == "planned"
